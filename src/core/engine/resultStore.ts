/**
 * The result store: query results are spilled batch by batch into a session-local DuckDB database (in memory up to a
 * small memory limit, then in its temp directory), so a 1,000,000-row result never sits in the JS heap. The grid reads pages (optionally
 * sorted/filtered — DuckDB does the work), exports go straight from the store with DuckDB COPY (no row cap).
 *
 * DuckDB sources take a direct path: their native data chunks are appended to a table with the source's own column
 * types (no JS values in between), and pages are converted like the DuckDB adapter converts rows.
 * Other sources (PostgreSQL, Snowflake) store JS values, per column (chosen from the source type name, values are
 * the JSON-safe values of connections/values.ts):
 *   integers → BIGINT (HUGEINT for hugeint/ubigint/NUMBER(p>18,0)); float/double → DOUBLE; boolean → BOOLEAN;
 *   decimals → VARCHAR holding the exact text (sorted numerically); everything else → VARCHAR (objects/arrays as JSON
 *   text, parsed back on read). Pages therefore return exactly what Connection.query would have returned.
 * Rows are kept in arrival order and addressed by DuckDB's rowid (dense for an append-only table; range filters on it
 * are pushed into the scan).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBAppender, DuckDBConnection, DuckDBDataChunk, DuckDBInstance } from '@duckdb/node-api';
import type { ColumnInfo, Connection, RowStream } from '../connections/types';
import { decimalJson, jsonValue } from '../connections/values';
import { CancelledError, UserError } from '../errors';
import type { PageOptions } from '../run/pagedResult';

export type StoreKind = 'int' | 'hugeint' | 'float' | 'bool' | 'decimal' | 'date' | 'timestamp' | 'timestamptz' | 'blob' | 'text';

export interface ResultView {
  sort?: { column: number; direction: 'asc' | 'desc' };
  /** Case-insensitive substring over all columns as text. */
  filter?: string;
}

export type ExportFormat = 'csv' | 'json' | 'parquet';

/** A spilled result (same surface as the run feature's PagedResult). */
export interface ResultSet {
  readonly columns: ColumnInfo[];
  /** Rows stored so far; final once `complete`. */
  readonly rowCount: number;
  readonly complete: boolean;
  readonly statementType?: string;
  readonly affectedRows?: number;
  /** True when reading stopped before the end (cancelled). */
  readonly truncated?: boolean;
  /** Resolves when every row is stored (rejects with the error that stopped the spill). */
  readonly done: Promise<void>;
  page(offset: number, limit: number, view?: ResultView, signal?: AbortSignal, options?: PageOptions): Promise<{ rows: unknown[][]; total: number }>;
  exportTo(path: string, format: ExportFormat, view?: ResultView, signal?: AbortSignal): Promise<{ rows: number }>;
  dispose(): Promise<void>;
}

export function storeKindOf(type: string): StoreKind {
  const t = type.toLowerCase().trim();
  if (/^(hugeint|uhugeint|ubigint|int128|uint128)$/.test(t)) return 'hugeint';
  const num = /^number\((\d+),\s*(\d+)\)$/.exec(t);
  if (num) return Number(num[2]) > 0 ? 'decimal' : Number(num[1]) > 18 ? 'hugeint' : 'int';
  if (/^(tinyint|smallint|integer|int|int1|int2|int4|int8|bigint|utinyint|usmallint|uinteger|oid|serial|bigserial|smallserial|long|short|byte)$/.test(t)) return 'int';
  if (/^(decimal|numeric|number|fixed)\b/.test(t)) return 'decimal';
  if (/^(real|float|float4|float8|double|double precision)\b/.test(t)) return 'float';
  if (/^bool/.test(t)) return 'bool';
  if (t === 'date') return 'date';
  if (/^(timestamp with time zone|timestamptz|timestamp_tz|timestamp_ltz|timestamp with local time zone)/.test(t)) return 'timestamptz';
  if (/^(timestamp|datetime|timestamp_ntz)/.test(t)) return 'timestamp';
  if (/^(blob|bytea|binary|varbinary)/.test(t)) return 'blob';
  return 'text';
}

