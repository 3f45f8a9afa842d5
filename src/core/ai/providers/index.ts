/** Builds providers from plain settings; the only place that knows each provider's defaults. */
import { UserError } from '../../errors';
import type { LlmProvider, ProviderId } from '../types';
import { AnthropicProvider } from './anthropic';
import { OpenAiLikeProvider } from './openai';

export type HttpProviderId = Exclude<ProviderId, 'vscode-lm'>;

export interface ProviderSettings {
  id: HttpProviderId;
  model?: string;
  apiKey?: string;
  baseUrl?: string;
}

export const DEFAULT_MODELS: Record<HttpProviderId, string> = {
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-4-5',
  groq: 'llama-3.3-70b-versatile',
  'openai-compatible': 'llama3.1',
};

/** Ollama's OpenAI-compatible endpoint: the most common local server. */
export const DEFAULT_COMPATIBLE_BASE_URL = 'http://localhost:11434/v1';

/** `IOPSDATA_OPENAI_API_KEY`, `IOPSDATA_OPENAI_COMPATIBLE_API_KEY`, … */
export function apiKeyEnvVar(id: HttpProviderId): string {
  return `IOPSDATA_${id.toUpperCase().replace(/-/g, '_')}_API_KEY`;
}

export function isProviderId(value: string): value is HttpProviderId {
  return value === 'openai' || value === 'anthropic' || value === 'groq' || value === 'openai-compatible';
}

export function providerNeedsKey(id: HttpProviderId): boolean {
  return id !== 'openai-compatible';
}

export function createProvider(s: ProviderSettings): LlmProvider {
  if (providerNeedsKey(s.id) && !s.apiKey) {
    throw new UserError(`No API key for ${s.id}. Set it with "iOpsData: Set API Key" (or ${apiKeyEnvVar(s.id)} for the CLI).`, { code: 'no-api-key' });
  }
  const model = s.model?.trim() || DEFAULT_MODELS[s.id];
  switch (s.id) {
    case 'anthropic':
      return new AnthropicProvider({ model, apiKey: s.apiKey, baseUrl: s.baseUrl });
    case 'openai-compatible':
      return new OpenAiLikeProvider({ id: s.id, model, apiKey: s.apiKey, baseUrl: s.baseUrl || DEFAULT_COMPATIBLE_BASE_URL });
    default:
      return new OpenAiLikeProvider({ id: s.id, model, apiKey: s.apiKey, baseUrl: s.baseUrl });
  }
}
