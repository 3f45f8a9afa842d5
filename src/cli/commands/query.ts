/**
 * `iopsdata query --url <connection-url> [--allow-writes] [--json] "<sql>"`
 * Runs the statements in order and prints the LAST statement's result (earlier statements' rows are discarded).
 * --json prints {"columns":[{"name","type"}],"rows":[[…]],"rowCount","elapsedMs"} (+ statementType/affectedRows
 * when known); values follow src/core/connections/values.ts (bigint → number when safe else string, decimals →
 * number when exact else string, dates/timestamps ISO strings, blobs base64, NULL → null).
 * Read-only unless --allow-writes: a refused write exits 1 with one line on stderr naming the read-only connection.
 */
import { UserError } from '../../core/errors';
import type { QueryResult } from '../../core/connections/types';
import type { CliCommand } from '../types';
import { openUrlConnection, queryResultJson } from '../urlConnection';

export const queryCommand: CliCommand = {
  name: 'query',
  summary: 'Run SQL on DuckDB, PostgreSQL or Snowflake (read-only unless --allow-writes).',
  usage: 'iopsdata query --url <connection-url> [--allow-writes] [--timeout <ms>] [--json] "<sql>" | -',
  options: {
    url: {
      type: 'string',
      description: 'duckdb:<file> | duckdb::memory: | postgres://user:pass@host:port/db[?sslmode=require] | snowflake://user:pass@account/db/schema?warehouse=W&role=R (password may instead come from PGPASSWORD / SNOWFLAKE_PASSWORD)',
    },
    'allow-writes': { type: 'boolean', description: 'Allow statements that change data, files or settings.' },
    timeout: { type: 'string', description: 'Statement timeout in milliseconds.' },
  },
  async run(ctx) {
    const url = ctx.options.url;
    if (typeof url !== 'string' || !url.trim()) throw new UserError('Missing --url <connection-url> (see iopsdata query --help).');
    let sql = ctx.positionals.join(' ');
    if (sql.trim() === '-') sql = await ctx.readStdin();
    if (!sql.trim()) throw new UserError('Missing SQL: iopsdata query --url <url> "select …" (or - to read stdin).');
    const timeoutMs = ctx.options.timeout === undefined ? undefined : Number(ctx.options.timeout);
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs >= 0)) throw new UserError('--timeout must be a number of milliseconds.');

    const conn = await openUrlConnection(url, { allowWrites: Boolean(ctx.options['allow-writes']), log: ctx.log });
    try {
      const result = await conn.query(sql, { signal: ctx.signal, timeoutMs });
      if (ctx.json) {
        ctx.stdout(JSON.stringify(queryResultJson(result)));
      } else {
        ctx.stdout(formatTable(result));
      }
      return 0;
    } finally {
      await conn.close();
    }
  },
};

function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
}

/** An aligned text table (numbers right-aligned) with a one-line footer. */
export function formatTable(result: QueryResult): string {
  const footer = `(${result.rowCount} row${result.rowCount === 1 ? '' : 's'}${result.affectedRows !== undefined ? `, ${result.affectedRows} affected` : ''}, ${Math.round(result.elapsedMs)} ms)`;
  if (result.columns.length === 0) return footer;
  const header = result.columns.map((c) => c.name);
  const body = result.rows.map((r) => r.map(cellText));
  const numeric = result.columns.map((_, k) => result.rows.length > 0 && result.rows.every((r) => r[k] === null || typeof r[k] === 'number'));
  const widths = header.map((h, k) => Math.max(h.length, ...body.map((r) => r[k].length)));
  const line = (cells: string[], alignNumbers: boolean) =>
    cells.map((c, k) => (alignNumbers && numeric[k] ? c.padStart(widths[k]) : c.padEnd(widths[k]))).join(' | ').replace(/\s+$/, '');
  return [line(header, false), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map((r) => line(r, true)), footer].join('\n');
}
