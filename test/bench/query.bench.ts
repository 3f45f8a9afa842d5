/**
 * Query path benchmark: a 1,000,000-row result on DuckDB and on PostgreSQL through our adapters + the DuckDB result
 * store (spill), against the raw driver reading the same rows in the same run (so the figures are ratios, not
 * machine-dependent absolutes). Reports time to first page, rows/s, and host RSS / JS heap while the result is open.
 * Run: npm run bench -- query   or   npx tsx test/bench/query.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from './report';
import { DuckDbConnection } from '../../src/core/connections/duckdb';
import { PostgresConnection } from '../../src/core/connections/postgres';
import type { PostgresConfig } from '../../src/core/connections/config';
import { parseConnectionUrl } from '../../src/core/connections/url';
import { ResultStore } from '../../src/core/engine/resultStore';
import type { Connection } from '../../src/core/connections/types';
import { startPostgres } from '../helpers/postgres';

const ROWS = Number(process.env.QUERY_BENCH_ROWS ?? 1_000_000);

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

async function throughStore(report: BenchReport, label: string, store: ResultStore, conn: Connection, sql: string): Promise<number> {
  if (global.gc) global.gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const rs = await store.open(conn, sql, { batchSize: 10_000 });
  const page = await rs.page(0, 100);
  const firstPageMs = performance.now() - t0;
  if (page.rows.length !== 100) throw new Error(`${label}: first page has ${page.rows.length} rows`);
  await rs.done;
  const totalMs = performance.now() - t0;
  if (rs.rowCount !== ROWS) throw new Error(`${label}: stored ${rs.rowCount} rows, expected ${ROWS}`);
  // The result is open: page deep into it and sort it, then measure memory.
  const t1 = performance.now();
  const deep = await rs.page(ROWS - 100, 100);
  const deepPageMs = performance.now() - t1;
  const t2 = performance.now();
  const sorted = await rs.page(0, 100, { sort: { column: 2, direction: 'desc' } });
  const sortMs = performance.now() - t2;
  if (deep.rows.length !== 100 || sorted.rows.length !== 100) throw new Error(`${label}: paging failed`);
  const mem = process.memoryUsage();
  report.record(`${label}: time to first page (100 rows)`, Math.round(firstPageMs), 'ms');
  report.record(`${label}: spill complete`, Math.round(totalMs), 'ms');
  report.record(`${label}: rows/s through spill`, Math.round(ROWS / (totalMs / 1000)), 'rows/s');
  report.record(`${label}: page at offset ${ROWS - 100}`, Math.round(deepPageMs), 'ms');
  report.record(`${label}: first sorted page (sort all rows)`, Math.round(sortMs), 'ms');
  report.record(`${label}: host RSS with result open`, mb(mem.rss), 'MB');
  report.record(`${label}: JS heap growth with result open`, mb(mem.heapUsed - heapBefore), 'MB');
  report.target(`${label}: time to first page`, firstPageMs, 2000);
  report.target(`${label}: JS heap growth with result open (MB)`, mb(mem.heapUsed - heapBefore), 150, 'MB');
  report.log(`${label}: first page ${Math.round(firstPageMs)} ms, all ${ROWS} rows in ${Math.round(totalMs)} ms, heap +${mb(mem.heapUsed - heapBefore)} MB, rss ${mb(mem.rss)} MB`);
  await rs.dispose();
  return totalMs;
}

export async function run(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-query-bench-'));
  const store = await ResultStore.create({ dir: join(dir, 'store') });
  try {
    // ---- DuckDB: a real database file with ROWS rows.
    const file = join(dir, 'bench.duckdb');
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    {
      const inst = await DuckDBInstance.create(file);
      const c = await inst.connect();
      await c.run(`create table t as select range id, 'name ' || range as name, (range % 1000) * 1.5 amount, date '2020-01-01' + (range % 1000)::int d from range(${ROWS})`);
      c.closeSync();
      inst.closeSync();
    }
    const sql = 'select id, name, amount, d from t';
    // Baseline: the raw driver streaming the same rows column-wise (no conversion, no storage).
    const rawDuck = async () => {
      const inst = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
      const c = await inst.connect();
      const t0 = performance.now();
      const r = await c.stream(sql);
      let n = 0;
      let first = 0;
      for (;;) {
        const ch = await r.fetchChunk();
        if (!ch || ch.rowCount === 0) break;
        ch.getColumns();
        if (n === 0) first = performance.now() - t0;
        n += ch.rowCount;
      }
      const ms = performance.now() - t0;
      c.closeSync();
      inst.closeSync();
      if (n !== ROWS) throw new Error(`raw duckdb read ${n}`);
      return { ms, first };
    };
    const rawD = await rawDuck();
    report.record('duckdb raw driver: all rows', Math.round(rawD.ms), 'ms');
    report.record('duckdb raw driver: rows/s', Math.round(ROWS / (rawD.ms / 1000)), 'rows/s');
    const duck = new DuckDbConnection({ kind: 'duckdb', name: 'bench', path: file });
    const duckMs = await throughStore(report, 'duckdb', store, duck, sql);
    report.record('duckdb spill / raw time ratio', Math.round((duckMs / rawD.ms) * 10) / 10, 'x');
    await duck.close();

    // ---- PostgreSQL: a real server with the same ROWS rows.
    const pg = await startPostgres();
    try {
      pg.psql(`create table t as select g::bigint id, 'name ' || g as name, ((g % 1000) * 1.5)::double precision amount, date '2020-01-01' + (g % 1000) d from generate_series(0, ${ROWS - 1}) g; analyze t;`);
      const { Client } = require('pg') as typeof import('pg');
      const raw = new Client({ connectionString: pg.url });
      await raw.connect();
      // Baseline: the raw pg driver reading the same rows with a server-side cursor in 10,000-row batches.
      const t0 = performance.now();
      await raw.query('begin');
      await raw.query(`declare c no scroll cursor for ${sql}`);
      let n = 0;
      for (;;) {
        const r = await raw.query({ text: 'fetch forward 10000 from c', rowMode: 'array' });
        n += r.rows.length;
        if (r.rows.length < 10000) break;
      }
      await raw.query('commit');
      const rawPgMs = performance.now() - t0;
      await raw.end();
      if (n !== ROWS) throw new Error(`raw pg read ${n}`);
      report.record('postgres raw driver (cursor batches): all rows', Math.round(rawPgMs), 'ms');
      report.record('postgres raw driver: rows/s', Math.round(ROWS / (rawPgMs / 1000)), 'rows/s');
      const { config, secrets } = parseConnectionUrl(pg.url);
      const conn = new PostgresConnection(config as PostgresConfig, secrets);
      const pgMs = await throughStore(report, 'postgres', store, conn, sql);
      report.record('postgres spill / raw time ratio', Math.round((pgMs / rawPgMs) * 10) / 10, 'x');
      await conn.close();
    } finally {
      await pg.stop();
    }
  } finally {
    await store.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void import('./report').then(async ({ createReport }) => {
    const result = { bench: 'query', file: __filename, ok: true, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
    await run(createReport(result as any, (l) => console.error(l)));
    console.log(JSON.stringify(result, null, 2));
  });
}