const STORAGE: Record<StoreKind, string> = {
  int: 'BIGINT',
  hugeint: 'HUGEINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  decimal: 'VARCHAR',
  date: 'VARCHAR',
  timestamp: 'VARCHAR',
  timestamptz: 'VARCHAR',
  blob: 'VARCHAR',
  text: 'VARCHAR',
};

function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export interface ResultStoreOptions {
  /** Directory for the store's database and temp files (default: a fresh dir under the OS temp dir). */
  dir?: string;
  /** DuckDB memory_limit for the store, e.g. '256MB' (beyond it DuckDB pages to disk). */
  memoryLimit?: string;
}

export interface SpillOptions {
  signal?: AbortSignal;
  /** Called after each stored batch. */
  onProgress?: (rowCount: number) => void;
}

/** One per session (extension host or CLI run): holds every open result set as a table. */
export class ResultStore {
  private seq = 0;
  private readonly results = new Set<SpilledResult>();
  private disposed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly reader: DuckDBConnection,
    private readonly dir: string,
    private readonly ownsDir: boolean,
  ) {}

  static async create(options: ResultStoreOptions = {}): Promise<ResultStore> {
    const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const ownsDir = !options.dir;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'iopsdata-results-'));
    mkdirSync(dir, { recursive: true });
    // An in-memory database whose blocks DuckDB moves to temp_directory beyond memory_limit: results stay out of
    // the JS heap and bounded in RAM, without the write-ahead log and checkpoints of a database file (a file store
    // spilled a 1M-row DuckDB result at ~1.5x the raw driver's time, this one at ~1x; results die with the session).
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: options.memoryLimit ?? '256MB',
      temp_directory: join(dir, 'tmp'),
      threads: '2',
      autoinstall_known_extensions: 'false',
    });
    const reader = await instance.connect();
    return new ResultStore(instance, reader, dir, ownsDir);
  }

  /** Runs one statement on `conn` and spills its rows; resolves once the first batch is stored. */
  async open(conn: Connection, sql: string, options: SpillOptions & { timeoutMs?: number; batchSize?: number } = {}): Promise<ResultSet> {
    const stream = await conn.stream(sql, { signal: options.signal, timeoutMs: options.timeoutMs, batchSize: options.batchSize ?? 10_000 });
    return this.spill(stream, options);
  }

  /** Stores a stream's rows; resolves after the first batch, the rest keeps flowing in the background. */
  async spill(stream: RowStream, options: SpillOptions = {}): Promise<ResultSet> {
    if (this.disposed) throw new UserError('The result store is closed.');
    const table = `r${++this.seq}`;
    const kinds = stream.columns.map((c) => storeKindOf(c.type));
    const writer = await this.instance.connect();
    const native = stream.columns.length > 0 && (await this.createNativeTable(writer, table, stream));
    if (!native) {
      // A statement without columns still gets a table (one placeholder column) so paging/export code stays uniform.
      const defs = stream.columns.length ? stream.columns.map((_, k) => `c${k} ${STORAGE[kinds[k]]}`) : ['c_ BOOLEAN'];
      await writer.run(`CREATE TABLE ${table} (${defs.join(', ')})`);
    }
    const appender = await writer.createAppender(table);
    const result = new SpilledResult(this, table, stream, kinds, native, writer, appender, options);
    this.results.add(result);
    await result.started;
    return result;
  }

  /**
   * For a DuckDB source: a table with the source's own column types, so its data chunks can be appended as they
   * come. False (and nothing created) when a type cannot be re-created here exactly (then JS values are stored).
   */
  private async createNativeTable(writer: DuckDBConnection, table: string, stream: RowStream): Promise<boolean> {
    const types = stream.nativeColumnTypes;
    if (!stream.nextNativeChunk || !types || types.length !== stream.columns.length) return false;
    const names = types.map((t) => t.toString());
    try {
      await writer.run(`CREATE TABLE ${table} (${names.map((t, k) => `c${k} ${t}`).join(', ')})`);
    } catch {
      return false;
    }
    const made = (await writer.runAndReadAll(`SELECT * FROM ${table} LIMIT 0`)).columnTypes().map((t) => t.toString());
    if (made.every((t, k) => t === names[k])) return true;
    await writer.run(`DROP TABLE ${table}`);
    return false;
  }

  private lock: Promise<unknown> = Promise.resolve();

  /** Reads run one at a time on the reader connection (temp view tables live there). */
  withReader<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = this.lock.then(() => fn(this.reader));
    this.lock = next.catch(() => {});
    return next;
  }

  forget(r: SpilledResult) {
    this.results.delete(r);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const r of [...this.results]) await r.dispose();
    try {
      this.reader.closeSync();
      this.instance.closeSync();
    } catch {}
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

