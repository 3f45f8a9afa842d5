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
const ITERATIONS = Number(process.env.QUERY_BENCH_ITERATIONS ?? 3);

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

interface SpillRun {
  firstPageMs: number;
  totalMs: number;
  deepPageMs: number;
  sortMs: number;
  rssMb: number;
  heapGrowthMb: number;
}

/** One spill of the whole result through our adapter into the store, with the result kept open while measuring memory. */
async function throughStore(label: string, store: ResultStore, conn: Connection, sql: string): Promise<SpillRun> {
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
  if (deep.rows.length !== 100 || deep.rows[0][0] !== ROWS - 100) throw new Error(`${label}: deep page starts at id ${deep.rows[0]?.[0]}`);
  const t2 = performance.now();
  const sorted = await rs.page(0, 100, { sort: { column: 2, direction: 'desc' } });
  const sortMs = performance.now() - t2;
  if (sorted.rows.length !== 100) throw new Error(`${label}: sorted paging failed`);
  const mem = process.memoryUsage();
  await rs.dispose();
  return { firstPageMs, totalMs, deepPageMs, sortMs, rssMb: mb(mem.rss), heapGrowthMb: mb(mem.heapUsed - heapBefore) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * Alternates the raw driver and the spill ITERATIONS times (so both see the same machine load) and records medians
 * and their ratios.
 */
async function compare(report: BenchReport, label: string, raw: () => Promise<{ ms: number; first: number }>, spill: () => Promise<SpillRun>): Promise<void> {
  const raws: { ms: number; first: number }[] = [];
  const spills: SpillRun[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    raws.push(await raw());
    spills.push(await spill());
    report.log(`${label} #${i + 1}: raw ${Math.round(raws[i].ms)} ms, spill ${Math.round(spills[i].totalMs)} ms, first page ${Math.round(spills[i].firstPageMs)} ms`);
  }
  const rawMs = median(raws.map((r) => r.ms));
  const rawFirst = median(raws.map((r) => r.first));
  const totalMs = median(spills.map((r) => r.totalMs));
  const firstPageMs = median(spills.map((r) => r.firstPageMs));
  const last = spills[spills.length - 1];
  report.record(`${label} raw driver: all rows (median of ${ITERATIONS})`, Math.round(rawMs), 'ms');
  report.record(`${label} raw driver: first batch`, Math.round(rawFirst), 'ms');
  report.record(`${label} raw driver: rows/s`, Math.round(ROWS / (rawMs / 1000)), 'rows/s');
  report.record(`${label}: time to first page (100 rows, median)`, Math.round(firstPageMs), 'ms');
  report.record(`${label}: spill complete (median)`, Math.round(totalMs), 'ms');
  report.record(`${label}: rows/s through spill`, Math.round(ROWS / (totalMs / 1000)), 'rows/s');
  report.record(`${label}: spill / raw driver time`, Math.round((totalMs / rawMs) * 100) / 100, 'x');
  report.record(`${label}: page at offset ${ROWS - 100}`, Math.round(median(spills.map((r) => r.deepPageMs))), 'ms');
  report.record(`${label}: first sorted page (sort all rows)`, Math.round(median(spills.map((r) => r.sortMs))), 'ms');
  report.record(`${label}: host RSS with result open`, last.rssMb, 'MB');
  report.record(`${label}: JS heap growth with result open`, last.heapGrowthMb, 'MB');
  report.target(`${label}: time to first page`, firstPageMs, 2000);
  report.target(`${label}: spill / raw driver time`, totalMs / rawMs, 1.5, 'x');
  report.target(`${label}: JS heap growth with result open (MB)`, last.heapGrowthMb, 150, 'MB');
  report.log(`${label}: first page ${Math.round(firstPageMs)} ms, all ${ROWS} rows in ${Math.round(totalMs)} ms vs raw ${Math.round(rawMs)} ms, heap +${last.heapGrowthMb} MB, rss ${last.rssMb} MB`);
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
    report.record('host RSS before any result', mb(process.memoryUsage().rss), 'MB');
    const duck = new DuckDbConnection({ kind: 'duckdb', name: 'bench', path: file });
    await compare(report, 'duckdb', rawDuck, () => throughStore('duckdb', store, duck, sql));
    await duck.close();

    // ---- PostgreSQL: a real server with the same ROWS rows.
    const pg = await startPostgres();
    try {
      pg.psql(`create table t as select g::bigint id, 'name ' || g as name, ((g % 1000) * 1.5)::double precision amount, date '2020-01-01' + (g % 1000) d from generate_series(0, ${ROWS - 1}) g; analyze t;`);
      const { Client } = require('pg') as typeof import('pg');
      // Baseline: the raw pg driver reading the same rows with a server-side cursor in 10,000-row batches.
      const rawPg = async () => {
        const raw = new Client({ connectionString: pg.url });
        await raw.connect();
        const t0 = performance.now();
        await raw.query('begin');
        await raw.query(`declare c no scroll cursor for ${sql}`);
        let n = 0;
        let first = 0;
        for (;;) {
          const r = await raw.query({ text: 'fetch forward 10000 from c', rowMode: 'array' });
          if (n === 0) first = performance.now() - t0;
          n += r.rows.length;
          if (r.rows.length < 10000) break;
        }
        await raw.query('commit');
        const ms = performance.now() - t0;
        await raw.end();
        if (n !== ROWS) throw new Error(`raw pg read ${n}`);
        return { ms, first };
      };
      const { config, secrets } = parseConnectionUrl(pg.url);
      const conn = new PostgresConnection(config as PostgresConfig, secrets);
      await compare(report, 'postgres', rawPg, () => throughStore('postgres', store, conn, sql));
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
