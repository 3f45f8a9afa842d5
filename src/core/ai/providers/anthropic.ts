/** Anthropic Messages API with streaming (message_start / content_block_delta / message_delta / message_stop). */
import type { CompletionRequest, CompletionResponse, LlmProvider } from '../types';
import { ProviderError } from '../types';
import { toProviderError } from './sdkErrors';

export interface AnthropicConfig {
  model: string;
  apiKey?: string;
  baseUrl?: string;
}

export class AnthropicProvider implements LlmProvider {
  readonly id = 'anthropic';
  readonly label: string;
  readonly model: string;
  private client: any;

  constructor(private readonly config: AnthropicConfig) {
    this.model = config.model;
    this.label = `Anthropic (${config.model})`;
  }

  private getClient(): any {
    if (!this.client) {
      const mod = require('@anthropic-ai/sdk');
      const Anthropic = mod.default ?? mod.Anthropic;
      this.client = new Anthropic({
        apiKey: this.config.apiKey,
        maxRetries: 0,
        timeout: 10 * 60_000,
        ...(this.config.baseUrl ? { baseURL: this.config.baseUrl.replace(/\/+$/, '') } : {}),
      });
    }
    return this.client;
  }

  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    const client = this.getClient();
    // Anthropic takes the system prompt apart from the turns, and turns must alternate starting with a user turn.
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const turns: { role: 'user' | 'assistant'; content: string }[] = [];
    for (const m of request.messages) {
      if (m.role === 'system') continue;
      const last = turns[turns.length - 1];
      if (last && last.role === m.role) last.content += '\n\n' + m.content;
      else turns.push({ role: m.role, content: m.content });
    }
    if (turns[0]?.role !== 'user') turns.unshift({ role: 'user', content: '(start)' });
    const body: Record<string, unknown> = { model: this.model, max_tokens: request.maxTokens ?? 2048, messages: turns, stream: true };
    if (system) body.system = system;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    let text = '';
    let stopReason: string | undefined;
    let stopped = false;
    let promptTokens = 0;
    let completionTokens = 0;
    try {
      const stream = await client.messages.create(body, { signal: request.signal });
      for await (const event of stream as AsyncIterable<any>) {
        switch (event.type) {
          case 'message_start': {
            const u = event.message?.usage;
            promptTokens = (u?.input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0);
            completionTokens = u?.output_tokens ?? 0;
            break;
          }
          case 'content_block_delta':
            if (event.delta?.type === 'text_delta' && event.delta.text) {
              text += event.delta.text;
              request.onText?.(event.delta.text);
            }
            break;
          case 'message_delta':
            if (event.delta?.stop_reason) stopReason = event.delta.stop_reason;
            // message_delta usage is cumulative output tokens.
            if (typeof event.usage?.output_tokens === 'number') completionTokens = event.usage.output_tokens;
            break;
          case 'message_stop':
            stopped = true;
            break;
          case 'error':
            throw new ProviderError(this.id, `anthropic: ${String(event.error?.message ?? 'stream error')}`, { retryable: event.error?.type === 'overloaded_error' });
        }
      }
    } catch (err) {
      throw toProviderError(this.id, err);
    }
    if (!stopped) throw new ProviderError(this.id, 'anthropic: the response stream ended early', { retryable: true });
    return { text, usage: { promptTokens, completionTokens }, provider: this.id, model: this.model, finishReason: stopReason };
  }
}
