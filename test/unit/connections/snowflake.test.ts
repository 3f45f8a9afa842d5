import { strict as assert } from 'node:assert';
import { generateKeyPairSync } from 'node:crypto';
import { SnowflakeConnection } from '../../../src/core/connections/snowflake';
import type { SnowflakeConfig } from '../../../src/core/connections/config';
import { parseConnectionUrl } from '../../../src/core/connections/url';
import { ResultStore } from '../../../src/core/engine/resultStore';
import { isCancelled } from '../../../src/core/errors';
import { startSnowflakeServer, type SnowflakeServer } from '../../helpers/snowflakeServer';

/** The real snowflake-sdk against a loopback server speaking Snowflake's REST protocol (DuckDB computes results). */
describe('Snowflake adapter (real snowflake-sdk, loopback Snowflake protocol)', function () {
  this.timeout(60_000);
  let sf: SnowflakeServer;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const conns: SnowflakeConnection[] = [];
  const open = (opts: { allowWrites?: boolean; password?: string; url?: string } = {}) => {
    const { config, secrets } = parseConnectionUrl(opts.url ?? `snowflake://ANALYST:${opts.password ?? 's3cret'}@testacct/?warehouse=TEST_WH&role=PUBLIC&accessUrl=${sf.url}`, { allowWrites: opts.allowWrites });
    const c = new SnowflakeConnection(config as SnowflakeConfig, secrets);
    conns.push(c);
    return c;
  };

  before(async () => {
    sf = await startSnowflakeServer({ account: 'testacct', users: [{ name: 'ANALYST', password: 's3cret', publicKey: keys.publicKey }] });
    await sf.exec(`create table orders(id integer, amount decimal(10,2), city varchar); insert into orders values (1, 10.50, 'Oslo'), (2, 20.00, 'Rome')`);
  });
  after(async () => {
    for (const c of conns) await c.close().catch(() => {});
    await sf?.stop();
  });

  it('logs in with a password and returns typed, JSON-safe values', async () => {
    const c = open();
    const r = await c.query(
      `select 42 as n, 9007199254740993::bigint as big, 1.50::decimal(10,2) as d, 0.25::double as f, true as b, 'héllo' as s, date '2024-01-02' as dt, timestamp '2024-01-02 03:04:05.123' as ts, null::varchar as nothing`,
    );
    assert.deepEqual(r.columns.map((x) => x.type), ['NUMBER(38,0)', 'NUMBER(38,0)', 'NUMBER(10,2)', 'REAL', 'BOOLEAN', 'TEXT', 'DATE', 'TIMESTAMP_NTZ', 'TEXT']);
    assert.deepEqual(r.rows, [[42, '9007199254740993', 1.5, 0.25, true, 'héllo', '2024-01-02', '2024-01-02T03:04:05.123', null]]);
    const login = sf.requests.find((q) => q.path.startsWith('/session/v1/login-request'));
    assert.ok(login && /warehouse=TEST_WH/.test(login.path) && /roleName=PUBLIC/.test(login.path));
    assert.equal(login.body.data.LOGIN_NAME, 'ANALYST');
  });

  it('NULL numbers stay null (not the text NULL)', async () => {
    const r = await open().query('select null::bigint as n, null::decimal(10,2) as d, 1 as one');
    assert.deepEqual(r.rows, [[null, null, 1]]);
  });

  it('catalog: schemas, tables/views with row counts and comments, columns with nullability and primary keys', async () => {
    await sf.exec(`create schema analytics; create table analytics.sales(id integer primary key, amount decimal(10,2) not null, region varchar);
      insert into analytics.sales values (1, 5, 'north'), (2, 7, null); comment on table analytics.sales is 'one row per sale';
      create view analytics.big_sales as select * from analytics.sales where amount > 6`);
    const c = open();
    const analytics = (await c.listSchemas()).find((s) => s.name === 'analytics');
    assert.deepEqual(analytics, { database: 'TESTDB', name: 'analytics' });
    const tables = await c.listTables(analytics!);
    assert.deepEqual(tables, [
      { database: 'TESTDB', schema: 'analytics', name: 'big_sales', kind: 'view' },
      { database: 'TESTDB', schema: 'analytics', name: 'sales', kind: 'table', rowEstimate: 2, comment: 'one row per sale' },
    ]);
    assert.deepEqual(await c.listColumns(tables[1]), [
      { name: 'id', type: 'INTEGER', nullable: false, primaryKey: true },
      { name: 'amount', type: 'DECIMAL(10,2)', nullable: false, primaryKey: false },
      { name: 'region', type: 'VARCHAR', nullable: true, primaryKey: false },
    ]);
  });

  it('wrong password: one-line error without the password', async () => {
    const c = open({ password: 'nope' });
    await assert.rejects(c.query('select 1'), (e: Error) => /^Could not connect to Snowflake testacct: .*Incorrect username or password/.test(e.message) && !e.message.includes('nope'));
  });

  it('key-pair auth: the server verifies the RS256 JWT against the registered public key', async () => {
    const c = new SnowflakeConnection(
      { kind: 'snowflake', name: 'kp', account: 'testacct', user: 'ANALYST', auth: 'keypair', accessUrl: sf.url },
      { privateKey: keys.privateKey },
    );
    conns.push(c);
    assert.deepEqual((await c.query('select 7 as seven')).rows, [[7]]);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const bad = new SnowflakeConnection({ kind: 'snowflake', name: 'kp2', account: 'testacct', user: 'ANALYST', auth: 'keypair', accessUrl: sf.url }, { privateKey: other.privateKey });
    conns.push(bad);
    await assert.rejects(bad.query('select 1'), /JWT token is invalid/);
  });

  it('big results arrive through result chunks, streamed in batches', async () => {
    const c = open();
    const s = await c.stream('select range as id, range * 2 as twice from range(23000)', { batchSize: 4000 });
    let count = 0;
    let sum = 0;
    let last: unknown[] = [];
    for (let b = await s.next(); b; b = await s.next()) {
      assert.ok(b.length <= 4000);
      count += b.length;
      for (const row of b) sum += row[0] as number;
      last = b[b.length - 1];
    }
    await s.close();
    assert.equal(count, 23000);
    assert.equal(sum, (22999 * 23000) / 2);
    assert.deepEqual(last, [22999, 45998]);
    assert.ok(sf.requests.filter((q) => q.path.startsWith('/chunks/')).length >= 4, 'chunks were downloaded');
  });

  it('read-only: writes are refused before anything is sent; Allow writes runs them', async () => {
    const c = open();
    await c.query('select 1');
    const sent = () => sf.requests.filter((q) => q.path.startsWith('/queries/v1/query-request')).map((q) => String(q.body?.sqlText));
    const before = sent().length;
    for (const sql of [`insert into orders values (3, 1, 'x')`, `select 1; delete from orders`, `create table t2 as select 1`, `merge into orders o using orders s on o.id = s.id when matched then delete`, `call cleanup()`, `put file:///tmp/x @~`]) {
      await assert.rejects(c.query(sql), (e: Error) => /is read-only/.test(e.message) && /Allow writes/.test(e.message), sql);
    }
    assert.equal(sent().length, before, 'no refused statement reached the server');
    const w = open({ allowWrites: true });
    const r = await w.query(`insert into orders values (3, 30.25, 'Bergen')`);
    assert.equal(r.affectedRows, 1);
    assert.deepEqual((await c.query('select count(*) as n from orders')).rows, [[3]]);
    await w.query('delete from orders where id = 3');
  });

  it('cancel sends an abort-request and the server stops the query', async () => {
    const c = open();
    await c.query('select 1');
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 400);
    await assert.rejects(c.query('select system$wait(30)', { signal: ac.signal }), (e) => isCancelled(e) || /cancel/i.test(String((e as Error).message)));
    assert.ok(Date.now() - t0 < 5000, `cancel took ${Date.now() - t0} ms`);
    for (let k = 0; k < 30 && sf.running() > 0; k++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(sf.running(), 0);
    assert.ok(sf.aborted.size >= 1);
    assert.ok(sf.requests.some((q) => /abort-request/.test(q.path)));
    assert.deepEqual((await c.query('select 2 as two')).rows, [[2]]);
  });

  it('a lost session gives a clear error, then the next query logs in again', async () => {
    const c = open();
    await c.query('select 1');
    sf.dropSessions();
    await assert.rejects(c.query('select 1'), (e: Error) => /lost|Session no longer exists/.test(e.message));
    assert.deepEqual((await c.query('select 3 as three')).rows, [[3]]);
  });

  it('spills into the result store and pages', async () => {
    const store = await ResultStore.create();
    try {
      const c = open();
      const rs = await store.open(c, 'select range as id, (range % 10)::decimal(4,1) as k from range(12000)');
      await rs.done;
      assert.equal(rs.rowCount, 12000);
      const p = await rs.page(0, 3, { sort: { column: 0, direction: 'desc' } });
      assert.deepEqual(p.rows, [[11999, 9], [11998, 8], [11997, 7]]);
    } finally {
      await store.dispose();
    }
  });
});
