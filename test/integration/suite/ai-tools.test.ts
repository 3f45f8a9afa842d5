/**
 * iOpsData's language-model tools as agent mode calls them: through vscode.lm.invokeTool in the real extension host
 * (the workbench routes the call, and for iopsdata_runQuery asks for the confirmation; in this smoke-test host the
 * dialog is auto-accepted, so its text is checked through the tool's prepareInvocation), on the demo warehouse (real
 * DuckDB file generated into the workspace). Expected figures are read from the same file with DuckDB before the
 * extension opens it, never hard-coded.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { generateDemo } from '../../../src/core/demo/generateDemo';

const CONNECTION = 'itest-tools-demo';

function text(r: vscode.LanguageModelToolResult): string {
  return r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}
const invoke = async (name: string, input: object) => text(await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }));

describe('language-model tools on the demo warehouse (extension host)', function () {
  this.timeout(120_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const demoDir = path.join(ws, 'itest-tools');
  let tables: Record<string, number>;
  let statusCounts: [string, number][];
  let tools: Record<string, vscode.LanguageModelTool<any>>;

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    fs.rmSync(demoDir, { recursive: true, force: true });
    tables = (await generateDemo(demoDir, { customers: 300 })).tables;
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(path.join(demoDir, 'warehouse.duckdb'), { access_mode: 'READ_ONLY' });
    const c = await inst.connect();
    statusCounts = (await c.runAndReadAll('SELECT status, count(*)::INTEGER FROM shop.orders GROUP BY status ORDER BY status')).getRows() as [string, number][];
    c.closeSync();
    inst.closeSync();
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: CONNECTION, name: 'ITest tools demo', kind: 'duckdb', path: 'itest-tools/warehouse.duckdb' });
    tools = ((await vscode.commands.executeCommand('iopsdata.ai.chatHandlerForTests')) as { tools: typeof tools }).tools;
  });
  after(async () => {
    await vscode.commands.executeCommand('iopsdata.connections.remove', CONNECTION, { confirm: false });
    fs.rmSync(demoDir, { recursive: true, force: true });
  });

  it('iopsdata_listSchema lists the demo tables with columns, types, comments and read-only status', async () => {
    const out = await invoke('iopsdata_listSchema', { connectionId: CONNECTION, question: 'payments per country' });
    assert.match(out, /^Connection itest-tools-demo \(ITest tools demo, duckdb, read-only\)\./);
    for (const t of ['customers', 'orders', 'order_items', 'products', 'payments']) assert.match(out, new RegExp(`TABLE shop\\.${t}\\b`), t);
    assert.match(out, /amount DECIMAL\(\d+,\d+\).*Amount captured, in USD/);
    assert.match(out, /One captured payment per completed, shipped or returned order/);
  });

  it('iopsdata_listSchema on an unknown connection says so', async () => {
    const out = await invoke('iopsdata_listSchema', { connectionId: 'no-such-connection' });
    assert.match(out, /^Could not read the schema of no-such-connection: /);
  });

  it('iopsdata_runQuery asks for confirmation showing the SQL and the connection', async () => {
    const sql = 'SELECT status, count(*) AS n FROM shop.orders GROUP BY status ORDER BY status';
    const prepared = await tools.iopsdata_runQuery.prepareInvocation!({ input: { sql, connectionId: CONNECTION } }, new vscode.CancellationTokenSource().token);
    assert.equal(prepared?.confirmationMessages?.title, 'Run SQL query');
    const message = prepared!.confirmationMessages!.message as vscode.MarkdownString;
    assert.ok(message.value.includes('Run this read-only query on **ITest tools demo**?'), message.value);
    assert.ok(message.value.includes('```sql\n' + sql + '\n```'), message.value);
    assert.equal(prepared?.invocationMessage, 'Running a read-only query on ITest tools demo');
  });

  it('iopsdata_runQuery runs a read-only query and returns the real rows', async () => {
    const out = await invoke('iopsdata_runQuery', { sql: 'SELECT status, count(*) AS n FROM shop.orders GROUP BY status ORDER BY status', connectionId: CONNECTION });
    const expected = ['status | n', ...statusCounts.map(([s, n]) => `${s} | ${n}`), `(${statusCounts.length} rows)`].join('\n');
    assert.equal(out, expected);
  });

  it('iopsdata_runQuery caps rows at maxRows', async () => {
    const out = await invoke('iopsdata_runQuery', { sql: 'SELECT customer_id FROM shop.customers ORDER BY customer_id', connectionId: CONNECTION, maxRows: 3 });
    assert.deepEqual(out.split('\n').slice(0, 4), ['customer_id', '1', '2', '3']);
    assert.equal(out.split('\n').length, 5, out);
  });

  it('iopsdata_runQuery refuses writes and scripts, and the data is unchanged', async () => {
    assert.match(await invoke('iopsdata_runQuery', { sql: 'DELETE FROM shop.orders', connectionId: CONNECTION }), /^Refused: this tool only runs read-only queries, and this is a DELETE statement/);
    assert.match(await invoke('iopsdata_runQuery', { sql: 'WITH gone AS (DELETE FROM shop.orders RETURNING *) SELECT count(*) FROM gone', connectionId: CONNECTION }), /^Refused/);
    assert.match(await invoke('iopsdata_runQuery', { sql: 'SELECT 1; DROP TABLE shop.orders', connectionId: CONNECTION }), /^Pass exactly one statement/);
    assert.match(await invoke('iopsdata_runQuery', { sql: 'SELECT * FROM shop.no_such_table', connectionId: CONNECTION }), /^The query failed: .*no_such_table/);
    const count = await invoke('iopsdata_runQuery', { sql: 'SELECT count(*) AS n FROM shop.orders', connectionId: CONNECTION });
    assert.equal(count, `n\n${tables.orders}\n(1 row)`);
  });

  it('iopsdata_runQuery without SQL says what is missing (VS Code passes input through unvalidated)', async () => {
    assert.equal(await invoke('iopsdata_runQuery', { connectionId: CONNECTION }), 'No SQL was given.');
    assert.equal(await invoke('iopsdata_runQuery', { sql: '   ', connectionId: CONNECTION }), 'No SQL was given.');
  });

  it('iopsdata_profileFile profiles a workspace file with DuckDB', async () => {
    const out = await invoke('iopsdata_profileFile', { path: 'itest-tools/data/payments.parquet' });
    assert.match(out, /^# Profile of .*payments\.parquet/);
    assert.ok(out.includes(`**Format:** parquet · **Rows:** ${tables.payments.toLocaleString('en-US')}`), out.slice(0, 300));
    assert.match(out, /\| amount \| DECIMAL/);
    assert.match(await invoke('iopsdata_profileFile', { path: 'itest-tools/data/missing.csv' }), /^Could not profile `.*missing\.csv`: /);
  });

  it('iopsdata_getLineage reads a dbt model file and SQL', async () => {
    const out = await invoke('iopsdata_getLineage', { path: 'itest-tools/models/marts/customer_orders.sql' });
    assert.match(out, /^\*\*Sources:\*\* /);
    const sql = await invoke('iopsdata_getLineage', { sql: 'CREATE TABLE mart.paid AS SELECT o.customer_id, sum(p.amount) AS paid FROM shop.payments p JOIN shop.orders o USING (order_id) GROUP BY 1', dialect: 'duckdb' });
    assert.match(sql, /\*\*Sources:\*\* `shop\.orders`, `shop\.payments`|\*\*Sources:\*\* `shop\.payments`, `shop\.orders`/);
    assert.match(sql, /\*\*Targets:\*\* `mart\.paid`/);
    assert.match(sql, /\| mart\.paid\.paid \| shop\.payments\.amount \|/);
  });
});
