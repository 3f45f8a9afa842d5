import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbConnection, workspaceFilesConnection } from '../../../src/core/connections/duckdb';
import { isCancelled } from '../../../src/core/errors';

/** Real DuckDB files on disk: a read-only open must leave the file, and the file system, unchanged. */
describe('DuckDB adapter', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  let dbFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-duck-'));
    ws = join(dir, 'ws');
    require('node:fs').mkdirSync(ws);
    writeFileSync(join(ws, 'orders.csv'), 'id,amount,city\n1,10.5,Oslo\n2,20,Rome\n3,,Oslo\n');
    dbFile = join(ws, 'shop.duckdb');
    const rw = new DuckDbConnection({ kind: 'duckdb', name: 'rw', path: dbFile, allowWrites: true });
    await rw.query(`create table items(id integer primary key, name varchar not null, price decimal(10,2));
      insert into items values (1, 'pen', 1.50), (2, 'book', 12.00);
      comment on table items is 'things we sell'; comment on column items.name is 'display name';
      create view cheap as select * from items where price < 5;`);
    await rw.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const readOnly = () => new DuckDbConnection({ kind: 'duckdb', name: 'shop', path: dbFile, allowedDirectories: [ws], cwd: ws });
  const filesIn = (d: string) => readdirSync(d).sort();

  it('reads a database file opened read-only, with JSON-safe values', async () => {
    const c = readOnly();
    const r = await c.query('select id, name, price, date \'2024-01-02\' d, 9007199254740993::bigint big from items order by id');
    assert.deepEqual(r.columns.map((x) => x.type), ['INTEGER', 'VARCHAR', 'DECIMAL(10,2)', 'DATE', 'BIGINT']);
    assert.deepEqual(r.rows, [
      [1, 'pen', 1.5, '2024-01-02', '9007199254740993'],
      [2, 'book', 12, '2024-01-02', '9007199254740993'],
    ]);
    assert.equal(r.rowCount, 2);
    await c.close();
  });

  it('refuses writes to the database, to files and to other databases; nothing changes', async () => {
    const c = readOnly();
    const before = filesIn(ws);
    const attempts = [
      `insert into items values (3, 'x', 1)`,
      `select 1; drop table items`,
      `copy items to '${ws}/out.csv'`,
      `copy (select 1) to 'relative.csv'`,
      `export database '${ws}/exp'`,
      `attach '${ws}/other.duckdb' as other`,
      `install httpfs`,
      `load httpfs`,
      `create table t2 as select 1`,
    ];
    for (const sql of attempts) {
      await assert.rejects(c.query(sql), (e: Error) => /is read-only/.test(e.message) && /Allow writes/.test(e.message), sql);
    }
    // The engine layer on its own (what classification would not see): settings are locked, outside files blocked.
    await assert.rejects(c.query(`set enable_external_access = true`), /locked/);
    await assert.rejects(c.query(`select * from read_csv('/etc/passwd')`), /disabled by configuration|Permission/);
    assert.deepEqual(filesIn(ws), before);
    assert.deepEqual((await c.query('select count(*) from items')).rows, [[2]]);
    await c.close();
  });

  it('the engine refuses writes even when classification is bypassed (read-only instance, locked settings)', async () => {
    const c = readOnly();
    // Reach past the classifier on purpose: run through the engine directly.
    const { conn } = await (c as any).open();
    await assert.rejects(conn.run(`insert into items values (9, 'x', 1)`), /read-only/);
    await assert.rejects(conn.run(`copy items to '${dir}/outside.csv'`), /disabled by configuration/);
    await assert.rejects(conn.run(`attach '${ws}/new.duckdb' as n`), /read-only|does not exist/);
    await assert.rejects(conn.run(`set allowed_directories = ['/']`), /locked/);
    assert.equal(existsSync(join(dir, 'outside.csv')), false);
    assert.equal(existsSync(join(ws, 'new.duckdb')), false);
    await c.close();
  });

  it('Workspace files connection reads CSV by relative and absolute path', async () => {
    const c = workspaceFilesConnection([ws]);
    const r = await c.query(`select city, count(*) n, sum(amount) total from 'orders.csv' group by city order by city`);
    assert.deepEqual(r.rows, [['Oslo', 2, 10.5], ['Rome', 1, 20]]);
    const abs = await c.query(`select count(*) from read_csv('${ws}/orders.csv')`);
    assert.deepEqual(abs.rows, [[3]]);
    await assert.rejects(c.query(`create table x as select 1`), /is read-only/);
    await assert.rejects(c.query(`select * from read_csv('${dir}/../../etc/passwd')`), /disabled by configuration|Permission/);
    await c.close();
  });

  it('allow writes: DML reports affected rows', async () => {
    const c = new DuckDbConnection({ kind: 'duckdb', name: 'mem', path: ':memory:', allowWrites: true });
    const r = await c.query('create table t(a int); insert into t select * from range(5)');
    assert.equal(r.affectedRows, 5);
    assert.deepEqual((await c.query('select sum(a) from t')).rows, [[10]]);
    await c.close();
  });

  it('catalog: schemas, tables with estimates and comments, columns with PK and nullability', async () => {
    const c = readOnly();
    const schemas = await c.listSchemas();
    const main = schemas.find((s) => s.name === 'main');
    assert.ok(main);
    const tables = await c.listTables(main);
    assert.deepEqual(tables.map((t) => [t.name, t.kind, t.comment ?? null]), [['cheap', 'view', null], ['items', 'table', 'things we sell']]);
    assert.equal(tables[1].rowEstimate, 2);
    const cols = await c.listColumns(tables[1]);
    assert.deepEqual(cols, [
      { name: 'id', type: 'INTEGER', nullable: false, primaryKey: true },
      { name: 'name', type: 'VARCHAR', nullable: false, primaryKey: false, comment: 'display name' },
      { name: 'price', type: 'DECIMAL(10,2)', nullable: true, primaryKey: false },
    ]);
    await c.close();
  });

  it('interrupts a long query on abort, and the connection stays usable', async () => {
    const c = workspaceFilesConnection([ws]);
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 200);
    await assert.rejects(c.query('select count(*) from range(10000000000) a, range(1000) b where a.range * b.range = -1', { signal: ac.signal }), (e) => isCancelled(e));
    assert.ok(Date.now() - t0 < 3000, `cancel took ${Date.now() - t0} ms`);
    assert.deepEqual((await c.query('select 42')).rows, [[42]]);
    await assert.rejects(c.query('select count(*) from range(10000000000) a, range(1000) b where a.range * b.range = -1', { timeoutMs: 200 }), /timeout/);
    await c.close();
  });

  it('maxRows stops reading early and marks the result truncated', async () => {
    const c = workspaceFilesConnection([ws]);
    const r = await c.query('select * from range(1000000)', { maxRows: 5 });
    assert.equal(r.rowCount, 5);
    assert.equal(r.truncated, true);
    await c.close();
  });
});
