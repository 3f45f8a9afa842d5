/**
 * "Ask your data": the @iopsdata chat participant, the Ask sidebar view, language-model tools and the AI commands,
 * all on one AiService (provider chain from settings + SecretStorage, usage meter, schema cache).
 */
import * as vscode from 'vscode';
import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';
import type { RunApi } from '../run';
import { AiService } from './aiService';
import { registerAiCommands } from './commands';
import { registerParticipant } from './participant';
import { ASK_VIEW_ID, AskViewProvider } from './askView';
import { createTools, registerTools } from './tools';

export interface ChatApi {
  readonly ai: AiService;
  readonly askView: AskViewProvider;
}

export function registerChat(fc: FeatureContext, connections: ConnectionsApi, run: RunApi): ChatApi {
  const ai = new AiService(fc, connections);
  const askView = new AskViewProvider(fc.extension, fc.log, ai, run);
  const subs = fc.extension.subscriptions;
  subs.push(...registerAiCommands(ai, run), askView);
  subs.push(vscode.window.registerWebviewViewProvider(ASK_VIEW_ID, askView, { webviewOptions: { retainContextWhenHidden: true } }));
  // Asks through the Ask view's pipeline (shows the view first); returns the finished turn. Also used by tests.
  subs.push(
    vscode.commands.registerCommand('iopsdata.ai.ask', async (question?: unknown, options?: { connectionId?: string }) => {
      const q = typeof question === 'string' ? question : await vscode.window.showInputBox({ prompt: 'Ask a question about your data' });
      if (!q) return undefined;
      void vscode.commands.executeCommand(`${ASK_VIEW_ID}.focus`).then(undefined, () => undefined);
      return askView.ask(q, typeof options?.connectionId === 'string' ? options.connectionId : undefined);
    }),
  );
  if (fc.extension.extensionMode === vscode.ExtensionMode.Test) {
    // Internal: the integration tests check the view resolved, its webview said ready, and what it was sent.
    subs.push(vscode.commands.registerCommand('iopsdata.ai.askStateForTests', () => askView.stateForTests()));
  }
  // Chat and LM tools are stable in 1.100, but a host without chat (e.g. some forks) must still activate.
  try {
    const { participant, handler } = registerParticipant(ai, run, fc.extension.extensionUri);
    subs.push(participant);
    // Not contributed (so not in the palette): the integration tests drive the real handler with a recording
    // stream, because this host cannot send a chat request without a signed-in Copilot, and read the tools'
    // confirmation messages, which VS Code only shows inside a chat session.
    if (fc.extension.extensionMode === vscode.ExtensionMode.Test) {
      subs.push(vscode.commands.registerCommand('iopsdata.ai.chatHandlerForTests', () => ({ handler, followupProvider: participant.followupProvider, tools: createTools(ai) })));
    }
  } catch (err) {
    fc.log.warn(`[chat] chat participant unavailable: ${String(err)}`);
  }
  try {
    subs.push(...registerTools(ai));
  } catch (err) {
    fc.log.warn(`[chat] language-model tools unavailable: ${String(err)}`);
  }
  return { ai, askView };
}