let shared: Promise<ResultStore> | undefined;

/** The process-wide store (created on first use; the extension disposes it on deactivate). */
export function sharedResultStore(): Promise<ResultStore> {
  shared ??= ResultStore.create().catch((err) => {
    shared = undefined;
    throw err;
  });
  return shared;
}

export async function disposeSharedResultStore(): Promise<void> {
  const s = shared;
  shared = undefined;
  await (await s?.catch(() => undefined))?.dispose();
}

/** Runs one statement and spills its result into the shared store. */
export async function openResultSet(conn: Connection, sql: string, options: SpillOptions & { timeoutMs?: number; batchSize?: number } = {}): Promise<ResultSet> {
  return (await sharedResultStore()).open(conn, sql, options);
}

class SpilledResult implements ResultSet {
  rowCount = 0;
  complete = false;
  truncated?: boolean;
  readonly done: Promise<void>;
  readonly started: Promise<void>;
  private error: unknown;
  private waiters: (() => void)[] = [];
  /** Page reads in flight; the spill waits for them (see spillPause). */
  private reading = 0;
  private spillWaiter: (() => void) | undefined;
  private views = new Map<string, { table: string; total: number }>();
  private viewSeq = 0;
  private disposed = false;

  constructor(
    private readonly store: ResultStore,
    private readonly table: string,
    private readonly stream: RowStream,
    private readonly kinds: StoreKind[],
    /** Columns hold the DuckDB source's own types (chunks appended as they came). */
    private readonly native: boolean,
    private readonly writer: DuckDBConnection,
    private readonly appender: DuckDBAppender,
    private readonly options: SpillOptions,
  ) {
    let markStarted!: () => void;
    let failStart!: (e: unknown) => void;
    this.started = new Promise<void>((res, rej) => ((markStarted = res), (failStart = rej)));
    this.done = this.run(() => markStarted()).then(
      () => undefined,
      (err) => {
        failStart(err);
        throw err;
      },
    );
    this.done.catch(() => {});
  }

  get columns(): ColumnInfo[] {
    return this.stream.columns;
  }
  get statementType(): string | undefined {
    return this.stream.statementType;
  }
  get affectedRows(): number | undefined {
    return this.stream.affectedRows;
  }

  private async run(onFirst: () => void): Promise<void> {
    let first = true;
    /** Rows appended but not flushed yet (not visible to pages). */
    let pending = 0;
    const flush = () => {
      this.appender.flushSync();
      this.rowCount += pending;
      pending = 0;
      this.options.onProgress?.(this.rowCount);
      this.wake();
      if (first) {
        first = false;
        onFirst();
      }
    };
    // The next batch is already being read (by the driver's thread or the network) while this one is stored.
    type Batch = { chunk?: DuckDBDataChunk; rows?: unknown[][] } | undefined;
    const read = (): Promise<Batch> => {
      const p: Promise<Batch> = this.native
        ? this.stream.nextNativeChunk!().then((chunk) => (chunk ? { chunk } : undefined))
        : this.stream.next().then((rows) => (rows ? { rows } : undefined));
      p.catch(() => {}); // awaited below; a read left behind by a stop must not become an unhandled rejection
      return p;
    };
    let ahead: Promise<Batch> | undefined;
    try {
      for (;;) {
        if (this.disposed) break;
        if (this.options.signal?.aborted) {
          this.truncated = true;
          break;
        }
        let rows: number;
        try {
          const batch = await (ahead ?? read());
          ahead = undefined;
          if (!batch || this.disposed) break;
          ahead = read();
          if (this.reading > 0) await this.spillPause();
          if (this.disposed) break;
          if (batch.chunk) {
            this.appender.appendDataChunk(batch.chunk);
            rows = batch.chunk.rowCount;
          } else {
            this.append(batch.rows!);
            rows = batch.rows!.length;
          }
        } catch (err) {
          // A cancelled spill keeps what it stored so far; the first batch's error fails open().
          if (!first && err instanceof CancelledError) {
            this.truncated = true;
            break;
          }
          throw err;
        }
        pending += rows;
        // Native chunks are 2,048 rows: the first one is shown at once, later ones are committed in larger steps.
        if (first || pending >= this.flushRows) flush();
      }
      if (pending > 0 && !this.disposed) flush();
    } catch (err) {
      this.error = err;
      // Rows appended before the failure stay readable: the grid keeps showing what was read (nothing is lost).
      if (pending > 0 && !this.disposed) {
        try {
          flush();
        } catch {}
      }
      throw err;
    } finally {
      await this.stream.close().catch(() => {});
      try {
        if (!this.disposed) this.appender.closeSync();
      } catch {}
      this.complete = true;
      this.wake();
      if (first) onFirst();
    }
  }

