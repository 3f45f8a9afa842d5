/**
 * OpenAI, Groq and any OpenAI-compatible server (Ollama, LM Studio, vLLM, Azure-style deployments) over the
 * streaming Chat Completions API. The SDKs are required lazily so activation never pays for them.
 */
import type { CompletionRequest, CompletionResponse, LlmProvider } from '../types';
import { ProviderError } from '../types';
import { toProviderError } from './sdkErrors';

export interface OpenAiLikeConfig {
  id: 'openai' | 'groq' | 'openai-compatible';
  model: string;
  apiKey?: string;
  baseUrl?: string;
  /** Extra headers (tests, proxies). */
  headers?: Record<string, string>;
}

interface ChatChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  /** Groq puts usage of a stream here on the final chunk. */
  x_groq?: { usage?: { prompt_tokens?: number; completion_tokens?: number } };
}

const LABELS = { openai: 'OpenAI', groq: 'Groq', 'openai-compatible': 'OpenAI-compatible' } as const;

/** Azure-style URLs carry `?api-version=`; the SDK wants that as a default query and the key in `api-key`. */
function splitBaseUrl(baseUrl: string | undefined): { baseURL?: string; defaultQuery?: Record<string, string> } {
  if (!baseUrl) return {};
  try {
    const u = new URL(baseUrl);
    if (!u.search) return { baseURL: baseUrl.replace(/\/+$/, '') };
    const defaultQuery: Record<string, string> = {};
    u.searchParams.forEach((v, k) => (defaultQuery[k] = v));
    u.search = '';
    return { baseURL: u.toString().replace(/\/+$/, ''), defaultQuery };
  } catch {
    return { baseURL: baseUrl };
  }
}

export class OpenAiLikeProvider implements LlmProvider {
  readonly id: string;
  readonly label: string;
  readonly model: string;
  private client: any;

  constructor(private readonly config: OpenAiLikeConfig) {
    this.id = config.id;
    this.model = config.model;
    this.label = `${LABELS[config.id]} (${config.model})`;
  }

  private getClient(): any {
    if (this.client) return this.client;
    const { baseURL, defaultQuery } = splitBaseUrl(this.config.baseUrl);
    // Retries and timeouts are the router's job (it honours Retry-After and logs each step), so the SDK's are off.
    const common = { maxRetries: 0, timeout: 10 * 60_000, defaultHeaders: { ...this.config.headers } as Record<string, string> };
    if (this.config.id === 'groq') {
      const Groq = require('groq-sdk').default ?? require('groq-sdk');
      this.client = new Groq({ ...common, apiKey: this.config.apiKey, ...(baseURL ? { baseURL } : {}) });
    } else {
      const OpenAI = require('openai').default ?? require('openai').OpenAI;
      const azure = defaultQuery && 'api-version' in defaultQuery;
      if (azure && this.config.apiKey) common.defaultHeaders['api-key'] = this.config.apiKey;
      this.client = new OpenAI({
        ...common,
        // Local servers take no key, but the SDK insists on one.
        apiKey: this.config.apiKey || 'not-needed',
        ...(baseURL ? { baseURL } : {}),
        ...(defaultQuery ? { defaultQuery } : {}),
      });
    }
    return this.client;
  }

  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    const client = this.getClient();
    const body: Record<string, unknown> = {
      model: this.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.maxTokens) body[this.config.id === 'openai' ? 'max_completion_tokens' : 'max_tokens'] = request.maxTokens;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    let text = '';
    let finishReason: string | undefined;
    let promptTokens = 0;
    let completionTokens = 0;
    try {
      const stream = await client.chat.completions.create(body, { signal: request.signal });
      for await (const chunk of stream as AsyncIterable<ChatChunk>) {
        const choice = chunk.choices?.[0];
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          request.onText?.(delta);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        const usage = chunk.usage ?? chunk.x_groq?.usage;
        if (usage) {
          promptTokens = usage.prompt_tokens ?? promptTokens;
          completionTokens = usage.completion_tokens ?? completionTokens;
        }
      }
    } catch (err) {
      throw toProviderError(this.id, err);
    }
    // A stream that ends without a finish_reason was cut off (proxy reset, server crash): the text is incomplete.
    if (!finishReason) throw new ProviderError(this.id, `${this.id}: the response stream ended early`, { retryable: true });
    return { text, usage: { promptTokens, completionTokens }, provider: this.id, model: this.model, finishReason };
  }
}
