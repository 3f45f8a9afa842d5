/** The AI settings and API keys. Keys live in SecretStorage only: never in settings, logs or messages. */
import * as vscode from 'vscode';
import { isProviderId, type HttpProviderId } from '../../core/ai/providers';

export type ChainEntry = HttpProviderId | 'vscode-lm';

export const PROVIDER_LABELS: Record<ChainEntry, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  groq: 'Groq',
  'openai-compatible': 'OpenAI-compatible (Ollama, LM Studio, vLLM, Azure)',
  'vscode-lm': 'VS Code language models (Copilot)',
};

const MODEL_SETTING: Record<HttpProviderId, string> = {
  openai: 'openai.model',
  anthropic: 'anthropic.model',
  groq: 'groq.model',
  'openai-compatible': 'openaiCompatible.model',
};

export const DEFAULT_CHAIN: ChainEntry[] = ['openai', 'anthropic', 'groq', 'openai-compatible', 'vscode-lm'];

export function secretKey(id: HttpProviderId): string {
  return `iopsdata.ai.apiKey.${id}`;
}

function cfg() {
  return vscode.workspace.getConfiguration('iopsdata.ai');
}

export function providerChain(): ChainEntry[] {
  const raw = cfg().get<unknown>('providers');
  const list = Array.isArray(raw) ? raw.filter((x): x is ChainEntry => typeof x === 'string' && (isProviderId(x) || x === 'vscode-lm')) : [];
  return list.length ? [...new Set(list)] : DEFAULT_CHAIN;
}

export function modelFor(id: HttpProviderId): string | undefined {
  return cfg().get<string>(MODEL_SETTING[id])?.trim() || undefined;
}

export function compatibleBaseUrl(): string | undefined {
  return cfg().get<string>('baseUrl')?.trim() || undefined;
}

export function autoExecute(): boolean {
  return cfg().get<boolean>('autoExecute') === true;
}

export function includeSampleValues(): boolean {
  return cfg().get<boolean>('includeSampleValues') === true;
}

export function maxRepairAttempts(): number {
  const n = Number(cfg().get('maxRepairAttempts', 2));
  return Number.isFinite(n) ? Math.max(0, Math.min(5, Math.floor(n))) : 2;
}

export async function setChain(chain: ChainEntry[]): Promise<void> {
  await cfg().update('providers', chain, vscode.ConfigurationTarget.Global);
}

export async function setModel(id: HttpProviderId, model: string): Promise<void> {
  await cfg().update(MODEL_SETTING[id], model, vscode.ConfigurationTarget.Global);
}

export async function setBaseUrl(url: string): Promise<void> {
  await cfg().update('baseUrl', url, vscode.ConfigurationTarget.Global);
}
