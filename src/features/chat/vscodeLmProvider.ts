/**
 * VS Code's own language models (vscode.lm: Copilot and any model another extension contributes) as an LlmProvider,
 * so the chat participant uses the model the user picked and the router can fall back to it. vscode.lm has no
 * system role and reports no usage, so the system prompt becomes the first user message and tokens are counted with
 * the model's own tokenizer (countTokens).
 */
import * as vscode from 'vscode';
import { ProviderError, type CompletionRequest, type CompletionResponse, type LlmProvider } from '../../core/ai/types';
import { CancelledError } from '../../core/errors';

export class VscodeLmProvider implements LlmProvider {
  readonly id = 'vscode-lm';
  readonly label: string;
  readonly model: string;

  constructor(private readonly chat: vscode.LanguageModelChat) {
    this.model = chat.id;
    this.label = `${chat.vendor === 'copilot' ? 'Copilot' : chat.vendor} (${chat.name})`;
  }

  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    const messages: vscode.LanguageModelChatMessage[] = [];
    for (const m of request.messages) {
      if (m.role === 'assistant') messages.push(vscode.LanguageModelChatMessage.Assistant(m.content));
      else messages.push(vscode.LanguageModelChatMessage.User(m.role === 'system' ? `Instructions:\n${m.content}` : m.content));
    }
    const cts = new vscode.CancellationTokenSource();
    const onAbort = () => cts.cancel();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    let text = '';
    try {
      const response = await this.chat.sendRequest(messages, { justification: 'iOpsData turns your question into SQL for your database.' }, cts.token);
      for await (const piece of response.text) {
        text += piece;
        request.onText?.(piece);
      }
    } catch (err) {
      if (request.signal?.aborted) throw new CancelledError();
      if (err instanceof vscode.LanguageModelError) {
        // NoPermissions / Blocked / NotFound: retrying does not help; the router moves on.
        throw new ProviderError(this.id, `${this.label}: ${err.message || err.code}`, { retryable: false, cause: err });
      }
      throw new ProviderError(this.id, `${this.label}: ${err instanceof Error ? err.message : String(err)}`, { retryable: false, cause: err });
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      cts.dispose();
    }
    let promptTokens = 0;
    let completionTokens = 0;
    try {
      const counts = await Promise.all(messages.map((m) => this.chat.countTokens(m)));
      promptTokens = counts.reduce((a, b) => a + b, 0);
      completionTokens = await this.chat.countTokens(text);
    } catch {
      // Token counting is best effort for vscode.lm models.
    }
    return { text, usage: { promptTokens, completionTokens }, provider: this.id, model: this.model, finishReason: 'stop' };
  }
}

/** The first chat model VS Code offers (Copilot when installed), or undefined. */
export async function pickVscodeModel(): Promise<vscode.LanguageModelChat | undefined> {
  try {
    const models = await vscode.lm.selectChatModels();
    return models.find((m) => m.vendor === 'copilot') ?? models[0];
  } catch {
    return undefined;
  }
}