  /** Rows per commit of the native path (the JS path commits each batch it is given). */
  private get flushRows(): number {
    return this.native ? 16_384 : 1;
  }

  /**
   * Appends a batch column-wise in DuckDB data chunks (2,048 rows each): much faster than cell-by-cell appends.
   * Values are converted to what each storage type takes (bigint for BIGINT/HUGEINT, text for VARCHAR).
   */
  private append(batch: unknown[][]) {
    const api = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
    const storageType = { int: api.BIGINT, hugeint: api.HUGEINT, float: api.DOUBLE, bool: api.BOOLEAN } as Record<string, any>;
    const kinds = this.kinds;
    if (kinds.length === 0) {
      // No columns (DDL/DML): nothing to keep but the count.
      return;
    }
    const types = kinds.map((k) => storageType[k] ?? api.VARCHAR);
    for (let from = 0; from < batch.length; from += 2048) {
      const rows = batch.slice(from, from + 2048);
      const n = rows.length;
      const cols: unknown[][] = [];
      for (let k = 0; k < kinds.length; k++) {
        const out = new Array(n);
        const kind = kinds[k];
        for (let r = 0; r < n; r++) {
          const v = rows[r][k];
          if (v === null || v === undefined) out[r] = null;
          else if (kind === 'int' || kind === 'hugeint') out[r] = typeof v === 'number' ? BigInt(Math.trunc(v)) : BigInt(String(v));
          else if (kind === 'float') out[r] = typeof v === 'number' ? v : Number(v);
          else if (kind === 'bool') out[r] = Boolean(v);
          else out[r] = typeof v === 'object' ? JSON.stringify(v) : String(v);
        }
        cols.push(out);
      }
      const chunk = api.DuckDBDataChunk.create(types, n);
      chunk.setColumns(cols as any);
      this.appender.appendDataChunk(chunk);
    }
  }

  private wakeSpill() {
    const w = this.spillWaiter;
    this.spillWaiter = undefined;
    w?.();
  }

