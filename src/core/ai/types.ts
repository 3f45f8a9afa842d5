/**
 * The LLM router's vocabulary. Providers (OpenAI, Anthropic, Groq, OpenAI-compatible servers, and VS Code's own
 * language models through an adapter outside core) all implement LlmProvider; everything above them speaks only this.
 */

export type ProviderId = 'openai' | 'anthropic' | 'groq' | 'openai-compatible' | 'vscode-lm';

export const PROVIDER_IDS: readonly ProviderId[] = ['openai', 'anthropic', 'groq', 'openai-compatible'];

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Tokens as the provider reported them (0 when it reported nothing). */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface CompletionRequest {
  messages: ChatMessage[];
  /** Upper bound on completion tokens. */
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /** Streamed text as it arrives. */
  onText?: (delta: string) => void;
}

export interface CompletionResponse {
  text: string;
  usage: TokenUsage;
  /** The provider that answered, e.g. 'openai'. */
  provider: string;
  model: string;
  /** Why the model stopped, as the provider said it (stop, length, end_turn, …). */
  finishReason?: string;
}

export interface LlmProvider {
  readonly id: string;
  /** Human label, e.g. "OpenAI (gpt-4o-mini)". Never contains a key. */
  readonly label: string;
  readonly model: string;
  complete(request: CompletionRequest): Promise<CompletionResponse>;
}

/**
 * A provider failure, classified so the router knows whether to retry the same provider, move to the next, or stop.
 * `message` is safe to show (no keys, no request bodies).
 */
export class ProviderError extends Error {
  readonly status?: number;
  /** Milliseconds the server asked us to wait (Retry-After / retry-after-ms). */
  readonly retryAfterMs?: number;
  /** True for 429, 5xx, timeouts, connection resets and truncated streams: worth another try on the same provider. */
  readonly retryable: boolean;
  readonly provider: string;
  constructor(provider: string, message: string, o: { status?: number; retryAfterMs?: number; retryable: boolean; cause?: unknown }) {
    super(message, o.cause !== undefined ? { cause: o.cause } : undefined);
    this.name = 'ProviderError';
    this.provider = provider;
    this.status = o.status;
    this.retryAfterMs = o.retryAfterMs;
    this.retryable = o.retryable;
  }
}
