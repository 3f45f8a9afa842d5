/**
 * The Connections feature inside the real VS Code extension host: add connections through the command (as the
 * form would save them), browse a real DuckDB file and a real PostgreSQL through the tree provider, keep passwords
 * out of settings, test, toggle writes, and remove.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { startSshd, type SshServer } from '../../helpers/sshd';
import { startSnowflakeServer, type SnowflakeServer } from '../../helpers/snowflakeServer';
import { makeDuckDbFile } from '../duckdbFixture';

type Provider = vscode.TreeDataProvider<any>;

async function children(p: Provider, node?: unknown): Promise<any[]> {
  return ((await p.getChildren(node)) ?? []) as any[];
}
async function labels(p: Provider, nodes: any[]): Promise<string[]> {
  return Promise.all(nodes.map(async (n) => String((await p.getTreeItem(n)).label)));
}
async function child(p: Provider, node: unknown, label: string): Promise<any> {
  const list = await children(p, node);
  for (const n of list) if (String((await p.getTreeItem(n)).label) === label) return n;
  throw new Error(`no child '${label}' among ${JSON.stringify(await labels(p, list))}`);
}

describe('connections feature (extension host)', function () {
  this.timeout(120_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const dbFile = path.join(ws, 'itest-shop.duckdb');
  let provider: Provider;
  let pg: PostgresServer | undefined;

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    await makeDuckDbFile(dbFile);
    provider = (await vscode.commands.executeCommand('iopsdata.connections.treeForTests')) as Provider;
  });

  after(async () => {
    for (const id of ['itest-duck', 'itest-pg']) await vscode.commands.executeCommand('iopsdata.connections.remove', id, { confirm: false });
    await pg?.stop();
  });

  it('always lists the built-in Workspace files connection first, read-only', async () => {
    const roots = await children(provider);
    const item = await provider.getTreeItem(roots[0]);
    assert.equal(item.label, 'Workspace files');
    assert.equal(item.contextValue, 'iopsdata.connection.builtIn');
    assert.match(String(item.description), /read-only/);
  });

  it('adds a DuckDB file connection and browses schema → tables/views → columns lazily', async () => {
    const id = await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-duck', name: 'ITest shop', kind: 'duckdb', path: 'itest-shop.duckdb' });
    assert.equal(id, 'itest-duck');
    const saved = vscode.workspace.getConfiguration('iopsdata').get<any[]>('connections') ?? [];
    assert.deepEqual(saved.find((d) => d.id === 'itest-duck'), { id: 'itest-duck', name: 'ITest shop', kind: 'duckdb', path: 'itest-shop.duckdb' });

    const conn = await child(provider, undefined, 'ITest shop');
    const connItem = await provider.getTreeItem(conn);
    assert.equal(connItem.contextValue, 'iopsdata.connection');
    const schema = await child(provider, conn, 'main');
    const tables = await children(provider, schema);
    assert.deepEqual((await labels(provider, tables)).sort(), ['big_orders', 'orders']);
    const orders = tables.find((t) => t.table === 'orders');
    // Table nodes are the TableNodeRef other features (Profile Table) receive.
    assert.equal(orders.connectionId, 'itest-duck');
    assert.equal(orders.schema, 'main');
    assert.equal(orders.kind, 'table');
    const ordersItem = await provider.getTreeItem(orders);
    assert.equal(ordersItem.contextValue, 'iopsdata.table');
    assert.match(String((ordersItem.tooltip as vscode.MarkdownString).value), /one row per order/);
    const view = tables.find((t) => t.table === 'big_orders');
    assert.equal((await provider.getTreeItem(view)).contextValue, 'iopsdata.view');

    const columns = await children(provider, orders);
    const items = await Promise.all(columns.map((c) => provider.getTreeItem(c)));
    assert.deepEqual(items.map((i) => i.label), ['id', 'customer', 'amount']);
    assert.equal(items[0].description, 'INTEGER · PK · not null');
    assert.equal(items[1].description, 'VARCHAR · not null');
    assert.equal(items[2].description, 'DOUBLE');
  });

  it('filters tables by name', async () => {
    await vscode.commands.executeCommand('iopsdata.connections.filter', 'big');
    try {
      const conn = await child(provider, undefined, 'ITest shop');
      const schema = await child(provider, conn, 'main');
      assert.deepEqual(await labels(provider, await children(provider, schema)), ['big_orders']);
    } finally {
      await vscode.commands.executeCommand('iopsdata.connections.filter', '');
    }
  });

  it('tests a connection and reports a bad one in one line', async () => {
    const ok = (await vscode.commands.executeCommand('iopsdata.connections.test', 'itest-duck', { quiet: true })) as { ok: boolean; message: string };
    assert.equal(ok.ok, true, ok.message);
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-pg', name: 'ITest PG', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'nobody', password: 'pw-1' });
    const bad = (await vscode.commands.executeCommand('iopsdata.connections.test', 'itest-pg', { quiet: true })) as { ok: boolean; message: string };
    assert.equal(bad.ok, false);
    assert.doesNotMatch(bad.message, /\n/);
    assert.match(bad.message, /Could not connect to 'ITest PG'/);
  });

  it('keeps the PostgreSQL password in SecretStorage only and browses a real server', async function () {
    try {
      pg = await startPostgres();
    } catch (err) {
      // Without PostgreSQL binaries this part cannot run; say so instead of passing silently.
      this.skip();
    }
    pg!.psql('CREATE TABLE public.customers (id serial PRIMARY KEY, email text NOT NULL); COMMENT ON TABLE public.customers IS $$people who buy$$; INSERT INTO public.customers (email) SELECT $$u$$ || g FROM generate_series(1, 50) g; ANALYZE public.customers;');
    const url = new URL(pg!.url);
    await vscode.commands.executeCommand('iopsdata.connections.add', {
      id: 'itest-pg', name: 'ITest PG', kind: 'postgres', host: url.hostname, port: Number(url.port), database: url.pathname.slice(1) || 'postgres', user: 'postgres', sslMode: 'disable', password: decodeURIComponent(url.password),
    });
    // The setting holds exactly the definition; the password (only in SecretStorage) is what lets the test below connect.
    const saved = (vscode.workspace.getConfiguration('iopsdata').get<any[]>('connections') ?? []).find((d) => d.id === 'itest-pg');
    assert.deepEqual(Object.keys(saved).sort(), ['database', 'host', 'id', 'kind', 'name', 'port', 'sslMode', 'user']);
    const ok = (await vscode.commands.executeCommand('iopsdata.connections.test', 'itest-pg', { quiet: true })) as { ok: boolean; message: string };
    assert.equal(ok.ok, true, ok.message);
    const conn = await child(provider, undefined, 'ITest PG');
    const schema = await child(provider, conn, 'public');
    const customers = await child(provider, schema, 'customers');
    const item = await provider.getTreeItem(customers);
    assert.match(String(item.description), /~50 rows/);
    const cols = await Promise.all((await children(provider, customers)).map((c) => provider.getTreeItem(c)));
    assert.deepEqual(cols.map((c) => c.label), ['id', 'email']);
    assert.match(String(cols[0].description), /PK/);
  });

  it('switches writes on and off, and removes a connection with its secrets', async () => {
    assert.equal(await vscode.commands.executeCommand('iopsdata.connections.allowWrites', 'itest-duck', { confirm: false }), true);
    const conn = await child(provider, undefined, 'ITest shop');
    assert.equal((await provider.getTreeItem(conn)).contextValue, 'iopsdata.connection.writable');
    assert.equal(await vscode.commands.executeCommand('iopsdata.connections.makeReadOnly', 'itest-duck'), true);
    assert.equal(await vscode.commands.executeCommand('iopsdata.connections.remove', 'itest-pg', { confirm: false }), true);
    assert.ok(!(await labels(provider, await children(provider))).includes('ITest PG'));
  });
});

describe('Workspace files connection: data files in the tree (extension host)', function () {
  this.timeout(120_000);
  const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const dir = path.join(ws, 'itest-files');
  let provider: Provider;

  async function filesNode(): Promise<any> {
    return (await children(provider))[0];
  }
  async function listed(): Promise<string[]> {
    return (await children(provider, await filesNode())).filter((n) => n.type === 'file').map((n) => n.relative);
  }
  async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
    const until = Date.now() + ms;
    let v = await get();
    while (!ok(v)) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 200));
      v = await get();
    }
    return v;
  }

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    provider = (await vscode.commands.executeCommand('iopsdata.connections.treeForTests')) as Provider;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'hidden'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'sales.csv'), 'id,region,amount\n1,north,10.5\n2,south,20\n3,north,\n');
    fs.writeFileSync(path.join(dir, 'sub', 'events.jsonl'), '{"kind":"click","n":1}\n{"kind":"view","n":2}\n');
    fs.writeFileSync(path.join(dir, 'hidden', 'secret.csv'), 'a\n1\n');
    fs.writeFileSync(path.join(dir, 'notes.sql'), 'select 1;\n');
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(`COPY (SELECT 7::INTEGER AS qty, DATE '2024-05-01' AS day) TO '${path.join(dir, 'sub', 'stock.parquet')}' (FORMAT parquet)`);
    c.closeSync();
    inst.closeSync();
    await vscode.commands.executeCommand('iopsdata.connections.refresh', 'workspace-files');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('iopsdata.connections.filter', '');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(ws, 'itest-many'), { recursive: true, force: true });
  });

  it('lists the data files of the workspace (not other files), each with its folder', async () => {
    const files = await listed();
    for (const f of ['itest-files/sales.csv', 'itest-files/sub/events.jsonl', 'itest-files/sub/stock.parquet', 'itest-files/hidden/secret.csv']) assert.ok(files.includes(f), `${f} in ${files}`);
    assert.ok(!files.some((f) => f.endsWith('.sql')));
    const node = (await children(provider, await filesNode())).find((n) => n.relative === 'itest-files/sub/stock.parquet');
    const item = await provider.getTreeItem(node);
    assert.equal(item.label, 'stock.parquet');
    assert.equal(item.contextValue, 'iopsdata.dataFile');
    assert.match(String(item.description), /^itest-files\/sub · \d+(\.\d)? (B|KB)$/);
    assert.match((item.tooltip as vscode.MarkdownString).value, /FROM 'itest-files\/sub\/stock\.parquet'/);
  });

  it('shows the columns DuckDB reads from each file on expand', async () => {
    const nodes = await children(provider, await filesNode());
    const cols = async (rel: string) => {
      const items = await Promise.all((await children(provider, nodes.find((n) => n.relative === rel))).map((c) => provider.getTreeItem(c)));
      return items.map((i) => `${i.label}: ${i.description}`);
    };
    assert.deepEqual(await cols('itest-files/sales.csv'), ['id: BIGINT', 'region: VARCHAR', 'amount: DOUBLE']);
    assert.deepEqual(await cols('itest-files/sub/stock.parquet'), ['qty: INTEGER', 'day: DATE']);
    assert.deepEqual(await cols('itest-files/sub/events.jsonl'), ['kind: VARCHAR', 'n: BIGINT']);
  });

  it('says clearly when DuckDB cannot read a file, and offers to open it', async () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"a": 1,,, nope');
    await vscode.commands.executeCommand('iopsdata.connections.refresh', 'workspace-files');
    const node = (await children(provider, await filesNode())).find((n) => n.relative === 'itest-files/broken.json');
    const [message] = await children(provider, node);
    const item = await provider.getTreeItem(message);
    assert.equal(message.type, 'message');
    assert.match(String(item.label), /JSON|json|Malformed|parse/i);
    assert.equal(item.command?.command, 'vscode.open');
    fs.rmSync(path.join(dir, 'broken.json'));
  });

  it('follows files being added, changed and deleted (file watcher)', async () => {
    fs.writeFileSync(path.join(dir, 'new.csv'), 'x,y\n1,2\n');
    await waitFor('new.csv to appear', listed, (f) => f.includes('itest-files/new.csv'));
    const colsOf = async () => {
      const node = (await children(provider, await filesNode())).find((n) => n.relative === 'itest-files/new.csv');
      return node ? (await Promise.all((await children(provider, node)).map((c) => provider.getTreeItem(c)))).map((i) => String(i.label)) : [];
    };
    assert.deepEqual(await colsOf(), ['x', 'y']);
    fs.writeFileSync(path.join(dir, 'new.csv'), 'x,y,z\n1,2,3\n');
    await waitFor('new.csv columns to refresh', colsOf, (c) => c.join() === 'x,y,z');
    fs.rmSync(path.join(dir, 'new.csv'));
    await waitFor('new.csv to disappear', listed, (f) => !f.includes('itest-files/new.csv'));
  });

  it("respects the user's files.exclude", async () => {
    await vscode.workspace.getConfiguration('files').update('exclude', { 'itest-files/hidden': true }, vscode.ConfigurationTarget.Workspace);
    const files = await waitFor('the excluded folder to vanish', listed, (f) => !f.includes('itest-files/hidden/secret.csv'));
    assert.ok(files.includes('itest-files/sales.csv'));
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('the folder to come back', listed, (f) => f.includes('itest-files/hidden/secret.csv'));
  });

  it('filters files by path like tables', async () => {
    await vscode.commands.executeCommand('iopsdata.connections.filter', 'jsonl');
    try {
      assert.deepEqual(await listed(), ['itest-files/sub/events.jsonl']);
      await vscode.commands.executeCommand('iopsdata.connections.filter', 'no-such-file-xyz');
      assert.deepEqual(await labels(provider, await children(provider, await filesNode())), ['No files match “no-such-file-xyz”']);
    } finally {
      await vscode.commands.executeCommand('iopsdata.connections.filter', '');
    }
  });

  it('caps the listing and says so', async () => {
    const many = path.join(ws, 'itest-many');
    fs.mkdirSync(many, { recursive: true });
    for (let i = 0; i < 1010; i++) fs.writeFileSync(path.join(many, `f${i}.csv`), 'a\n1\n');
    await vscode.commands.executeCommand('iopsdata.connections.refresh', 'workspace-files');
    const nodes = await children(provider, await filesNode());
    assert.equal(nodes.filter((n) => n.type === 'file').length, 1000);
    assert.match(String((await provider.getTreeItem(nodes[nodes.length - 1])).label), /Showing the first 1000 data files/);
    // The filter searches past the cap: a file the capped list leaves out is still found (listed in path order).
    const listedNames = new Set(nodes.filter((n) => n.type === 'file').map((n) => n.relative));
    const hidden = Array.from({ length: 1010 }, (_, i) => `itest-many/f${i}.csv`).filter((r) => !listedNames.has(r));
    assert.ok(hidden.length >= 10, `${hidden.length} files left out by the cap`);
    await vscode.commands.executeCommand('iopsdata.connections.filter', hidden[0]);
    try {
      const found = (await listed()).filter((r) => r === hidden[0] || r.startsWith(hidden[0].replace(/\.csv$/, '')));
      assert.ok(found.includes(hidden[0]), `the filter found ${JSON.stringify(found)}`);
    } finally {
      await vscode.commands.executeCommand('iopsdata.connections.filter', '');
    }
    fs.rmSync(many, { recursive: true, force: true });
    await waitFor('the cap message to go', async () => labels(provider, await children(provider, await filesNode())), (l) => !l.some((x) => /Showing the first/.test(x)));
  });

  it('Query File opens a SQL editor on the Workspace files connection that runs', async () => {
    const node = (await children(provider, await filesNode())).find((n) => n.relative === 'itest-files/sales.csv');
    const uri = (await vscode.commands.executeCommand('iopsdata.connections.queryFile', node)) as string;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)!;
    assert.equal(doc.languageId, 'sql');
    assert.match(doc.getText(), /SELECT \*\nFROM 'itest-files\/sales\.csv'\nLIMIT 100;/);
    const outcome = (await vscode.commands.executeCommand('iopsdata.run.file', doc.uri)) as { status: string; error?: string; lastResult?: { rows: unknown[][] } };
    assert.equal(outcome.status, 'ok', outcome.error);
    assert.deepEqual(outcome.lastResult?.rows, [[1, 'north', 10.5], [2, 'south', 20], [3, 'north', null]]);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Preview Rows and Profile File work on a file node', async () => {
    const node = (await children(provider, await filesNode())).find((n) => n.relative === 'itest-files/sub/stock.parquet');
    const outcome = (await vscode.commands.executeCommand('iopsdata.run.previewTable', node)) as { status: string; error?: string; lastResult?: { rows: unknown[][] } };
    assert.equal(outcome.status, 'ok', outcome.error);
    assert.deepEqual(outcome.lastResult?.rows, [[7, '2024-05-01']]);
    const csvNode = (await children(provider, await filesNode())).find((n) => n.relative === 'itest-files/sales.csv');
    const profile = (await vscode.commands.executeCommand('iopsdata.connections.profileFile', csvNode)) as { rowCount: number; columns: { name: string }[] };
    assert.equal(profile.rowCount, 3);
    assert.deepEqual(profile.columns.map((c) => c.name), ['id', 'region', 'amount']);
  });
});

interface FormStep {
  kind: 'pick' | 'input' | 'open';
  prompt: string;
  items?: string[];
  answer?: string;
  rejected?: string;
}

describe('guided Add Connection form, driven through its prompts (extension host)', function () {
  this.timeout(120_000);
  let provider: Provider;
  let pg: PostgresServer | undefined;
  const form = async (answers: string[]) => (await vscode.commands.executeCommand('iopsdata.connections.addWithFormForTests', answers)) as { id?: string; steps: FormStep[] };
  const inScope = (scope: 'workspace' | 'user', id: string) => {
    const inspected = vscode.workspace.getConfiguration('iopsdata').inspect<any[]>('connections');
    return ((scope === 'workspace' ? inspected?.workspaceValue : inspected?.globalValue) ?? []).find((d) => d.id === id);
  };

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    provider = (await vscode.commands.executeCommand('iopsdata.connections.treeForTests')) as Provider;
    await makeDuckDbFile(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'itest-form.duckdb'));
    try {
      pg = await startPostgres();
    } catch {
      // No PostgreSQL binaries: the PostgreSQL form tests skip themselves.
    }
  });

  after(async () => {
    for (const id of ['itest-form-duck', 'itest-form-pg', 'itest-form-url']) await vscode.commands.executeCommand('iopsdata.connections.remove', id, { confirm: false });
    await pg?.stop();
  });

  it('adds a DuckDB file connection step by step, rejecting an empty path, and browses it', async () => {
    const { id, steps } = await form(['duckdb', 'ITest form duck', 'type', '', 'itest-form.duckdb', 'workspace']);
    assert.equal(id, 'itest-form-duck');
    assert.deepEqual(
      steps.map((s) => [s.kind, s.prompt]),
      [
        ['pick', 'What kind of database?'],
        ['input', 'Connection name'],
        ['pick', 'Which DuckDB database?'],
        ['input', 'Database file path'],
        ['pick', 'Where should the definition be saved? (passwords and keys always go to secret storage)'],
      ],
    );
    assert.deepEqual(steps[0].items, ['DuckDB', 'PostgreSQL', 'Snowflake']);
    assert.equal(steps[3].rejected, 'A path is required.');
    assert.deepEqual(inScope('workspace', 'itest-form-duck'), { id: 'itest-form-duck', name: 'ITest form duck', kind: 'duckdb', allowWrites: false, path: 'itest-form.duckdb' });
    const conn = await child(provider, undefined, 'ITest form duck');
    assert.equal((await provider.getTreeItem(conn)).description, 'DuckDB · read-only');
    const schema = await child(provider, conn, 'main');
    assert.deepEqual((await labels(provider, await children(provider, schema))).sort(), ['big_orders', 'orders']);
  });

  it('adds a PostgreSQL connection from fields: bad port rejected, password to SecretStorage only, connects', async function () {
    if (!pg) this.skip();
    const { id, steps } = await form(['postgres', 'ITest form PG', 'fields', '127.0.0.1', '70000', String(pg!.port), 'postgres', 'postgres', 'postgres', 'disable', 'direct', 'user']);
    assert.equal(id, 'itest-form-pg');
    assert.deepEqual(
      steps.map((s) => s.prompt),
      [
        'What kind of database?',
        'Connection name',
        'How do you want to connect?',
        'Host',
        'Port',
        'Database',
        'User',
        'Password (optional)',
        'SSL mode',
        'Reach the server directly or through an SSH server?',
        'Where should the definition be saved? (passwords and keys always go to secret storage)',
      ],
    );
    assert.equal(steps[4].rejected, 'A port is 1–65535.');
    assert.equal(steps[7].answer, '***');
    assert.equal(inScope('workspace', 'itest-form-pg'), undefined);
    assert.deepEqual(inScope('user', 'itest-form-pg'), { id: 'itest-form-pg', name: 'ITest form PG', kind: 'postgres', allowWrites: false, host: '127.0.0.1', port: pg!.port, database: 'postgres', user: 'postgres', sslMode: 'disable' });
    const ok = (await vscode.commands.executeCommand('iopsdata.connections.test', 'itest-form-pg', { quiet: true })) as { ok: boolean; message: string };
    assert.equal(ok.ok, true, ok.message);
  });

  it('adds a PostgreSQL connection from a pasted URL, moving its password to SecretStorage', async function () {
    if (!pg) this.skip();
    const { id, steps } = await form(['postgres', 'ITest form URL', 'url', 'mysql://nope', `postgres://postgres:postgres@127.0.0.1:${pg!.port}/postgres`, 'direct', 'workspace']);
    assert.equal(id, 'itest-form-url');
    assert.equal(steps[3].rejected, 'Use postgres://user@host:5432/database');
    const saved = inScope('workspace', 'itest-form-url');
    assert.deepEqual(saved, { id: 'itest-form-url', name: 'ITest form URL', kind: 'postgres', allowWrites: false, url: `postgres://postgres@127.0.0.1:${pg!.port}/postgres` });
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('iopsdata').get('connections')).includes(':postgres@'));
    const ok = (await vscode.commands.executeCommand('iopsdata.connections.test', 'itest-form-url', { quiet: true })) as { ok: boolean; message: string };
    assert.equal(ok.ok, true, ok.message);
  });

  it('adds a PostgreSQL connection through an SSH tunnel (real sshd): key to SecretStorage, browses and runs', async function () {
    if (!pg) this.skip();
    let sshd: SshServer;
    try {
      sshd = await startSshd();
    } catch {
      // No openssh-server installed: the tunnel test cannot run here.
      this.skip();
    }
    pg!.psql('CREATE TABLE IF NOT EXISTS public.tunnel_items (id int);');
    const keyFile = path.join(os.tmpdir(), `itest-ssh-key-${process.pid}`);
    fs.writeFileSync(keyFile, sshd!.encryptedClientKey, { mode: 0o600 });
    try {
      const { id, steps } = await form([
        'postgres', 'ITest form SSH', 'fields', '127.0.0.1', String(pg!.port), 'postgres', 'postgres', 'postgres', 'disable',
        'ssh', '127.0.0.1', String(sshd!.port), sshd!.user, keyFile, sshd!.passphrase, 'workspace',
      ]);
      assert.equal(id, 'itest-form-ssh');
      assert.deepEqual(steps.slice(9, 15).map((s) => s.prompt), ['Reach the server directly or through an SSH server?', 'SSH server host', 'SSH port', 'SSH user', 'Use SSH private key', 'SSH key passphrase (optional)']);
      const saved = inScope('workspace', 'itest-form-ssh');
      assert.deepEqual(saved, {
        id: 'itest-form-ssh', name: 'ITest form SSH', kind: 'postgres', allowWrites: false, host: '127.0.0.1', port: pg!.port, database: 'postgres', user: 'postgres', sslMode: 'disable',
        sshHost: '127.0.0.1', sshPort: sshd!.port, sshUser: sshd!.user,
      });
      const settings = JSON.stringify(vscode.workspace.getConfiguration('iopsdata').inspect('connections'));
      assert.ok(!settings.includes('PRIVATE KEY') && !settings.includes(sshd!.passphrase));
      // The key file is not needed any more: the key lives in SecretStorage.
      fs.rmSync(keyFile, { force: true });
      const conn = await child(provider, undefined, 'ITest form SSH');
      const schema = await child(provider, conn, 'public');
      assert.deepEqual(await labels(provider, await children(provider, schema)), ['tunnel_items']);
      const outcome = (await vscode.commands.executeCommand('iopsdata.run.sql', 'itest-form-ssh', 'SELECT 21 * 2 AS answer')) as { status: string; error?: string; lastResult?: { rows: unknown[][] } };
      assert.equal(outcome.status, 'ok', outcome.error);
      assert.deepEqual(outcome.lastResult?.rows, [[42]]);
      assert.match(sshd!.log(), /Accepted publickey for /);
    } finally {
      fs.rmSync(keyFile, { force: true });
      await vscode.commands.executeCommand('iopsdata.connections.remove', 'itest-form-ssh', { confirm: false });
      await sshd!.stop();
    }
  });

  it('saves nothing when the form is dismissed half-way', async () => {
    const before = JSON.stringify(vscode.workspace.getConfiguration('iopsdata').inspect('connections'));
    const { id, steps } = await form(['snowflake', 'ITest form SF', 'myorg-acct']);
    assert.equal(id, undefined);
    assert.equal(steps[steps.length - 1].prompt, 'User');
    assert.equal(JSON.stringify(vscode.workspace.getConfiguration('iopsdata').inspect('connections')), before);
  });
});

describe('Snowflake connection against the loopback Snowflake server: tree and Run (extension host)', function () {
  this.timeout(120_000);
  let provider: Provider;
  let sf: SnowflakeServer;
  const run = async (sql: string) => (await vscode.commands.executeCommand('iopsdata.run.sql', 'itest-sf', sql)) as { status: string; error?: string; lastResult?: { rows: unknown[][]; columns: { name: string; type: string }[] } };

  before(async () => {
    await vscode.extensions.getExtension('iopsdata.iopsdata')!.activate();
    provider = (await vscode.commands.executeCommand('iopsdata.connections.treeForTests')) as Provider;
    sf = await startSnowflakeServer({ account: 'itestacct', users: [{ name: 'ANALYST', password: 'sf-pass-1' }] });
    await sf.exec(`create schema analytics; create table analytics.orders(id integer primary key, amount decimal(10,2) not null, city varchar);
      insert into analytics.orders values (1, 10.50, 'Oslo'), (2, 20.00, 'Rome'), (3, 4.25, 'Oslo'); comment on table analytics.orders is 'orders from the shop';
      create view analytics.big_orders as select * from analytics.orders where amount > 10`);
    await vscode.commands.executeCommand('iopsdata.connections.add', { id: 'itest-sf', name: 'ITest SF', kind: 'snowflake', account: 'itestacct', user: 'ANALYST', warehouse: 'TEST_WH', accessUrl: sf.url, password: 'sf-pass-1' });
  });

  after(async () => {
    await vscode.commands.executeCommand('iopsdata.connections.remove', 'itest-sf', { confirm: false });
    await sf?.stop();
  });

  it('browses schemas → tables/views → columns with row counts, comments and primary keys', async () => {
    const conn = await child(provider, undefined, 'ITest SF');
    assert.match(String((await provider.getTreeItem(conn)).description), /^Snowflake · read-only$/);
    const schema = await child(provider, conn, 'analytics');
    const tables = await children(provider, schema);
    assert.deepEqual(await labels(provider, tables), ['big_orders', 'orders']);
    const orders = tables.find((t) => t.table === 'orders');
    const item = await provider.getTreeItem(orders);
    assert.equal(item.description, '~3 rows');
    assert.match((item.tooltip as vscode.MarkdownString).value, /orders from the shop/);
    const cols = await Promise.all((await children(provider, orders)).map((c) => provider.getTreeItem(c)));
    assert.deepEqual(cols.map((c) => `${c.label}: ${c.description}`), ['id: INTEGER · PK · not null', 'amount: DECIMAL(10,2) · not null', 'city: VARCHAR']);
    const login = sf.requests.find((r) => r.path.startsWith('/session/v1/login-request'));
    assert.equal(login?.body.data.PASSWORD, 'sf-pass-1', 'the password came from SecretStorage');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('iopsdata').get('connections')).includes('sf-pass-1'));
  });

  it('runs a statement and Preview Rows on a table node', async () => {
    const outcome = await run('SELECT city, sum(amount) AS total FROM analytics.orders GROUP BY city ORDER BY city');
    assert.equal(outcome.status, 'ok', outcome.error);
    assert.deepEqual(outcome.lastResult?.rows, [['Oslo', 14.75], ['Rome', 20]]);
    assert.deepEqual(outcome.lastResult?.columns.map((c) => c.type), ['TEXT', 'NUMBER(38,2)']);
    const schema = await child(provider, await child(provider, undefined, 'ITest SF'), 'analytics');
    const view = (await children(provider, schema)).find((t) => t.table === 'big_orders');
    const preview = (await vscode.commands.executeCommand('iopsdata.run.previewTable', view)) as typeof outcome;
    assert.equal(preview.status, 'ok', preview.error);
    assert.deepEqual(preview.lastResult?.rows, [[1, 10.5, 'Oslo'], [2, 20, 'Rome']]);
  });

  it('refuses a write on the read-only connection before anything reaches the server', async () => {
    const sent = sf.requests.length;
    const outcome = await run('DELETE FROM analytics.orders');
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.error ?? '', /read-only: refused DELETE/);
    assert.equal(sf.requests.slice(sent).filter((r) => r.path.startsWith('/queries/v1/query-request')).length, 0);
    assert.deepEqual((await run('SELECT count(*) AS n FROM analytics.orders')).lastResult?.rows, [[3]]);
  });

  it('the statement timeout setting cancels a long Snowflake query on the server with a clear error', async () => {
    await vscode.workspace.getConfiguration('iopsdata').update('query.timeoutSeconds', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const abortedBefore = sf.aborted.size;
      const t0 = Date.now();
      const outcome = await run('SELECT SYSTEM$WAIT(20)');
      assert.equal(outcome.status, 'error');
      assert.match(outcome.error ?? '', /^The query on ITest SF took longer than the 1000 ms statement timeout and was (cancelled|stopped)\.$/);
      assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
      assert.equal(sf.aborted.size, abortedBefore + 1, 'an abort-request reached the server');
    } finally {
      await vscode.workspace.getConfiguration('iopsdata').update('query.timeoutSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('Cancel aborts the query on the server', async () => {
    const abortedBefore = sf.aborted.size;
    const running = run('SELECT SYSTEM$WAIT(30)');
    for (let i = 0; i < 100 && sf.running() === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(sf.running(), 1);
    assert.equal(await vscode.commands.executeCommand('iopsdata.run.cancel'), 1);
    const outcome = await running;
    assert.equal(outcome.status, 'cancelled');
    assert.equal(sf.aborted.size, abortedBefore + 1);
    for (let i = 0; i < 30 && sf.running() > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(sf.running(), 0);
  });
});
