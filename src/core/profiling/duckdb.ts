/**
 * A private in-memory DuckDB for one profile run: nothing is loaded (the file is read in one grouping pass, see
 * scan.ts) and what outgrows the memory limit spills to a temp directory, so peak RSS stays near the limit. An
 * AbortSignal is wired to `interrupt()`. DuckDB is loaded lazily so
 * requiring this module costs nothing until a profile starts.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError, UserError } from '../errors';
import type { SqlRunner } from './engine';
import { defaultQuoteIdent, type SqlDialect } from './sql';

type DuckDBApi = typeof import('@duckdb/node-api');

let api: Promise<DuckDBApi> | undefined;
export function loadDuckDB(): Promise<DuckDBApi> {
  api ??= import('@duckdb/node-api');
  return api;
}

export const duckdbDialect: SqlDialect = { name: 'duckdb', quoteIdent: defaultQuoteIdent };

/** DuckDB values to JSON-safe values: bigints to numbers when safe, decimals to numbers, dates/times to strings. */
export function jsonSafe(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown> & { toDouble?: () => number };
    if (typeof o.toDouble === 'function' && 'scale' in o) return o.toDouble();
    if (Array.isArray(o.items)) return (o.items as unknown[]).map(jsonSafe);
    if (o.entries && typeof o.entries === 'object' && !Array.isArray(o.entries) && o.constructor?.name === 'DuckDBStructValue') {
      return Object.fromEntries(Object.entries(o.entries as Record<string, unknown>).map(([k, x]) => [k, jsonSafe(x)]));
    }
    if (o.constructor?.name === 'DuckDBMapValue' && Array.isArray(o.entries)) {
      return (o.entries as { key: unknown; value: unknown }[]).map((e) => [jsonSafe(e.key), jsonSafe(e.value)]);
    }
    if (o.constructor?.name === 'DuckDBBlobValue' && o.bytes instanceof Uint8Array) return Buffer.from(o.bytes).toString('base64');
    return String(v);
  }
  return String(v);
}

export interface ProfileDb extends SqlRunner {
  /** Runs and returns rows as arrays with column names (for the sample table). */
  queryRows(sql: string, signal?: AbortSignal): Promise<{ columns: string[]; rows: unknown[][] }>;
  close(): Promise<void>;
}

export interface ProfileDbOptions {
  memoryLimit?: string;
  threads?: number;
  tempDir?: string;
}

function interruptedMessage(err: unknown): boolean {
  return err instanceof Error && /interrupt/i.test(err.message);
}

/** Opens a private DuckDB for one profile; close() deletes its files. */
export async function openProfileDb(o: ProfileDbOptions = {}): Promise<ProfileDb> {
  const { DuckDBInstance } = await loadDuckDB();
  const dir = o.tempDir ?? tmpdir();
  const base = join(dir, `iopsdata-profile-${process.pid}-${randomBytes(6).toString('hex')}`);
  const threads = String(o.threads ?? Math.max(1, Math.min(4, availableParallelism())));
  const instance = await DuckDBInstance.create(':memory:', {
    threads,
    memory_limit: o.memoryLimit ?? '320MB',
    temp_directory: `${base}.tmp`,
    // Grouped rows need no order: lets the parallel CSV scan stream without buffering.
    preserve_insertion_order: 'false',
    enable_external_access: 'true',
  });
  const conn = await instance.connect();
  let closed = false;

  async function run(sql: string, signal?: AbortSignal) {
    if (signal?.aborted) throw new CancelledError();
    const onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await conn.runAndReadAll(sql);
    } catch (err) {
      if (signal?.aborted || interruptedMessage(err)) throw new CancelledError();
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    dialect: duckdbDialect,
    async query(sql, signal) {
      const reader = await run(sql, signal);
      const names = reader.columnNames();
      return reader.getRows().map((r) => Object.fromEntries(names.map((n, i) => [n, jsonSafe(r[i])])));
    },
    async queryRows(sql, signal) {
      const reader = await run(sql, signal);
      return { columns: reader.columnNames(), rows: reader.getRows().map((r) => r.map(jsonSafe)) };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        conn.closeSync();
        instance.closeSync();
      } catch {}
      try {
        rmSync(`${base}.tmp`, { recursive: true, force: true });
      } catch {}
    },
  };
}

/** A DuckDB error as a one-line user message, the engine's text kept as detail. */
export function duckdbUserError(prefix: string, err: unknown): UserError {
  if (err instanceof UserError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const first = text.split('\n').find((l) => l.trim()) ?? text;
  return new UserError(`${prefix}: ${first.replace(/^[A-Za-z ]+Error: /, '').trim()}`, { detail: text, cause: err });
}
