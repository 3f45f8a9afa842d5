/**
 * Running SQL inside the real extension host: the CodeLens command runs a statement on the Workspace files
 * connection (DuckDB reading a CSV by path), the results panel opens, history records it, errors become
 * diagnostics at the database's position, writes are refused on read-only connections (nothing changes), and the
 * full result exports to CSV/JSON/Parquet.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makeDuckDbFile } from '../duckdbFixture';

interface State {
  panelOpen: boolean;
  sets: { id: string; status: string; rowCount: number; columns: { name: string }[]; error?: string }[];
  history: { sql: string; status: string; rows?: number; connectionId: string; durationMs: number }[];
  diagnostics: vscode.DiagnosticCollection;
}
interface Outcome {
  status: string;
  sets: State['sets'];
  error?: string;
  lastResult?: { rows: unknown[][]; rowCount: number };
}

const state = async () => (await vscode.commands.executeCommand('iopsdata.run.stateForTests')) as State;

describe('run feature (extension host)', function () {
  this.timeout(120_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const csv = path.join(ws, 'itest-data', 'sales.csv');
  const dbFile = path.join(ws, 'itest-run.duckdb');

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    fs.mkdirSync(path.dirname(csv), { recursive: true });
    fs.writeFileSync(csv, 'id,region,amount\n1,north,10\n2,south,20\n3,north,5\n');
    await makeDuckDbFile(dbFile);
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-run', name: 'ITest run db', kind: 'duckdb', path: dbFile });
  });

  after(async () => {
    await vscode.commands.executeCommand('iopsdata.connections.remove', 'itest-run', { confirm: false });
  });

  async function openSql(name: string, text: string, connectionId = 'workspace-files'): Promise<vscode.TextDocument> {
    const file = path.join(ws, name);
    fs.writeFileSync(file, text);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('iopsdata.connections.selectForEditor', doc.uri, connectionId);
    return doc;
  }

  it('runs a statement through its CodeLens: results panel, history', async () => {
    const doc = await openSql('itest-a.sql', "-- totals\nSELECT region, sum(amount) AS total FROM 'itest-data/sales.csv' GROUP BY region ORDER BY region;\n\nSELECT 42 AS answer;\n");
    const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri)) as vscode.CodeLens[];
    const runLenses = lenses.filter((l) => l.command?.command === 'iopsdata.run.statement');
    assert.equal(runLenses.length, 2);
    assert.equal(runLenses[0].range.start.line, 0); // the leading comment belongs to the first statement
    assert.equal(runLenses[1].range.start.line, 3);
    assert.ok(lenses.some((l) => l.command?.command === 'iopsdata.run.file'));

    const outcome = (await vscode.commands.executeCommand(runLenses[0].command!.command, ...runLenses[0].command!.arguments!)) as Outcome;
    assert.equal(outcome.status, 'ok', outcome.error);
    assert.deepEqual(outcome.lastResult?.rows, [['north', 15], ['south', 20]]);
    const s = await state();
    assert.equal(s.panelOpen, true);
    assert.equal(s.sets.length, 1);
    assert.deepEqual(s.sets[0].columns.map((c) => c.name), ['region', 'total']);
    assert.equal(s.sets[0].rowCount, 2);
    assert.equal(s.history[0].status, 'ok');
    assert.equal(s.history[0].rows, 2);
    assert.equal(s.history[0].connectionId, 'workspace-files');
    assert.match(s.history[0].sql, /sum\(amount\)/);
  });

  it('runs a whole file as one tab per statement', async () => {
    const doc = await openSql('itest-b.sql', "SELECT count(*) AS n FROM 'itest-data/sales.csv';\nSELECT 'x' AS a, NULL AS b;\n");
    const outcome = (await vscode.commands.executeCommand('iopsdata.run.file', doc.uri)) as Outcome;
    assert.equal(outcome.status, 'ok', outcome.error);
    const s = await state();
    assert.equal(s.sets.length, 2);
    assert.deepEqual(s.sets.map((x) => x.status), ['ok', 'ok']);
    assert.deepEqual(outcome.lastResult?.rows, [['x', null]]);
  });

  it('puts a DuckDB error on the offending token as a diagnostic', async () => {
    const doc = await openSql('itest-c.sql', "SELECT 1;\nSELECT region,\n  amout FROM 'itest-data/sales.csv';\n");
    const lenses = ((await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri)) as vscode.CodeLens[]).filter((l) => l.command?.command === 'iopsdata.run.statement');
    const outcome = (await vscode.commands.executeCommand('iopsdata.run.statement', ...lenses[1].command!.arguments!)) as Outcome;
    assert.equal(outcome.status, 'error');
    const diags = (await state()).diagnostics.get(doc.uri) ?? [];
    assert.equal(diags.length, 1);
    assert.equal(diags[0].range.start.line, 2);
    assert.equal(diags[0].range.start.character, 2);
    assert.equal(doc.getText(diags[0].range), 'amout');
    assert.equal((await state()).history[0].status, 'error');
  });

  it('refuses a write on a read-only connection and changes nothing', async () => {
    const doc = await openSql('itest-d.sql', 'DELETE FROM orders WHERE id = 1;\n', 'itest-run');
    const outcome = (await vscode.commands.executeCommand('iopsdata.run.file', doc.uri)) as Outcome;
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.error ?? '', /read-only: refused DELETE/);
    const s = await state();
    assert.equal(s.history[0].status, 'refused');
    assert.equal((s.diagnostics.get(doc.uri) ?? []).length, 1);
    const count = (await vscode.commands.executeCommand('iopsdata.run.sql', 'itest-run', 'SELECT count(*) AS n FROM orders')) as Outcome;
    assert.deepEqual(count.lastResult?.rows, [[3]]);
    // The built-in connection refuses writes too (it would otherwise write files via COPY).
    const copy = (await vscode.commands.executeCommand('iopsdata.run.sql', 'workspace-files', "COPY (SELECT 1) TO 'itest-out.csv'")) as Outcome;
    assert.equal(copy.status, 'refused');
    assert.equal(fs.existsSync(path.join(ws, 'itest-out.csv')), false);
  });

  it('exports the full result to CSV, JSON and Parquet', async () => {
    const outcome = (await vscode.commands.executeCommand('iopsdata.run.sql', 'workspace-files', 'SELECT i AS n, i * 2 AS twice FROM range(5000) t(i) ORDER BY i')) as Outcome;
    assert.equal(outcome.status, 'ok', outcome.error);
    assert.equal(outcome.sets[0].rowCount, 5000);
    const dir = path.join(ws, 'itest-export');
    fs.mkdirSync(dir, { recursive: true });
    const csvOut = (await vscode.commands.executeCommand('iopsdata.results.export', 'csv', undefined, path.join(dir, 'r.csv'))) as string;
    const lines = fs.readFileSync(csvOut, 'utf8').trim().split('\n');
    assert.equal(lines.length, 5001);
    assert.equal(lines[0], 'n,twice');
    assert.equal(lines[5000], '4999,9998');
    const jsonOut = (await vscode.commands.executeCommand('iopsdata.results.export', 'json', undefined, path.join(dir, 'r.json'))) as string;
    const text = fs.readFileSync(jsonOut, 'utf8');
    const parsed = text.trim().startsWith('[') ? JSON.parse(text) : text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(parsed.length, 5000);
    assert.equal(Number(parsed[4999].twice), 9998);
    const pqOut = (await vscode.commands.executeCommand('iopsdata.results.export', 'parquet', undefined, path.join(dir, 'r.parquet'))) as string;
    const pq = fs.readFileSync(pqOut);
    assert.equal(pq.subarray(0, 4).toString(), 'PAR1');
  });

  it('saves a query and runs it again from history', async () => {
    const s0 = await state();
    const entry = { type: 'entry', entry: s0.history.find((h) => h.status === 'ok')! };
    const savedId = await vscode.commands.executeCommand('iopsdata.history.saveQuery', entry, 'my saved query');
    assert.equal(typeof savedId, 'string');
    const saved = (await vscode.commands.executeCommand('iopsdata.run.stateForTests')) as State & { saved: { id: string; name: string; sql: string }[] };
    const q = saved.saved.find((x) => x.id === savedId)!;
    assert.equal(q.name, 'my saved query');
    const before = saved.history.length;
    const outcome = (await vscode.commands.executeCommand('iopsdata.history.rerun', { type: 'saved', query: q })) as Outcome;
    assert.equal(outcome.status, 'ok', outcome.error);
    assert.equal((await state()).history.length, before + 1);
  });
});
