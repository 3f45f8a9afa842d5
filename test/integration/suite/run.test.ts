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
import { Client } from 'pg';
import { makeDuckDbFile } from '../duckdbFixture';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

interface State {
  panelOpen: boolean;
  sets: { id: string; status: string; rowCount: number; columns: { name: string }[]; error?: string }[];
  history: { sql: string; status: string; rows?: number; connectionId: string; durationMs: number }[];
  diagnostics: vscode.DiagnosticCollection;
  confirmations: { message: string; detail: string }[];
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

  it('Ctrl/Cmd+Enter runs the statement under the cursor, or exactly the selection', async () => {
    const doc = await openSql('itest-cursor.sql', "SELECT 1 AS first;\n\nSELECT region\n  FROM 'itest-data/sales.csv'\n ORDER BY region DESC LIMIT 1;\nSELECT 3 AS third;\n");
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document, doc);
    editor.selection = new vscode.Selection(3, 4, 3, 4); // inside the second statement
    const atCursor = (await vscode.commands.executeCommand('iopsdata.run.atCursor')) as Outcome;
    assert.equal(atCursor.status, 'ok', atCursor.error);
    assert.deepEqual(atCursor.lastResult?.rows, [['south']]);
    editor.selection = new vscode.Selection(5, 0, 5, 'SELECT 3'.length); // part of the third: exactly what is selected runs
    const selected = (await vscode.commands.executeCommand('iopsdata.run.atCursor')) as Outcome;
    assert.equal(selected.status, 'ok', selected.error);
    assert.deepEqual(selected.lastResult?.rows, [[3]]);
    assert.match((await state()).history[0].sql, /^SELECT 3$/);
    const pkg = vscode.extensions.getExtension('iopsdata.iopsdata')!.packageJSON as { contributes: { keybindings: { command: string; key: string; mac: string; when: string }[] } };
    const kb = pkg.contributes.keybindings.find((k) => k.command === 'iopsdata.run.atCursor')!;
    assert.deepEqual([kb.key, kb.mac], ['ctrl+enter', 'cmd+enter']);
    assert.match(kb.when, /editorLangId == sql/);
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

describe('run feature: timeout, cancel, dropped connection, write confirmation (real PostgreSQL and DuckDB, extension host)', function () {
  this.timeout(180_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const dbFile = path.join(ws, 'itest-writes.duckdb');
  let pg: PostgresServer | undefined;
  let admin: Client | undefined;
  const run = async (id: string, sql: string) => (await vscode.commands.executeCommand('iopsdata.run.sql', id, sql)) as Outcome;
  const setTimeoutSeconds = (s: number | undefined) => vscode.workspace.getConfiguration('iopsdata').update('query.timeoutSeconds', s, vscode.ConfigurationTarget.Workspace);
  /** Our extension's sessions (application_name iOpsData) that are running a statement right now. */
  const activeBackends = async () =>
    (await admin!.query(`select pid, query from pg_stat_activity where application_name = 'iOpsData' and state = 'active' and pid <> pg_backend_pid()`)).rows as { pid: number; query: string }[];
  async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
    const until = Date.now() + ms;
    let v = await get();
    while (!ok(v)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 100));
      v = await get();
    }
    return v;
  }
  // 10^10 rows of hashing: minutes of work on this machine, so only a stop can end it in seconds.
  const HEAVY_DUCKDB = 'SELECT sum(hash(a.range + b.range)) AS h FROM range(100000) a, range(100000) b';

  before(async function () {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    await makeDuckDbFile(dbFile);
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-writable', name: 'ITest writable', kind: 'duckdb', path: dbFile, allowWrites: true });
    try {
      pg = await startPostgres();
    } catch {
      // Without PostgreSQL binaries the PostgreSQL tests below skip themselves (and say so in the report).
      return;
    }
    pg.psql('CREATE TABLE public.items (id int PRIMARY KEY, name text); INSERT INTO public.items VALUES (1, $$a$$), (2, $$b$$);');
    admin = new Client({ connectionString: pg.url, application_name: 'itest-admin' });
    await admin.connect();
    const url = new URL(pg.url);
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-pgrun', name: 'ITest PG run', kind: 'postgres', host: url.hostname, port: Number(url.port), database: 'postgres', user: 'postgres', sslMode: 'disable', password: 'postgres' });
  });

  after(async () => {
    await setTimeoutSeconds(undefined);
    await vscode.commands.executeCommand('iopsdata.run.scriptConfirmationsForTests', undefined);
    for (const id of ['itest-writable', 'itest-pgrun']) await vscode.commands.executeCommand('iopsdata.connections.remove', id, { confirm: false });
    await admin?.end().catch(() => undefined);
    await pg?.stop();
  });

  it('the statement timeout setting stops a long PostgreSQL query with a clear error', async function () {
    if (!pg) this.skip();
    await setTimeoutSeconds(1);
    try {
      const t0 = Date.now();
      const outcome = await run('itest-pgrun', 'SELECT pg_sleep(20)');
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.error, "The query on ITest PG run took longer than the 1000 ms statement timeout and was stopped.");
      assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0} ms`);
      assert.deepEqual(await activeBackends(), []);
      assert.equal((await state()).history[0].status, 'error');
    } finally {
      await setTimeoutSeconds(undefined);
    }
    assert.deepEqual((await run('itest-pgrun', 'SELECT count(*)::int AS n FROM items')).lastResult?.rows, [[2]]);
  });

  it('the statement timeout setting interrupts a long DuckDB query with a clear error', async () => {
    await setTimeoutSeconds(1);
    try {
      const t0 = Date.now();
      const outcome = await run('workspace-files', HEAVY_DUCKDB);
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.error, 'The query on Workspace files took longer than the 1000 ms statement timeout and was stopped.');
      assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    } finally {
      await setTimeoutSeconds(undefined);
    }
  });

  it('Cancel stops the PostgreSQL query on the server (pg_stat_activity shows nothing running)', async function () {
    if (!pg) this.skip();
    const t0 = Date.now();
    const running = run('itest-pgrun', 'SELECT pg_sleep(60)');
    const [backend] = await waitFor('the query to start on the server', activeBackends, (b) => b.length === 1);
    assert.equal(await vscode.commands.executeCommand('iopsdata.run.cancel'), 1);
    const outcome = await running;
    assert.equal(outcome.status, 'cancelled');
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
    // The backend is still there (the session stays open) but runs nothing any more.
    await waitFor('the server to stop the query', activeBackends, (b) => b.length === 0, 3000);
    const after = (await admin!.query('select state from pg_stat_activity where pid = $1', [backend.pid])).rows;
    assert.deepEqual(after, [{ state: 'idle' }]);
    assert.equal((await state()).history[0].status, 'cancelled');
    assert.deepEqual((await run('itest-pgrun', 'SELECT 5 AS five')).lastResult?.rows, [[5]]);
  });

  it('Cancel interrupts a DuckDB query, which frees the connection at once', async () => {
    const t0 = Date.now();
    const running = run('workspace-files', HEAVY_DUCKDB);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await vscode.commands.executeCommand('iopsdata.run.cancel'), 1);
    const outcome = await running;
    assert.equal(outcome.status, 'cancelled');
    assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    // One DuckDB connection runs one query at a time: an answer now means the heavy one is no longer running.
    const t1 = Date.now();
    assert.deepEqual((await run('workspace-files', 'SELECT 42 AS answer')).lastResult?.rows, [[42]]);
    assert.ok(Date.now() - t1 < 5000, `next query took ${Date.now() - t1} ms`);
  });

  it('a connection dropped mid-query (pg_terminate_backend) gives a clear error, and the next run reconnects', async function () {
    if (!pg) this.skip();
    const running = run('itest-pgrun', 'SELECT pg_sleep(30)');
    const [backend] = await waitFor('the query to start on the server', activeBackends, (b) => b.length === 1);
    await admin!.query('select pg_terminate_backend($1)', [backend.pid]);
    const outcome = await running;
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /^The connection to ITest PG run was lost \(.+\); it will reconnect on the next query\.$/);
    const again = await run('itest-pgrun', 'SELECT pg_backend_pid() AS pid');
    assert.equal(again.status, 'ok', again.error);
    assert.notEqual(again.lastResult?.rows[0][0], backend.pid);
  });

  it('a connection dropped while rows stream in keeps the rows already read, says why the rest is missing, and reconnects', async function () {
    if (!pg) this.skip();
    // Fast first batches, then slow ones: the drop lands while the result is streaming into the grid.
    const running = run('itest-pgrun', 'SELECT g, pg_sleep(CASE WHEN g > 20000 THEN 0.01 ELSE 0 END) AS pause FROM generate_series(1, 1000000) g');
    const streaming = await waitFor(
      'rows to stream in',
      async () => (await state()).sets[0] as State['sets'][number] & { fetching?: boolean },
      (s) => !!s && s.fetching === true && s.rowCount >= 10_000,
      30_000,
    );
    assert.equal(streaming.status, 'ok');
    const [backend] = await activeBackends();
    await admin!.query('select pg_terminate_backend($1)', [backend.pid]);
    const outcome = await running;
    assert.equal(outcome.status, 'error');
    assert.match(outcome.error ?? '', /connection to ITest PG run was lost/);
    const kept = (await state()).sets[0] as State['sets'][number] & { truncated?: boolean; fetching?: boolean };
    assert.equal(kept.status, 'ok', 'the set keeps its rows instead of becoming an error');
    assert.equal(kept.truncated, true);
    assert.equal(kept.fetching, undefined);
    assert.ok(kept.rowCount >= 10_000 && kept.rowCount < 1_000_000, String(kept.rowCount));
    assert.match(kept.error ?? '', /^Fetching stopped after [\d,]+ rows: The connection to ITest PG run was lost/);
    // The kept rows are the real ones, in order, and the whole of them exports.
    const out = path.join(ws, 'itest-dropped.csv');
    const written = (await vscode.commands.executeCommand('iopsdata.results.export', 'csv', kept.id, out)) as string;
    const lines = fs.readFileSync(written, 'utf8').trim().split('\n');
    assert.equal(lines.length, kept.rowCount + 1);
    assert.equal(lines[kept.rowCount].split(',')[0], String(kept.rowCount));
    assert.equal((await state()).history[0].status, 'error');
    const again = await run('itest-pgrun', 'SELECT pg_backend_pid() AS pid');
    assert.equal(again.status, 'ok', again.error);
    assert.notEqual(again.lastResult?.rows[0][0], backend.pid);
  });

  it('asks before a write on an "Allow writes" connection, naming the statement kinds; No changes nothing', async () => {
    await vscode.commands.executeCommand('iopsdata.run.scriptConfirmationsForTests', [false]);
    const refused = await run('itest-writable', 'DELETE FROM orders WHERE id = 1');
    assert.equal(refused.status, 'cancelled');
    let asked = (await state()).confirmations;
    assert.equal(asked.length, 1);
    assert.equal(asked[0].message, "Run DELETE on 'ITest writable'? This can change data.");
    assert.equal(asked[0].detail, 'DELETE FROM orders WHERE id = 1');
    assert.deepEqual((await run('itest-writable', 'SELECT count(*) AS n FROM orders')).lastResult?.rows, [[3]]);

    await vscode.commands.executeCommand('iopsdata.run.scriptConfirmationsForTests', [true]);
    const script = await run('itest-writable', "INSERT INTO orders VALUES (4, 'dee', 1); UPDATE orders SET amount = 2 WHERE id = 4; SELECT count(*) AS n FROM orders");
    assert.equal(script.status, 'ok', script.error);
    asked = (await state()).confirmations;
    assert.equal(asked.length, 1, 'one confirmation for the whole script');
    assert.equal(asked[0].message, "Run INSERT, UPDATE on 'ITest writable'? This can change data.");
    assert.deepEqual(script.lastResult?.rows, [[4]]);

    // Reads never ask.
    await vscode.commands.executeCommand('iopsdata.run.scriptConfirmationsForTests', []);
    assert.equal((await run('itest-writable', 'SELECT 1 AS one')).status, 'ok');
    assert.equal((await state()).confirmations.length, 0);
  });

  it('asks before a write hidden in a PostgreSQL CTE on an "Allow writes" connection', async function () {
    if (!pg) this.skip();
    assert.equal(await vscode.commands.executeCommand('iopsdata.connections.allowWrites', 'itest-pgrun', { confirm: false }), true);
    try {
      await vscode.commands.executeCommand('iopsdata.run.scriptConfirmationsForTests', [false]);
      const outcome = await run('itest-pgrun', 'WITH gone AS (DELETE FROM items WHERE id = 1 RETURNING id) SELECT count(*) FROM gone');
      assert.equal(outcome.status, 'cancelled');
      const asked = (await state()).confirmations;
      assert.equal(asked.length, 1);
      assert.match(asked[0].message, /^Run DELETE on 'ITest PG run'\? This can change data\.$/);
      assert.equal((await admin!.query('select count(*)::int AS n from items')).rows[0].n, 2);
    } finally {
      await vscode.commands.executeCommand('iopsdata.connections.makeReadOnly', 'itest-pgrun');
    }
  });
});

describe('run feature: database errors become diagnostics at the reported position in multi-statement files (extension host)', function () {
  this.timeout(120_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  let pg: PostgresServer | undefined;

  async function openSql(name: string, text: string, connectionId: string): Promise<vscode.TextDocument> {
    const file = path.join(ws, name);
    fs.writeFileSync(file, text);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('iopsdata.connections.selectForEditor', doc.uri, connectionId);
    return doc;
  }
  /** Runs the file and returns the one diagnostic as [line, character, underlined text]. */
  async function diagnosticOf(doc: vscode.TextDocument, command = 'iopsdata.run.file', ...args: unknown[]): Promise<[number, number, string, string]> {
    const outcome = (await vscode.commands.executeCommand(command, ...(args.length ? args : [doc.uri]))) as Outcome;
    assert.equal(outcome.status, 'error');
    const diags = (await state()).diagnostics.get(doc.uri) ?? [];
    assert.equal(diags.length, 1, JSON.stringify(diags));
    return [diags[0].range.start.line, diags[0].range.start.character, doc.getText(diags[0].range), diags[0].message];
  }
  const runLenses = async (doc: vscode.TextDocument) =>
    ((await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri)) as vscode.CodeLens[]).filter((l) => l.command?.command === 'iopsdata.run.statement');

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    try {
      pg = await startPostgres();
    } catch {
      return;
    }
    pg.psql('CREATE TABLE public.items (id int PRIMARY KEY, name text);');
    const url = new URL(pg.url);
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-pgpos', name: 'ITest PG positions', kind: 'postgres', host: url.hostname, port: Number(url.port), database: 'postgres', user: 'postgres', sslMode: 'disable', password: 'postgres' });
  });
  after(async () => {
    await vscode.commands.executeCommand('iopsdata.connections.remove', 'itest-pgpos', { confirm: false });
    await pg?.stop();
  });

  it('PostgreSQL: an unknown column in the third statement of a file, after non-ASCII text', async function () {
    if (!pg) this.skip();
    const doc = await openSql(
      'itest-pos-pg.sql',
      "SELECT 1;\n\n-- née, ünïcödé before the error\nSELECT 'é' AS e, 2;\nSELECT id,\n       'ça' AS c, nme\n  FROM items;\nSELECT 4;\n",
      'itest-pgpos',
    );
    const [line, ch, text, message] = await diagnosticOf(doc);
    assert.deepEqual([line, ch, text], [5, 18, 'nme']);
    assert.match(message, /column "nme" does not exist/);
  });

  it('PostgreSQL: a syntax error, run through the statement CodeLens', async function () {
    if (!pg) this.skip();
    const doc = await openSql('itest-pos-pg2.sql', 'SELECT 1;\n  SELECT name\n    FROM items\n   WHERE id = = 3;\n', 'itest-pgpos');
    const lenses = await runLenses(doc);
    const [line, ch, text, message] = await diagnosticOf(doc, 'iopsdata.run.statement', ...lenses[1].command!.arguments!);
    assert.deepEqual([line, ch, text], [3, 14, '=']);
    assert.match(message, /syntax error at or near "="/);
  });

  it('PostgreSQL: an error in a statement that is not a SELECT (no cursor) keeps its position', async function () {
    if (!pg) this.skip();
    const doc = await openSql('itest-pos-pg3.sql', 'SELECT 1;\nEXPLAIN SELECT\n  missing_col FROM items;\n', 'itest-pgpos');
    const [line, ch, text] = await diagnosticOf(doc);
    assert.deepEqual([line, ch, text], [2, 2, 'missing_col']);
  });

  it('DuckDB: an unknown column in the third statement of a file, after non-ASCII text', async () => {
    const doc = await openSql(
      'itest-pos-duck.sql',
      "SELECT 1;\n\n-- née, ünïcödé before the error\nSELECT 'é' AS e, 2;\nSELECT i,\n       'ça' AS c, nme\n  FROM range(3) t(i);\nSELECT 4;\n",
      'workspace-files',
    );
    const [line, ch, text, message] = await diagnosticOf(doc);
    assert.deepEqual([line, ch, text], [5, 18, 'nme']);
    assert.match(message, /nme/);
  });

  it('DuckDB: a syntax error on a later line, run through the statement CodeLens', async () => {
    const doc = await openSql('itest-pos-duck2.sql', 'SELECT 1;\n  SELECT i\n    FROM range(3) t(i)\n   WHERE i = = 3;\n', 'workspace-files');
    const lenses = await runLenses(doc);
    const [line, ch, text, message] = await diagnosticOf(doc, 'iopsdata.run.statement', ...lenses[1].command!.arguments!);
    assert.deepEqual([line, ch, text], [3, 13, '=']);
    assert.match(message, /syntax error at or near "="/);
  });
});
