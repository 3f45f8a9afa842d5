/**
 * "Ask your data" inside the real VS Code extension host: the @iopsdata participant and the language-model tools
 * are contributed and registered, tools run through vscode.lm.invokeTool, and the Ask pipeline turns a question
 * into SQL on a real DuckDB file through the real OpenAI SDK talking to a loopback OpenAI-compatible server.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makeDuckDbFile } from '../duckdbFixture';
import { startLlmServer, type LlmServer } from '../../helpers/llm/server';

const TOOLS = ['iopsdata_listSchema', 'iopsdata_runQuery', 'iopsdata_profileFile', 'iopsdata_getLineage'];

function toolText(r: vscode.LanguageModelToolResult): string {
  return r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

describe('ask your data (extension host)', function () {
  this.timeout(120_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const dbFile = path.join(ws, 'itest-ai.duckdb');
  const ai = () => vscode.workspace.getConfiguration('iopsdata.ai');
  let llm: LlmServer;

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    await makeDuckDbFile(dbFile);
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-ai', name: 'ITest AI', kind: 'duckdb', path: 'itest-ai.duckdb' });
    llm = await startLlmServer();
  });
  after(async () => {
    await vscode.commands.executeCommand('iopsdata.connections.remove', 'itest-ai', { confirm: false });
    await ai().update('providers', undefined, vscode.ConfigurationTarget.Global);
    await ai().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await llm?.stop();
  });

  it('contributes the @iopsdata participant with its commands, and the tools', () => {
    const pkg = vscode.extensions.getExtension('iopsdata.iopsdata')!.packageJSON;
    const participant = pkg.contributes.chatParticipants.find((p: any) => p.id === 'iopsdata.chat');
    assert.equal(participant.name, 'iopsdata');
    assert.deepEqual(participant.commands.map((c: any) => c.name), ['sql', 'explain', 'fix', 'profile', 'lineage']);
    const tools = pkg.contributes.languageModelTools;
    assert.deepEqual(tools.map((t: any) => t.name), TOOLS);
    for (const t of tools) assert.ok(t.modelDescription && t.inputSchema && t.canBeReferencedInPrompt && t.toolReferenceName, t.name);
  });

  it('registers every tool with vscode.lm', () => {
    const names = vscode.lm.tools.map((t) => t.name);
    for (const t of TOOLS) assert.ok(names.includes(t), `${t} missing from ${names.join(', ')}`);
  });

  it('invokes the lineage tool through vscode.lm.invokeTool', async () => {
    const r = await vscode.lm.invokeTool('iopsdata_getLineage', {
      input: { sql: 'INSERT INTO mart.totals SELECT customer, sum(amount) AS total FROM raw.orders GROUP BY customer' },
      toolInvocationToken: undefined,
    });
    const text = toolText(r);
    assert.match(text, /\*\*Sources:\*\* `raw\.orders`/);
    assert.match(text, /\*\*Targets:\*\* `mart\.totals`/);
  });

  it('invokes the schema tool on a real DuckDB connection', async () => {
    const r = await vscode.lm.invokeTool('iopsdata_listSchema', { input: { connectionId: 'itest-ai', question: 'orders' }, toolInvocationToken: undefined });
    const text = toolText(r);
    assert.match(text, /TABLE main\.orders -- ~?\d* ?(rows -- )?one row per order/);
    assert.match(text, /id INTEGER PRIMARY KEY/);
  });

  it('asks a question through the Ask pipeline (loopback OpenAI-compatible server, real SDK, EXPLAIN on DuckDB)', async () => {
    await ai().update('providers', ['openai-compatible'], vscode.ConfigurationTarget.Global);
    await ai().update('baseUrl', llm.openaiBaseUrl, vscode.ConfigurationTarget.Global);
    llm.script(
      { kind: 'text', text: '{"sql": "SELECT sum(total) FROM orders", "explanation": "wrong column"}', usage: { promptTokens: 300, completionTokens: 20 } },
      { kind: 'text', text: '{"sql": "SELECT sum(amount) AS revenue FROM main.orders", "explanation": "Total order amount."}', usage: { promptTokens: 350, completionTokens: 22 } },
    );
    const turn = (await vscode.commands.executeCommand('iopsdata.ai.ask', 'What is the total order amount?', { connectionId: 'itest-ai' })) as any;
    assert.equal(turn.status, 'done', turn.error);
    assert.equal(turn.sql, 'SELECT sum(amount) AS revenue FROM main.orders');
    assert.equal(turn.explanation, 'Total order amount.');
    assert.equal(turn.attempts, 2);
    assert.equal(turn.valid, true);
    assert.deepEqual(turn.usage, { promptTokens: 650, completionTokens: 42 });
    assert.match(llm.requests[0].body.messages[0].content, /TABLE main\.orders/);
    assert.match(llm.requests[1].body.messages.at(-1).content, /Unknown column total/);
  });

  it('reports a clear error when no provider is set up', async () => {
    await ai().update('providers', ['openai'], vscode.ConfigurationTarget.Global);
    const turn = (await vscode.commands.executeCommand('iopsdata.ai.ask', 'anything', { connectionId: 'itest-ai' })) as any;
    assert.equal(turn.status, 'error');
    assert.match(turn.error, /No language model is set up/);
  });
});
