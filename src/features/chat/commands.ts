/** Commands: API keys (SecretStorage), provider choice, and the actions behind the "Run / Open / Lineage" buttons. */
import * as vscode from 'vscode';
import { DEFAULT_MODELS, DEFAULT_COMPATIBLE_BASE_URL, isProviderId, providerNeedsKey, type HttpProviderId } from '../../core/ai/providers';
import { userMessage } from '../../core/errors';
import type { RunApi } from '../run';
import type { AiService } from './aiService';
import * as settings from './settings';

const HTTP_PROVIDERS: HttpProviderId[] = ['openai', 'anthropic', 'groq', 'openai-compatible'];

async function pickHttpProvider(placeHolder: string, only?: (id: HttpProviderId) => Promise<boolean>): Promise<HttpProviderId | undefined> {
  const items: (vscode.QuickPickItem & { id: HttpProviderId })[] = [];
  for (const id of HTTP_PROVIDERS) if (!only || (await only(id))) items.push({ id, label: settings.PROVIDER_LABELS[id] });
  if (!items.length) {
    void vscode.window.showInformationMessage('iOpsData: no API keys are stored.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.id;
}

export interface SqlAction {
  sql: string;
  connectionId?: string;
  title?: string;
}

export function registerAiCommands(ai: AiService, run: RunApi): vscode.Disposable[] {
  const setApiKey = async (arg?: unknown) => {
    const id = typeof arg === 'string' && isProviderId(arg) ? arg : await pickHttpProvider('Set the API key for…');
    if (!id) return;
    const key = await vscode.window.showInputBox({
      title: `API key for ${settings.PROVIDER_LABELS[id]}`,
      prompt: id === 'openai-compatible' ? 'Optional for local servers; stored in VS Code SecretStorage.' : 'Stored in VS Code SecretStorage, never in settings.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/\s/.test(v.trim()) ? 'An API key has no spaces.' : undefined),
    });
    if (key === undefined) return;
    await ai.storeApiKey(id, key.trim() || undefined);
    void vscode.window.showInformationMessage(`iOpsData: API key for ${settings.PROVIDER_LABELS[id]} ${key.trim() ? 'saved' : 'removed'}.`);
  };

  const clearApiKey = async (arg?: unknown) => {
    const id = typeof arg === 'string' && isProviderId(arg) ? arg : await pickHttpProvider('Remove the API key of…', async (p) => Boolean(await ai.apiKey(p)));
    if (!id) return;
    await ai.storeApiKey(id, undefined);
    void vscode.window.showInformationMessage(`iOpsData: API key for ${settings.PROVIDER_LABELS[id]} removed.`);
  };

  const selectProvider = async () => {
    const avail = await ai.availability();
    const chain = settings.providerChain();
    const pick = await vscode.window.showQuickPick(
      avail.map((a) => ({ id: a.id, label: a.label, description: chain[0] === a.id ? 'first in chain' : a.ready ? 'ready' : 'not set up' })),
      { placeHolder: 'Which model provider should iOpsData try first? (the others stay as fallbacks)' },
    );
    if (!pick) return;
    const id = pick.id;
    await settings.setChain([id, ...chain.filter((c) => c !== id)]);
    if (id === 'vscode-lm') return;
    if (id === 'openai-compatible') {
      const url = await vscode.window.showInputBox({
        title: 'Base URL of the OpenAI-compatible server',
        value: settings.compatibleBaseUrl() ?? DEFAULT_COMPATIBLE_BASE_URL,
        prompt: 'Ollama http://localhost:11434/v1, LM Studio http://localhost:1234/v1, vLLM http://host:8000/v1, Azure …/openai/deployments/<name>?api-version=…',
        ignoreFocusOut: true,
        validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'Enter an http(s) URL.'),
      });
      if (url === undefined) return;
      await settings.setBaseUrl(url.trim());
    }
    const model = await vscode.window.showInputBox({
      title: `Model for ${settings.PROVIDER_LABELS[id]}`,
      value: settings.modelFor(id) ?? DEFAULT_MODELS[id],
      ignoreFocusOut: true,
    });
    if (model !== undefined && model.trim()) await settings.setModel(id, model.trim());
    if (providerNeedsKey(id) && !(await ai.apiKey(id))) await setApiKey(id);
  };

  const runSql = async (a?: SqlAction) => {
    if (!a?.sql) return;
    const connectionId = a.connectionId ?? ai.connections.activeConnectionId();
    try {
      await run.run({ connectionId, sql: a.sql, title: a.title ?? 'Ask' });
    } catch (err) {
      void vscode.window.showErrorMessage(`iOpsData: ${userMessage(err)}`);
    }
  };

  const openSql = async (a?: SqlAction) => {
    if (!a?.sql) return;
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: a.sql + '\n' });
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc.uri;
  };

  const showLineage = async (a?: SqlAction) => {
    const uri = await openSql(a);
    if (!uri) return;
    try {
      await vscode.commands.executeCommand('iopsdata.lineage.show', uri);
    } catch (err) {
      void vscode.window.showErrorMessage(`iOpsData: lineage is not available: ${userMessage(err)}`);
    }
  };

  return [
    vscode.commands.registerCommand('iopsdata.ai.setApiKey', setApiKey),
    vscode.commands.registerCommand('iopsdata.ai.clearApiKey', clearApiKey),
    vscode.commands.registerCommand('iopsdata.ai.selectProvider', selectProvider),
    vscode.commands.registerCommand('iopsdata.ai.runSql', runSql),
    vscode.commands.registerCommand('iopsdata.ai.openSql', openSql),
    vscode.commands.registerCommand('iopsdata.ai.showSqlLineage', showLineage),
    vscode.commands.registerCommand('iopsdata.ai.refreshSchema', () => {
      ai.schemaCache.invalidate();
      void vscode.window.showInformationMessage('iOpsData: schema context will be reloaded on the next question.');
    }),
  ];
}
