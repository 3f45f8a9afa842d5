import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbConnection } from '../../../src/core/connections/duckdb';
import { PostgresConnection } from '../../../src/core/connections/postgres';
import type { PostgresConfig } from '../../../src/core/connections/config';
import { parseConnectionUrl } from '../../../src/core/connections/url';
import { ResultStore, storeKindOf } from '../../../src/core/engine/resultStore';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';

describe('result store (spill + paging + export)', function () {
  this.timeout(90_000);
  let store: ResultStore;
  let duck: DuckDbConnection;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iopsdata-store-test-'));
    store = await ResultStore.create({ dir: join(dir, 'store') });
    duck = new DuckDbConnection({ kind: 'duckdb', name: 'mem', path: ':memory:', allowedDirectories: [dir] });
  });
  after(async () => {
    await duck.close();
    await store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps source types to storage kinds', () => {
    assert.deepEqual(
      ['BIGINT', 'integer', 'NUMBER(38,0)', 'NUMBER(10,2)', 'numeric', 'double precision', 'BOOLEAN', 'timestamp with time zone', 'TIMESTAMP_NTZ', 'bytea', 'jsonb', 'HUGEINT'].map(storeKindOf),
      ['int', 'int', 'hugeint', 'decimal', 'decimal', 'float', 'bool', 'timestamptz', 'timestamp', 'blob', 'text', 'hugeint'],
    );
  });

  it('pages return exactly what query() returns, for every value kind', async () => {
    const sql = `select i, i * 1.25::decimal(10,2) d, i / 3.0::double f, i % 2 = 0 b, 'name ' || i s, date '2024-01-01' + i::int dt,
                        timestamp '2024-01-01 00:00:00' + to_seconds(i) ts, case when i % 5 = 0 then null else i end n, [i, i + 1] l,
                        9007199254740993::bigint + i big, '\\xAB'::blob bl
                   from range(1, 26) t(i)`;
    const expected = await duck.query(sql);
    const rs = await store.open(duck, sql, { batchSize: 7 });
    await rs.done;
    assert.equal(rs.rowCount, 25);
    assert.deepEqual(rs.columns, expected.columns);
    const all = await rs.page(0, 100);
    assert.deepEqual(all, { rows: expected.rows, total: 25 });
    assert.deepEqual((await rs.page(10, 3)).rows, expected.rows.slice(10, 13));
    await rs.dispose();
  });

  it('sorts (numerically for decimals, NULLs last) and filters in DuckDB', async () => {
    const rs = await store.open(duck, `select * from (values (1, '10.5'::decimal(5,1), 'Oslo'), (2, '9.0', 'rome'), (3, null, 'Roma'), (4, '100.0', 'Bergen')) t(id, amount, city)`);
    await rs.done;
    const ids = (p: { rows: unknown[][] }) => p.rows.map((r) => r[0]);
    assert.deepEqual(ids(await rs.page(0, 10, { sort: { column: 1, direction: 'asc' } })), [2, 1, 4, 3]);
    assert.deepEqual(ids(await rs.page(0, 10, { sort: { column: 1, direction: 'desc' } })), [4, 1, 2, 3]);
    const f = await rs.page(0, 10, { filter: 'ROM', sort: { column: 0, direction: 'desc' } });
    assert.deepEqual(ids(f), [3, 2]);
    assert.equal(f.total, 2);
    assert.deepEqual(await rs.page(1, 10, { filter: 'nothing matches' }), { rows: [], total: 0 });
    await rs.dispose();
  });

  it('exports the full result to CSV, JSON and Parquet with DuckDB COPY', async () => {
    const rs = await store.open(duck, `select i id, (i * 0.5)::decimal(10,1) half, 'x,' || i lbl, date '2024-01-01' + i::int dday from range(0, 50000) t(i)`);
    const csv = join(dir, 'out.csv');
    const json = join(dir, 'out.json');
    const pq = join(dir, 'out.parquet');
    assert.deepEqual(await rs.exportTo(csv, 'csv'), { rows: 50000 });
    assert.deepEqual(await rs.exportTo(json, 'json', { sort: { column: 0, direction: 'desc' }, filter: 'x,4999' }), { rows: 11 });
    assert.deepEqual(await rs.exportTo(pq, 'parquet'), { rows: 50000 });
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    assert.equal(lines.length, 50001);
    assert.equal(lines[0], 'id,half,lbl,dday');
    assert.equal(lines[3], '2,1.0,"x,2",2024-01-03'); // a DuckDB source keeps DECIMAL(10,1): its exact text
    const parsed = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(parsed.length, 11);
    assert.deepEqual(parsed[0], { id: 49999, half: 24999.5, lbl: 'x,49999', dday: '2160-11-22' });
    const back = await duck.query(`select count(*), sum(half), typeof(any_value(dday)), typeof(any_value(half)) from '${pq}'`);
    assert.deepEqual(back.rows, [[50000, 624987500, 'DATE', 'DECIMAL(10,1)']]);
    await rs.dispose();
  });

  it('exports a big DuckDB result (several row groups, no row cap) from the store, sorted and plain', async () => {
    const n = 400_000;
    const rs = await store.open(duck, `select i id, (i % 1000)::decimal(12,2) / 4 amt, 'label ' || i lbl, timestamp '2024-01-01' + to_seconds(i) ts, [i, i + 1] l from range(0, ${n}) t(i)`);
    const csv = join(dir, 'big.csv');
    const json = join(dir, 'big.json');
    const pq = join(dir, 'big.parquet');
    assert.deepEqual(await rs.exportTo(csv, 'csv'), { rows: n });
    assert.deepEqual(await rs.exportTo(json, 'json', { sort: { column: 0, direction: 'desc' } }), { rows: n });
    assert.deepEqual(await rs.exportTo(pq, 'parquet'), { rows: n });
    const csvBack = await duck.query(`select count(*), sum(id), min(id), max(id), count(distinct lbl) from read_csv('${csv}')`);
    assert.deepEqual(csvBack.rows, [[n, (n * (n - 1)) / 2, 0, n - 1, n]]);
    // Row order is the result's order (rowid), also across the store's row groups.
    const csvLines = readFileSync(csv, 'utf8').split('\n');
    assert.equal(csvLines[1].split(',')[0], '0');
    assert.equal(csvLines[n].split(',')[0], String(n - 1));
    const jsonBack = await duck.query(`select count(*), sum(amt) from read_json('${json}')`);
    assert.deepEqual(jsonBack.rows, [[n, 49950000]]);
    // Sorted by id descending (file order; first()/last() would not be ordered under parallel reads).
    const jsonEnds = await duck.query(`(select id from read_json('${json}') limit 2) union all (select id from read_json('${json}') offset ${n - 1})`);
    assert.deepEqual(jsonEnds.rows, [[n - 1], [n - 2], [0]]);
    const pqBack = await duck.query(`select count(*), sum(amt), typeof(any_value(ts)), typeof(any_value(l)), max(ts) from '${pq}'`);
    assert.deepEqual(pqBack.rows, [[n, 49950000, 'TIMESTAMP', 'BIGINT[]', '2024-01-05T15:06:39']]);
    await rs.dispose();
  });

  it('serves the first page before a large result is fully stored; rowCount grows to the total', async () => {
    const rs = await store.open(duck, 'select range id, md5(range::varchar) h from range(300000)', { batchSize: 10_000 });
    const first = await rs.page(0, 100);
    assert.equal(first.rows.length, 100);
    assert.deepEqual(first.rows[99][0], 99);
    await rs.done;
    assert.equal(rs.complete, true);
    assert.equal(rs.rowCount, 300000);
    assert.deepEqual((await rs.page(299_998, 10)).rows.map((r) => r[0]), [299998, 299999]);
    await rs.dispose();
  });

  it('DuckDB source: partial pages while rows stream in; cancel stops reading and keeps the rows stored so far', async () => {
    const ac = new AbortController();
    const rs = await store.open(duck, 'select range id, range * 2 twice from range(50000000)', { signal: ac.signal });
    assert.deepEqual((await rs.page(0, 3, undefined, undefined, { partial: true })).rows, [[0, 0], [1, 2], [2, 4]]);
    // A partial page beyond the rows stored so far answers at once with what is there.
    const far = await rs.page(49_999_000, 100, undefined, undefined, { partial: true });
    assert.ok(far.total <= 50_000_000);
    assert.equal(far.rows.length, Math.max(0, Math.min(100, far.total - 49_999_000)));
    ac.abort();
    await rs.done;
    assert.equal(rs.complete, true);
    assert.equal(rs.truncated, true);
    assert.ok(rs.rowCount >= 2048 && rs.rowCount < 50_000_000, String(rs.rowCount));
    // Rows stay addressable by position up to the last one kept.
    const last = await rs.page(rs.rowCount - 2, 10);
    assert.deepEqual(last.rows, [[rs.rowCount - 2, (rs.rowCount - 2) * 2], [rs.rowCount - 1, (rs.rowCount - 1) * 2]]);
    assert.deepEqual((await duck.query('select 7')).rows, [[7]], 'the connection is usable after the cancel');
    await rs.dispose();
  });

  it('a failing statement rejects open() with its error', async () => {
    await assert.rejects(store.open(duck, 'select * from no_such_table'), /no_such_table/);
  });

  describe('from PostgreSQL', () => {
    let pg: PostgresServer;
    let conn: PostgresConnection;
    before(async () => {
      pg = await startPostgres();
      const { config, secrets } = parseConnectionUrl(pg.url);
      conn = new PostgresConnection(config as PostgresConfig, secrets);
    });
    after(async () => {
      await conn?.close();
      await pg?.stop();
    });

    it('spills a cursor-streamed result and pages/sorts it', async () => {
      const rs = await store.open(conn, `select g id, (g * 1.5)::numeric(12,1) amount, now()::date - (g % 7) d, jsonb_build_object('g', g) j from generate_series(1, 30000) g`);
      await rs.done;
      assert.equal(rs.rowCount, 30000);
      assert.deepEqual(rs.columns.map((c) => c.type), ['integer', 'numeric', 'date', 'jsonb']);
      const p = await rs.page(0, 2, { sort: { column: 1, direction: 'desc' } });
      assert.deepEqual(p.rows.map((r) => [r[0], r[1], r[3]]), [[30000, 45000, { g: 30000 }], [29999, 44998.5, { g: 29999 }]]);
      await rs.dispose();
    });

    it('exports a big result (no row cap) from the store to CSV, JSON and Parquet with real types', async () => {
      const n = 250_000;
      const rs = await store.open(conn, `select g id, (g % 1000 * 0.25)::numeric(12,2) amt, 'row ' || g lbl, date '2020-01-01' + (g % 3650) d from generate_series(1, ${n}) g`);
      const csv = join(dir, 'pg.csv');
      const json = join(dir, 'pg.json');
      const pq = join(dir, 'pg.parquet');
      assert.deepEqual(await rs.exportTo(csv, 'csv'), { rows: n });
      assert.deepEqual(await rs.exportTo(json, 'json', { filter: 'row 24999' }), { rows: 11 });
      assert.deepEqual(await rs.exportTo(pq, 'parquet', { sort: { column: 1, direction: 'desc' } }), { rows: n });
      const sumAmt = Number(pg.psql(`select sum((g % 1000 * 0.25)::numeric(12,2)) from generate_series(1, ${n}) g`).trim());
      const csvBack = await duck.query(`select count(*), sum(id), sum(amt) from read_csv('${csv}')`);
      assert.deepEqual(csvBack.rows, [[n, (n * (n + 1)) / 2, sumAmt]]);
      const parsed = JSON.parse(readFileSync(json, 'utf8'));
      assert.deepEqual(parsed.map((r: { id: number }) => r.id), [24999, 249990, 249991, 249992, 249993, 249994, 249995, 249996, 249997, 249998, 249999]);
      const pqBack = await duck.query(`select count(*), sum(amt), typeof(any_value(amt)), typeof(any_value(d)) from '${pq}'`);
      assert.deepEqual(pqBack.rows, [[n, sumAmt, 'DECIMAL(38,2)', 'DATE']]);
      // Sorted by amount descending, numerically (249.75 before 99.75).
      const top = await duck.query(`select amt from '${pq}' limit 251`);
      assert.deepEqual([top.rows[0][0], top.rows[249][0], top.rows[250][0]], [249.75, 249.75, 249.5]);
      await rs.dispose();
    });

    it('cancelling while spilling stops the server query and keeps the rows stored so far', async () => {
      const ac = new AbortController();
      const rs = await store.open(conn, `select g, pg_sleep(case when g > 20000 then 0.01 else 0 end) from generate_series(1, 1000000) g`, { signal: ac.signal, batchSize: 5000 });
      setTimeout(() => ac.abort(), 300);
      await rs.done.catch(() => {});
      assert.equal(rs.complete, true);
      assert.equal(rs.truncated, true);
      assert.ok(rs.rowCount >= 5000 && rs.rowCount < 1_000_000, String(rs.rowCount));
      assert.deepEqual((await conn.query('select 5')).rows, [[5]]);
      await rs.dispose();
    });

    it('a connection dropped while spilling fails done, and every row read before it stays readable and exportable', async () => {
      const rs = await store.open(conn, `select g, pg_sleep(case when g > 20000 then 0.01 else 0 end) from generate_series(1, 1000000) g`, { batchSize: 5000 });
      const until = Date.now() + 30_000;
      while (rs.rowCount < 20_000 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      pg.psql(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'iOpsData' and state = 'active'`);
      await assert.rejects(rs.done, (e: Error) => /connection|terminat/i.test(e.message));
      assert.equal(rs.complete, true);
      const n = rs.rowCount;
      assert.ok(n >= 20_000 && n < 1_000_000, String(n));
      // Rows are in order and none is missing or counted twice: the last one is g = n.
      assert.deepEqual((await rs.page(n - 2, 10)).rows.map((r) => r[0]), [n - 1, n]);
      const csv = join(dir, 'dropped.csv');
      assert.deepEqual(await rs.exportTo(csv, 'csv'), { rows: n });
      assert.deepEqual((await duck.query(`select count(*), max(g) from read_csv('${csv}')`)).rows, [[n, n]]);
      await rs.dispose();
    });
  });
});