  /** Resolves once no page read is in flight (a stop or dispose also ends the wait). */
  private async spillPause(): Promise<void> {
    while (this.reading > 0 && !this.disposed && !this.options.signal?.aborted) {
      await new Promise<void>((r) => {
        this.spillWaiter = r;
        // Never wait long: a slow read must not stall the spill (and its cancel check) for good.
        setTimeout(r, 250);
      });
    }
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async waitFor(predicate: () => boolean, signal?: AbortSignal) {
    while (!predicate() && !this.complete) {
      if (signal?.aborted) throw new CancelledError();
      await new Promise<void>((r) => {
        this.waiters.push(r);
        signal?.addEventListener('abort', () => r(), { once: true });
      });
    }
    if (this.error && !this.truncated && this.rowCount === 0) throw this.error;
  }

  private get colList(): string {
    return this.kinds.map((_, k) => `c${k}`).join(', ');
  }

  /** Text of every column for the filter: NULLs are skipped, objects are their JSON text. */
  private filterSql(filter: string): string {
    const hay = `lower(concat_ws(chr(31), ${this.kinds.map((_, k) => `CAST(c${k} AS VARCHAR)`).join(', ')}))`;
    return `contains(${hay}, ${lit(filter.toLowerCase())})`;
  }

  private sortSql(view: ResultView): string {
    const s = view.sort;
    if (!s || s.column < 0 || s.column >= this.kinds.length) return 'rowid';
    const expr = !this.native && this.kinds[s.column] === 'decimal' ? `TRY_CAST(c${s.column} AS DOUBLE)` : `c${s.column}`;
    return `${expr} ${s.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, rowid`;
  }

  /** A sorted/filtered view is materialized once (row positions), then paged by range like the base table. */
  private async viewTable(view: ResultView): Promise<{ table: string; total: number }> {
    const key = JSON.stringify([view.sort ?? null, view.filter?.trim() ?? '']);
    const hit = this.views.get(key);
    if (hit) return hit;
    const name = `${this.table}_v${++this.viewSeq}`;
    const where = view.filter?.trim() ? `WHERE ${this.filterSql(view.filter.trim())}` : '';
    const conn = this.store.reader;
    // Row positions in view order: the view table's own rowid is the position (an ordered CREATE TABLE AS keeps its
    // order), cheaper than numbering with row_number() OVER (ORDER BY …).
    await conn.run(`CREATE TEMP TABLE ${name} AS SELECT rowid AS __i FROM ${this.table} ${where} ORDER BY ${this.sortSql(view)}`);
    const total = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${name}`)).getRows()[0][0]);
    // Keep a couple of views (sort toggles back and forth); drop older ones.
    if (this.views.size >= 2) {
      const [oldKey, old] = this.views.entries().next().value as [string, { table: string }];
      this.views.delete(oldKey);
      await conn.run(`DROP TABLE IF EXISTS ${old.table}`).catch(() => {});
    }
    const v = { table: name, total };
    this.views.set(key, v);
    return v;
  }

  private isPlain(view?: ResultView): boolean {
    return !view || (!view.sort && !view.filter?.trim());
  }

  async page(offset: number, limit: number, view?: ResultView, signal?: AbortSignal, options: PageOptions = {}): Promise<{ rows: unknown[][]; total: number }> {
    if (this.disposed) throw new UserError('This result was closed.');
    const off = Math.max(0, Math.floor(offset));
    const lim = Math.max(0, Math.min(Math.floor(limit), 100_000));
    let sql: string;
    let total: number;
    if (this.isPlain(view)) {
      // Plain pages are served as soon as their rows are stored (partial: with the rows stored so far).
      if (!options.partial) await this.waitFor(() => this.rowCount >= off + lim, signal);
      else if (this.error && this.rowCount === 0) throw this.error;
      total = this.rowCount;
      sql = `SELECT ${this.colList} FROM ${this.table} WHERE rowid >= ${off} AND rowid < ${off + lim} ORDER BY rowid`;
    } else {
      // Sorting/filtering needs every row.
      await this.waitFor(() => false, signal);
      const v = await this.store.withReader(() => this.viewTable(view!));
      total = v.total;
      sql = `SELECT ${this.kinds.map((_, k) => `r.c${k}`).join(', ')} FROM ${v.table} v JOIN ${this.table} r ON r.rowid = v.__i WHERE v.rowid >= ${off} AND v.rowid < ${off + lim} ORDER BY v.rowid`;
    }
    if (this.kinds.length === 0) return { rows: [], total };
    // The spill pauses while this page is read (not while waiting for the reader): the page comes first.
    const reader = await this.store.withReader(async (c) => {
      this.reading++;
      try {
        return await c.runAndReadAll(sql);
      } finally {
        if (--this.reading === 0) this.wakeSpill();
      }
    });
    const rows = reader.getRows().map((r) => r.map((v, k) => this.decode(v, k)));
    return { rows, total };
  }

  private decode(v: unknown, k: number): unknown {
    if (v === null) return null;
    // Native columns hold what the DuckDB adapter read: convert them the way it does.
    if (this.native) return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : jsonValue(v);
    switch (this.kinds[k]) {
      case 'decimal':
        return decimalJson(String(v));
      case 'text': {
        const s = String(v);
        // Objects/arrays were stored as JSON text; give them back as values.
        if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('[') && s.endsWith(']'))) {
          const t = this.stream.columns[k].type.toLowerCase();
          if (/json|variant|object|array|struct|map|\[\]|list/.test(t)) {
            try {
              return JSON.parse(s);
            } catch {}
          }
        }
        return s;
      }
      default:
        return jsonValue(v);
    }
  }

  /** Column expressions for an export: real types again where the format has them. */
  private async exportColumns(format: ExportFormat): Promise<string> {
    const names = this.stream.columns.map((c) => c.name);
    const seen = new Map<string, number>();
    const unique = names.map((n) => {
      const c = seen.get(n) ?? 0;
      seen.set(n, c + 1);
      return c ? `${n}_${c}` : n;
    });
    const exprs: string[] = [];
    for (let k = 0; k < this.kinds.length; k++) {
      const col = `r.c${k}`;
      let e = col;
      const kind = this.kinds[k];
      // Native columns already have their real types.
      if (format !== 'csv' && !this.native) {
        if (kind === 'decimal') {
          // Exact decimals: DECIMAL(38, s) when the digits fit, else the text.
          const row = (await this.store.reader.runAndReadAll(
            `SELECT max(length(split_part(ltrim(c${k}, '-'), '.', 2))), max(length(split_part(ltrim(c${k}, '-'), '.', 1))) FROM ${this.table}`,
          )).getRows()[0];
          const scale = Number(row[0] ?? 0);
          const ints = Number(row[1] ?? 1);
          if (scale + ints <= 38) e = `CAST(${col} AS DECIMAL(38, ${scale}))`;
        } else if (format === 'parquet') {
          if (kind === 'date') e = `TRY_CAST(${col} AS DATE)`;
          else if (kind === 'timestamp') e = `TRY_CAST(${col} AS TIMESTAMP)`;
          else if (kind === 'timestamptz') e = `TRY_CAST(${col} AS TIMESTAMPTZ)`;
          else if (kind === 'blob') e = `from_base64(${col})`;
        }
      }
      exprs.push(`${e} AS ${q(unique[k])}`);
    }
    return exprs.join(', ');
  }

  async exportTo(path: string, format: ExportFormat, view?: ResultView, signal?: AbortSignal): Promise<{ rows: number }> {
    if (this.disposed) throw new UserError('This result was closed.');
    await this.waitFor(() => false, signal);
    if (this.kinds.length === 0) throw new UserError('This statement returned no columns to export.');
    const cols = await this.store.withReader(() => this.exportColumns(format));
    let from = `${this.table} r`;
    let order = 'r.rowid';
    if (!this.isPlain(view)) {
      const v = await this.store.withReader(() => this.viewTable(view!));
      from = `${v.table} v JOIN ${this.table} r ON r.rowid = v.__i`;
      order = 'v.rowid';
    }
    const opts = format === 'csv' ? 'FORMAT csv, HEADER true' : format === 'json' ? 'FORMAT json, ARRAY true' : 'FORMAT parquet';
    const conn = this.store.reader;
    const run = this.store.withReader((c) => c.runAndReadAll(`COPY (SELECT ${cols} FROM ${from} ORDER BY ${order}) TO ${lit(path)} (${opts})`));
    const onAbort = () => conn.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await run;
      return { rows: Number(r.getRows()[0]?.[0] ?? 0) };
    } catch (err) {
      if (signal?.aborted) throw new CancelledError();
      throw new UserError(`Export to ${path} failed: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.wake();
    await this.stream.close().catch(() => {});
    await this.done.catch(() => {});
    try {
      this.appender.closeSync();
    } catch {}
    await this.store
      .withReader(async (conn) => {
        for (const v of this.views.values()) await conn.run(`DROP TABLE IF EXISTS ${v.table}`).catch(() => {});
        await conn.run(`DROP TABLE IF EXISTS ${this.table}`);
      })
      .catch(() => {});
    try {
      this.writer.closeSync();
    } catch {}
    this.store.forget(this);
  }
}
