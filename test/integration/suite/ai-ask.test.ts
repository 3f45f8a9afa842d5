/**
 * The Ask sidebar view in the real VS Code host: the view resolves in the iOpsData sidebar and its webview (the real
 * bundle in the workbench's Chromium) says `ready`; a question goes through the real OpenAI SDK to the loopback
 * OpenAI-compatible server and back, with the token use the server reported sent to the view; and the auto-run
 * policy holds: nothing runs without the user unless iopsdata.ai.autoExecute is on, then only read-only statements
 * on read-only connections, and writes never. Data: the demo warehouse (real DuckDB). How the webview renders the
 * messages is covered in test/unit/ai/askView.chromium.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { generateDemo } from '../../../src/core/demo/generateDemo';
import type { AskStateMessage, AskTurn, AskTurnMessage } from '../../../src/shared/protocol/ask';
import { startLlmServer, type LlmServer } from '../../helpers/llm/server';

const RO = 'itest-ask-ro';
const RW = 'itest-ask-rw';

interface AskViewState {
  resolved: number;
  ready: number;
  lastState?: AskStateMessage;
  lastTurn?: AskTurnMessage;
  turns: AskTurn[];
}
const viewState = async () => (await vscode.commands.executeCommand('iopsdata.ai.askStateForTests')) as AskViewState;
const runHistory = async () => ((await vscode.commands.executeCommand('iopsdata.run.stateForTests')) as { history: { sql: string }[] }).history.length;
const ask = async (question: string, connectionId: string) => (await vscode.commands.executeCommand('iopsdata.ai.ask', question, { connectionId })) as AskTurn;
const json = (sql: string, explanation: string) => JSON.stringify({ sql, explanation });

async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let v = await get();
  while (!ok(v)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 200));
    v = await get();
  }
  return v;
}

describe('Ask view (extension host, loopback OpenAI-compatible server)', function () {
  this.timeout(120_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const demoDir = path.join(ws, 'itest-ask');
  const cfg = () => vscode.workspace.getConfiguration('iopsdata.ai');
  let llm: LlmServer;
  let cancelledOrders = 0;
  let ordersRw = 0;

  const countOrders = async (connectionId: string) => {
    const out = (await vscode.lm.invokeTool('iopsdata_runQuery', { input: { sql: 'SELECT count(*) AS n FROM shop.orders', connectionId }, toolInvocationToken: undefined })).content;
    return Number((out[0] as vscode.LanguageModelTextPart).value.split('\n')[1]);
  };

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    llm = await startLlmServer();
    fs.rmSync(demoDir, { recursive: true, force: true });
    await generateDemo(demoDir, { customers: 300 });
    fs.copyFileSync(path.join(demoDir, 'warehouse.duckdb'), path.join(demoDir, 'warehouse-rw.duckdb'));
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(path.join(demoDir, 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
    const c = await inst.connect();
    cancelledOrders = Number((await c.runAndReadAll("SELECT count(*)::INTEGER FROM shop.orders WHERE status = 'cancelled'")).getRows()[0][0]);
    ordersRw = Number((await c.runAndReadAll('SELECT count(*)::INTEGER FROM shop.orders')).getRows()[0][0]);
    c.closeSync();
    inst.closeSync();
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: RO, name: 'ITest ask (read-only)', kind: 'duckdb', path: 'itest-ask/warehouse.duckdb' });
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: RW, name: 'ITest ask (writes)', kind: 'duckdb', path: 'itest-ask/warehouse-rw.duckdb', allowWrites: true });
    await cfg().update('providers', ['openai-compatible'], vscode.ConfigurationTarget.Global);
    await cfg().update('baseUrl', llm.openaiBaseUrl, vscode.ConfigurationTarget.Global);
    await cfg().update('openaiCompatible.model', 'loopback-coder', vscode.ConfigurationTarget.Global);
    await cfg().update('autoExecute', undefined, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    for (const id of [RO, RW]) await vscode.commands.executeCommand('iopsdata.connections.remove', id, { confirm: false });
    for (const key of ['providers', 'baseUrl', 'openaiCompatible.model', 'autoExecute']) await cfg().update(key, undefined, vscode.ConfigurationTarget.Global);
    await llm?.stop();
    fs.rmSync(demoDir, { recursive: true, force: true });
  });

  it('resolves in the iOpsData sidebar; its webview says ready and gets the providers, connections and auto-run state', async () => {
    await vscode.commands.executeCommand('iopsdata.ask.focus');
    const s = await waitFor('the Ask webview to say ready and get its state', viewState, (v) => v.ready >= 1 && v.lastState?.connections.some((c) => c.id === RW) === true);
    assert.ok(s.resolved >= 1);
    const state = s.lastState!;
    assert.deepEqual(state.providers.find((p) => p.id === 'openai-compatible'), { id: 'openai-compatible', label: 'OpenAI-compatible (Ollama, LM Studio, vLLM, Azure)', ready: true });
    assert.equal(state.providers.find((p) => p.id === 'openai')?.ready, false);
    assert.ok(state.connections.some((c) => c.id === RO && c.label === 'ITest ask (read-only)'));
    assert.equal(state.autoExecute, false);
  });

  it('a question round-trips through the real SDK; the token use the server reported goes to the view; nothing runs (autoExecute off)', async () => {
    const sql = "SELECT count(*) AS cancelled FROM shop.orders WHERE status = 'cancelled'";
    llm.script({ kind: 'text', text: json(sql, 'Counts cancelled orders.'), usage: { promptTokens: 812, completionTokens: 41 }, chunks: 4 });
    const session0 = (await viewState()).lastState?.sessionUsage ?? { promptTokens: 0, completionTokens: 0 };
    const runs0 = await runHistory();
    const before = llm.requests.length;
    const turn = await ask('How many orders were cancelled?', RO);
    assert.equal(turn.status, 'done', turn.error);
    assert.equal(turn.sql, sql);
    assert.equal(turn.explanation, 'Counts cancelled orders.');
    assert.equal(turn.attempts, 1);
    assert.equal(turn.valid, true);
    assert.equal(turn.isWrite, false);
    assert.equal(turn.provider, 'openai-compatible');
    assert.equal(turn.model, 'loopback-coder');
    assert.deepEqual(turn.usage, { promptTokens: 812, completionTokens: 41 });
    // The real SDK streamed and asked for usage in the stream.
    const req = llm.requests[before];
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.body.model, 'loopback-coder');
    assert.equal(req.body.stream, true);
    assert.match(req.body.messages[0].content, /TABLE shop\.orders/);
    // What the view was sent: the finished turn with its usage and the session total.
    const s = await viewState();
    assert.equal(s.lastTurn?.turn.id, turn.id);
    assert.deepEqual(s.lastTurn?.turn.usage, { promptTokens: 812, completionTokens: 41 });
    assert.deepEqual(s.lastTurn?.sessionUsage, { promptTokens: session0.promptTokens + 812, completionTokens: session0.completionTokens + 41 });
    // autoExecute is off: no result and nothing in the run history.
    assert.equal(turn.result, undefined);
    assert.equal(await runHistory(), runs0);
    assert.ok(s.turns.some((t) => t.id === turn.id), 'the turn is kept in the workspace conversation');
  });

  it('follow-ups in the view carry the earlier questions and SQL of that connection', async () => {
    llm.script({ kind: 'text', text: json("SELECT count(*) FROM shop.orders WHERE status = 'cancelled' AND channel = 'web'", 'Web only.') });
    const before = llm.requests.length;
    const turn = await ask('only on the web channel?', RO);
    assert.equal(turn.status, 'done', turn.error);
    const msgs: { role: string; content: string }[] = llm.requests[before].body.messages;
    const i = msgs.findIndex((m) => m.role === 'user' && m.content === 'How many orders were cancelled?');
    assert.ok(i > 0, JSON.stringify(msgs.map((m) => m.content.slice(0, 60))));
    assert.equal(msgs[i + 1].role, 'assistant');
    assert.match(msgs[i + 1].content, /status = 'cancelled'/);
    assert.deepEqual(msgs.at(-1), { role: 'user', content: 'only on the web channel?' });
  });

  it('with autoExecute on, a read-only query on a read-only connection runs by itself and shows real rows', async () => {
    await cfg().update('autoExecute', true, vscode.ConfigurationTarget.Global);
    await waitFor('the view to see autoExecute on', viewState, (v) => v.lastState?.autoExecute === true);
    llm.script({ kind: 'text', text: json("SELECT count(*) AS cancelled FROM shop.orders WHERE status = 'cancelled'", 'Cancelled orders.') });
    const runs0 = await runHistory();
    const turn = await ask('How many cancelled orders again?', RO);
    assert.equal(turn.status, 'done', turn.error);
    assert.equal(turn.runError, undefined);
    assert.deepEqual(turn.result?.columns, ['cancelled']);
    assert.deepEqual(turn.result?.rows, [[String(cancelledOrders)]]);
    assert.equal(await runHistory(), runs0 + 1);
  });

  it('with autoExecute on, nothing runs by itself on a connection that allows writes, and a write never runs', async () => {
    await cfg().update('autoExecute', true, vscode.ConfigurationTarget.Global);
    const runs0 = await runHistory();
    llm.script({ kind: 'text', text: json('SELECT count(*) AS n FROM shop.orders', 'All orders.') });
    const read = await ask('How many orders?', RW);
    assert.equal(read.status, 'done', read.error);
    assert.equal(read.result, undefined);
    llm.script({ kind: 'text', text: json("DELETE FROM shop.orders WHERE status = 'cancelled'", 'Removes cancelled orders.') });
    const write = await ask('Delete the cancelled orders', RW);
    assert.equal(write.status, 'done', write.error);
    assert.equal(write.isWrite, true);
    assert.equal(write.valid, true, (write.problems ?? []).join(' '));
    assert.equal(write.result, undefined);
    // A write on the read-only connection does not run either (one model call: no repairs of the refusal).
    await cfg().update('maxRepairAttempts', 0, vscode.ConfigurationTarget.Global);
    llm.script({ kind: 'text', text: json("DELETE FROM shop.orders WHERE status = 'cancelled'", 'Removes cancelled orders.') });
    const roWrite = await ask('Delete the cancelled orders', RO);
    await cfg().update('maxRepairAttempts', undefined, vscode.ConfigurationTarget.Global);
    assert.equal(roWrite.isWrite, true);
    assert.equal(roWrite.result, undefined);
    assert.equal(await runHistory(), runs0);
    assert.equal(await countOrders(RW), ordersRw);
    assert.equal(await countOrders(RO), ordersRw);
  });

  it('falls back from a failing HTTP provider to VS Code’s language model (vscode.lm), each step in the log', async () => {
    await cfg().update('autoExecute', undefined, vscode.ConfigurationTarget.Global);
    const testLm = vscode.extensions.getExtension<{ setBaseUrl(url?: string): void }>('iopsdata-test.iopsdata-test-lm');
    assert.ok(testLm, 'the test-only language-model extension is not installed (see test/integration/run.mjs)');
    (await testLm.activate()).setBaseUrl(llm.openaiBaseUrl);
    await cfg().update('providers', ['openai-compatible', 'vscode-lm'], vscode.ConfigurationTarget.Global);
    const s = await waitFor('the view to see a VS Code model', viewState, (v) => v.lastState?.providers.find((p) => p.id === 'vscode-lm')?.ready === true);
    assert.ok(s.lastState);
    const sql = 'SELECT count(*) AS products FROM shop.products';
    const busy = { kind: 'status', status: 503, message: 'overloaded', retryAfter: '0' } as const;
    llm.script(busy, busy, busy, { kind: 'text', text: json(sql, 'All products.') });
    const before = llm.requests.length;
    try {
      const turn = await ask('How many products are there?', RO);
      assert.equal(turn.status, 'done', turn.error);
      assert.equal(turn.sql, sql);
      assert.equal(turn.provider, 'vscode-lm');
      assert.equal(turn.model, 'loopback-sql');
      // vscode.lm reports no usage: tokens come from the model's own countTokens.
      assert.ok((turn.usage?.promptTokens ?? 0) > 100 && (turn.usage?.completionTokens ?? 0) > 5, JSON.stringify(turn.usage));
      assert.deepEqual(llm.requests.slice(before).map((r) => r.body.model), ['loopback-coder', 'loopback-coder', 'loopback-coder', 'loopback-sql']);
      const userData = process.env.IOPSDATA_TEST_USER_DATA_DIR!;
      const logText = async () => {
        const found: string[] = [];
        const walk = (d: string) => {
          for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            if (e.isDirectory()) walk(path.join(d, e.name));
            else if (e.name === 'iOpsData.log') found.push(path.join(d, e.name));
          }
        };
        walk(path.join(userData, 'logs'));
        return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      };
      const log = await waitFor('the fallback in the iOpsData log', logText, (t) => /falling back from OpenAI-compatible \(loopback-coder\) to iopsdata-test \(Loopback SQL model\)/.test(t), 10_000);
      assert.match(log, /OpenAI-compatible \(loopback-coder\): attempt 1 failed: .*overloaded.*; retrying in 0\.0 s \(Retry-After\)/);
      assert.match(log, /OpenAI-compatible \(loopback-coder\): gave up: /);
    } finally {
      await cfg().update('providers', ['openai-compatible'], vscode.ConfigurationTarget.Global);
    }
  });

  it('a provider that is down gives the turn a clear error', async () => {
    llm.script({ kind: 'status', status: 401, message: 'Incorrect API key provided: sk-live-abcdefghijklmnop1234.' });
    const turn = await ask('anything?', RO);
    assert.equal(turn.status, 'error');
    assert.match(turn.error ?? '', /No language model answered/);
    assert.doesNotMatch(turn.error ?? '', /sk-live-abcdefghijklmnop1234/);
  });
});
