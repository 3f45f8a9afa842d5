/**
 * The Connections feature inside the real VS Code extension host: add connections through the command (as the
 * form would save them), browse a real DuckDB file and a real PostgreSQL through the tree provider, keep passwords
 * out of settings, test, toggle writes, and remove.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
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
