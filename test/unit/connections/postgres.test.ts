import { strict as assert } from 'node:assert';
import { existsSync, rmSync } from 'node:fs';
import type { PostgresConfig } from '../../../src/core/connections/config';
import { PostgresConnection } from '../../../src/core/connections/postgres';
import { parseConnectionUrl } from '../../../src/core/connections/url';
import { isCancelled, UserError } from '../../../src/core/errors';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

/** A real PostgreSQL 15 server: read-only enforcement, cancel, dropped connections, catalog, values. */
describe('PostgreSQL adapter (real server)', function () {
  this.timeout(90_000);
  let pg: PostgresServer;
  const conns: PostgresConnection[] = [];
  const open = (allowWrites = false) => {
    const { config, secrets } = parseConnectionUrl(pg.url, { allowWrites });
    const c = new PostgresConnection({ ...(config as PostgresConfig), name: 'pgtest' }, secrets);
    conns.push(c);
    return c;
  };
  const snapshot = () => pg.psql(`select string_agg(id || ':' || name, ',' order by id) from accounts; select count(*) from audit; select count(*) from pg_tables where tablename = 'evil'`);

  before(async () => {
    pg = await startPostgres();
    pg.psql(`
      create table accounts (id int primary key, name text not null, balance numeric(12,2));
      comment on table accounts is 'customer accounts';
      comment on column accounts.name is 'holder';
      insert into accounts values (1, 'ann', 10.50), (2, 'bob', 20.00);
      create table audit (at timestamptz default now(), what text);
      create view rich as select * from accounts where balance > 15;
      create function sneaky() returns int language plpgsql volatile as $$ begin delete from accounts; insert into audit(what) values ('x'); return 1; end $$;
      create sequence seq;
      analyze accounts;`);
  });
  after(async () => {
    for (const c of conns) await c.close();
    await pg?.stop();
  });

  it('reads with JSON-safe values and column types', async () => {
    const c = open();
    const r = await c.query(
      `select 1::int a, 9007199254740993::bigint b, 12::bigint b2, 1.50::numeric c, 123456789012345678901234.5::numeric c2, date '2024-01-02' d,
              timestamp '2024-01-02 03:04:05.5' ts, timestamptz '2024-01-02 03:04:05+00' tz, '\\x0102'::bytea bl, null::text n, true t, '{"k":1}'::jsonb j`,
    );
    assert.deepEqual(r.columns.map((x) => x.type), ['integer', 'bigint', 'bigint', 'numeric', 'numeric', 'date', 'timestamp without time zone', 'timestamp with time zone', 'bytea', 'text', 'boolean', 'jsonb']);
    assert.deepEqual(r.rows, [[1, '9007199254740993', 12, 1.5, '123456789012345678901234.5', '2024-01-02', '2024-01-02T03:04:05.5', '2024-01-02T03:04:05Z', 'AQI=', null, true, { k: 1 }]]);
  });

  // Each of these must be refused and leave the data (and the file system) unchanged.
  const corpus = [
    `delete from accounts`,
    `WITH x AS (DELETE FROM accounts RETURNING *) SELECT * FROM x`,
    `with x as (update accounts set name = 'z' returning 1) select count(*) from x`,
    `select sneaky()`,
    `select * from accounts where sneaky() = 1`,
    `SELECT 1; DROP TABLE accounts`,
    `BEGIN; DELETE FROM accounts; COMMIT`,
    `SET TRANSACTION READ WRITE; DELETE FROM accounts`,
    `SET default_transaction_read_only = off; delete from accounts`,
    `set session characteristics as transaction read write`,
    `RESET ALL`,
    `select set_config('default_transaction_read_only', 'off', false)`,
    `COPY accounts TO '/tmp/iopsdata-pg-leak.csv'`,
    `COPY (select 1) TO PROGRAM 'touch /tmp/iopsdata-pg-program'`,
    `create temp table evil as select 1`,
    `create table evil(a int)`,
    `DO $$ BEGIN DELETE FROM accounts; END $$`,
    `select lo_export(lo_from_bytea(0, 'x'), '/tmp/iopsdata-pg-lo')`,
    `select nextval('seq')`,
    `insert into audit(what) values ('x')`,
    `explain analyze delete from accounts`,
    `select * into evil from accounts`,
    `truncate accounts`,
    `grant all on accounts to public`,
  ];

  it('refuses every write in the corpus with a read-only message; data and files unchanged', async () => {
    const c = open();
    const before = snapshot();
    for (const sql of corpus) {
      await assert.rejects(c.query(sql), (e: Error) => e instanceof UserError && /is read-only/.test(e.message) && /Allow writes/.test(e.message) && !e.message.includes('\n'), sql);
    }
    assert.equal(snapshot(), before);
    for (const f of ['/tmp/iopsdata-pg-leak.csv', '/tmp/iopsdata-pg-program', '/tmp/iopsdata-pg-lo']) assert.equal(existsSync(f), false, f);
    // The session is still read-only and usable.
    assert.deepEqual((await c.query(`show default_transaction_read_only`)).rows, [['on']]);
  });

  it('the server session refuses writes the classifier does not see (defence in depth)', async () => {
    const c = open();
    const before = snapshot();
    // Bypass classification on purpose: talk to the session the adapter set up.
    const client = await (c as any).getClient();
    await client.query('BEGIN READ ONLY');
    await assert.rejects(client.query('select sneaky()'), /read-only transaction/);
    await client.query('ROLLBACK');
    // Even outside our BEGIN READ ONLY the session default is read-only.
    await assert.rejects(client.query('delete from accounts'), /read-only transaction/);
    // A function call that flips the default is undone by the per-statement ROLLBACK.
    await (c as any).runOne({ text: `select set_config('default_transaction_read_only','off',false)`, kind: 'select', isWrite: false }, {}, true);
    assert.deepEqual((await c.query('show default_transaction_read_only')).rows, [['on']]);
    await assert.rejects((c as any).runOne({ text: 'select sneaky()', kind: 'select', isWrite: false }, {}, true), (e: Error) => /read-only/.test(e.message));
    assert.equal(snapshot(), before);
  });

  it('allow writes: DML runs and reports affected rows; transactions work', async () => {
    const c = open(true);
    const r = await c.query(`insert into audit(what) values ('a'), ('b')`);
    assert.equal(r.affectedRows, 2);
    await c.query(`begin; insert into audit(what) values ('c'); rollback`);
    assert.equal(pg.psql(`select count(*) from audit`).trim(), '2');
    await c.query(`delete from audit`);
  });

  it('runs scripts in order and returns the last result; maxRows streams through a cursor', async () => {
    const c = open();
    const r = await c.query(`select 1; select name from accounts order by id`);
    assert.deepEqual(r.rows, [['ann'], ['bob']]);
    const big = await c.query(`select g from generate_series(1, 100000) g`, { maxRows: 3 });
    assert.deepEqual(big.rows, [[1], [2], [3]]);
    assert.equal(big.truncated, true);
  });

  it('streams a result in batches through a server-side cursor', async () => {
    const c = open();
    const s = await c.stream(`select g, 'row ' || g from generate_series(1, 25000) g`, { batchSize: 10_000 });
    const sizes: number[] = [];
    let last: unknown;
    for (let b = await s.next(); b; b = await s.next()) {
      sizes.push(b.length);
      last = b[b.length - 1];
    }
    await s.close();
    assert.deepEqual(sizes, [10000, 10000, 5000]);
    assert.deepEqual(last, [25000, 'row 25000']);
    assert.deepEqual(s.columns, [{ name: 'g', type: 'integer' }, { name: '?column?', type: 'text' }]);
  });

  it('cancel stops the query on the server quickly', async () => {
    const c = open();
    await c.query('select 1');
    const pid = c.backendPid;
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(c.query('select pg_sleep(30)', { signal: ac.signal }), (e) => isCancelled(e));
    assert.ok(Date.now() - t0 < 3000, `cancel took ${Date.now() - t0} ms`);
    // The backend is no longer running pg_sleep.
    let state = '';
    for (let k = 0; k < 20; k++) {
      state = pg.psql(`select coalesce((select state || ':' || query from pg_stat_activity where pid = ${pid}), 'gone')`).trim();
      if (!state.includes('pg_sleep') || state.startsWith('idle')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(state.startsWith('idle') || state === 'gone', state);
    assert.deepEqual((await c.query('select 2')).rows, [[2]]);
  });

  it('statement timeout stops a long query with a clear error', async () => {
    const c = open();
    await assert.rejects(c.query('select pg_sleep(10)', { timeoutMs: 200 }), /The query on pgtest took longer than the 200 ms statement timeout and was stopped.$/);
    assert.deepEqual((await c.query('select 3')).rows, [[3]]);
  });

  it('a dropped connection gives a clear error, then reconnects on next use', async () => {
    const c = open();
    await c.query('select 1');
    const pid = c.backendPid;
    pg.psql(`select pg_terminate_backend(${pid})`);
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(c.query('select 1'), (e: Error) => /connection to pgtest was lost/.test(e.message) && /reconnect/.test(e.message));
    const r = await c.query('select 42');
    assert.deepEqual(r.rows, [[42]]);
    assert.notEqual(c.backendPid, pid);
  });

  it('a connection dropped mid-query fails that query clearly; the next query reconnects', async () => {
    const c = open();
    await c.query('select 1');
    const pid = c.backendPid;
    const running = c.query('select pg_sleep(20)');
    await new Promise((r) => setTimeout(r, 300));
    pg.psql(`select pg_terminate_backend(${pid})`);
    await assert.rejects(running, (e: Error) => /connection to pgtest was lost/.test(e.message));
    assert.deepEqual((await c.query('select 7')).rows, [[7]]);
  });

  it('error positions count from the start of the statement, also when it runs through a cursor', async () => {
    const c = open();
    const sql = 'select 1,\n  nme from accounts';
    const position = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (err) {
        return (err as { cause?: { position?: string } }).cause?.position;
      }
      return 'no error';
    };
    const expected = String(sql.indexOf('nme') + 1);
    assert.equal(await position(c.stream(sql)), expected);
    assert.equal(await position(c.query(sql)), expected);
    assert.equal(await position(c.query(sql, { maxRows: 10 })), expected);
  });

  it('catalog: schemas, tables/views with estimates and comments, columns with PK', async () => {
    const c = open();
    const schemas = await c.listSchemas();
    const pub = schemas.find((s) => s.name === 'public')!;
    assert.equal(pub.database, 'postgres');
    const tables = await c.listTables(pub);
    assert.deepEqual(tables.map((t) => [t.name, t.kind]), [['accounts', 'table'], ['audit', 'table'], ['rich', 'view']]);
    assert.equal(tables[0].comment, 'customer accounts');
    assert.equal(tables[0].rowEstimate, 2);
    const cols = await c.listColumns(tables[0]);
    assert.deepEqual(cols, [
      { name: 'id', type: 'integer', nullable: false, primaryKey: true },
      { name: 'name', type: 'text', nullable: false, primaryKey: false, comment: 'holder' },
      { name: 'balance', type: 'numeric(12,2)', nullable: true, primaryKey: false },
    ]);
  });

  it('wrong password: one-line connect error', async () => {
    const { config } = parseConnectionUrl(pg.url);
    const c = new PostgresConnection(config as PostgresConfig, { password: 'wrong' });
    conns.push(c);
    await assert.rejects(c.query('select 1'), (e: Error) => /^Could not connect to PostgreSQL 127\.0\.0\.1\/postgres: password authentication failed/.test(e.message) && !e.message.includes('wrong'));
  });

  after(() => {
    for (const f of ['/tmp/iopsdata-pg-leak.csv', '/tmp/iopsdata-pg-program', '/tmp/iopsdata-pg-lo']) rmSync(f, { force: true });
  });
});
