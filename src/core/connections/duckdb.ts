/**
 * DuckDB adapter (@duckdb/node-api): a database file, an in-memory database, or the built-in "Workspace files"
 * connection that queries CSV/Parquet/JSON by path.
 *
 * Read-only enforcement by the engine (what we found DuckDB 1.5 actually does, see test/unit/connections/duckdb.test.ts):
 * - the database is opened with access_mode=READ_ONLY; an in-memory read-only session opens an empty database file
 *   read-only instead of :memory:, so CREATE/INSERT are refused and ATTACH can only attach read-only;
 * - `SET allowed_directories=[…]` + `SET enable_external_access=false` + `SET lock_configuration=true`: files can be
 *   read only under the allowed directories (the workspace), COPY … TO / EXPORT anywhere else and INSTALL/LOAD of
 *   extensions are refused, and the SQL cannot undo these settings;
 * - allowed_directories grants writes as well as reads, so COPY … TO / EXPORT DATABASE *inside* the workspace is
 *   refused by the statement classifier (second layer), before anything runs.
 * Cancellation and timeouts use connection.interrupt().
 */
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBResult } from '@duckdb/node-api';
import { CancelledError, UserError } from '../errors';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { DuckDbConfig } from './config';
import { abortable, collect, planScript, runScript, type PlannedStatement } from './script';
import { jsonValue } from './values';
import type { CatalogColumn, CatalogSchema, CatalogTable, ColumnInfo, Connection, QueryOptions, QueryResult, RowStream, StreamOptions } from './types';
import { catalogColumns, quoteIdent } from './catalog';

type DuckApi = typeof import('@duckdb/node-api');
const duck = (): DuckApi => require('@duckdb/node-api');

let emptyDbPath: Promise<string> | undefined;

/** An empty DuckDB database file, created once per machine/version, that read-only sessions open instead of :memory:. */
function emptyDatabaseFile(): Promise<string> {
  emptyDbPath ??= (async () => {
    const { DuckDBInstance } = duck();
    const version = (require('@duckdb/node-api/package.json') as { version: string }).version.replace(/[^0-9A-Za-z.-]/g, '');
    const target = join(tmpdir(), `iopsdata-empty-${version}.duckdb`);
    if (existsSync(target)) return target;
    const dir = mkdtempSync(join(tmpdir(), 'iopsdata-empty-'));
    const tmp = join(dir, 'empty.duckdb');
    const inst = await DuckDBInstance.create(tmp);
    const c = await inst.connect();
    await c.run('CHECKPOINT');
    c.closeSync();
    inst.closeSync();
    renameSync(tmp, target);
    rmSync(dir, { recursive: true, force: true });
    return target;
  })();
  return emptyDbPath;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export class DuckDbConnection implements Connection {
  readonly kind = 'duckdb' as const;
  readonly dialect = 'duckdb';
  readonly displayName: string;
  readonly allowWrites: boolean;
  private opening: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | undefined;
  private closed = false;

  constructor(
    private readonly config: DuckDbConfig,
    private readonly log: Logger = nullLogger,
  ) {
    this.displayName = config.name;
    this.allowWrites = Boolean(config.allowWrites);
  }

  private open() {
    if (this.closed) return Promise.reject(new UserError(`Connection '${this.displayName}' is closed.`));
    this.opening ??= this.doOpen().catch((err) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  private async doOpen() {
    const { DuckDBInstance } = duck();
    const memory = this.config.path === ':memory:' || this.config.path === '';
    const cwd = this.config.cwd ?? process.cwd();
    const file = memory ? ':memory:' : resolve(cwd, this.config.path);
    if (!memory && !this.allowWrites && !existsSync(file)) {
      throw new UserError(`DuckDB database file not found: ${file} (a read-only connection cannot create it).`);
    }
    const path = memory && !this.allowWrites ? await emptyDatabaseFile() : file;
    const options: Record<string, string> = { autoinstall_known_extensions: 'false' };
    if (!this.allowWrites) options.access_mode = 'READ_ONLY';
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, options);
    } catch (err) {
      throw new UserError(`Could not open DuckDB database ${memory ? '(in-memory)' : file}: ${firstLine(err)}`, { cause: err });
    }
    const conn = await instance.connect();
    // Relative paths in SQL ('data/orders.csv') resolve against the workspace, not the process directory.
    await conn.run(`SET file_search_path = ${sqlString(cwd)}`);
    if (!this.allowWrites) {
      const dirs = (this.config.allowedDirectories ?? []).map((d) => resolve(cwd, d).replace(/\/?$/, '/'));
      if (dirs.length) await conn.run(`SET allowed_directories = [${dirs.map(sqlString).join(', ')}]`);
      await conn.run('SET enable_external_access = false');
      await conn.run('SET lock_configuration = true');
    }
    this.log.info(`duckdb: opened ${memory ? 'in-memory' : file}${this.allowWrites ? '' : ' (read-only)'}`);
    return { instance, conn };
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return runScript(sql, this.dialect, this.allowWrites, this.displayName, options, (st, o, isLast) => this.runOne(st, o, isLast));
  }

  private async runOne(st: PlannedStatement, options: QueryOptions, isLast: boolean): Promise<QueryResult> {
    const started = performance.now();
    const stream = await this.openStream(st, { signal: options.signal, timeoutMs: options.timeoutMs, batchSize: 2048 });
    // Only the last statement's rows are returned; earlier ones are drained by closing their result.
    return collect(stream, isLast ? options.maxRows : 0, started);
  }

  async stream(sql: string, options: StreamOptions = {}): Promise<RowStream> {
    const plan = planScript(sql, this.dialect, this.allowWrites, this.displayName);
    if (plan.length !== 1) throw new UserError('Run one statement at a time here (the SQL holds several).');
    return this.openStream(plan[0], options);
  }

  private async openStream(st: PlannedStatement, options: StreamOptions): Promise<RowStream> {
    const { conn } = await this.open();
    const timeoutMs = options.timeoutMs ?? this.config.statementTimeoutMs ?? 0;
    let timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), conn.interrupt()), timeoutMs) : undefined;
    const wrap = async <T>(p: Promise<T>): Promise<T> => {
      try {
        return await abortable(p, options.signal, () => conn.interrupt());
      } catch (err) {
        if (timedOut) throw new UserError(`The query on ${this.displayName} took longer than the ${timeoutMs} ms statement timeout and was stopped.`, { code: 'timeout' });
        if (err instanceof CancelledError) throw err;
        throw new UserError(firstLine(err), { cause: err });
      }
    };
    let result: DuckDBResult;
    try {
      result = await wrap(conn.stream(this.config.cwd ? absolutizeFilePaths(st.text, this.config.cwd) : st.text));
    } catch (err) {
      clearTimeout(timer);
      throw err;
    }
    const columns: ColumnInfo[] = result.columnNames().map((name, k) => ({ name, type: result.columnTypes()[k].toString() }));
    const batchSize = Math.max(1, options.batchSize ?? 10_000);
    let done = false;
    const finish = () => {
      done = true;
      clearTimeout(timer);
    };
    // DML without RETURNING yields one "Count" row: report it as affectedRows like the other adapters.
    const changes = result.returnType === duck().ResultReturnType.CHANGED_ROWS;
    const stream: RowStream & { affectedRows?: number } = {
      columns: changes ? [] : columns,
      statementType: st.kind,
      next: async () => {
        if (done) return undefined;
        const rows: unknown[][] = [];
        try {
          while (rows.length < batchSize) {
            const chunk = await wrap(result.fetchChunk());
            if (!chunk || chunk.rowCount === 0) {
              finish();
              break;
            }
            // Column-wise reads are several times faster than getRows(); primitives skip the converter.
            const cols = chunk.getColumns();
            const n = chunk.rowCount;
            const width = cols.length;
            for (let r = 0; r < n; r++) {
              const row = new Array(width);
              for (let k = 0; k < width; k++) {
                const v = cols[k][r];
                row[k] = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) ? v : jsonValue(v);
              }
              rows.push(row);
            }
          }
        } catch (err) {
          finish();
          throw err;
        }
        if (changes) {
          stream.affectedRows = rows.length === 1 ? Number(rows[0][0]) : undefined;
          return undefined;
        }
        return rows.length ? rows : undefined;
      },
      // Native chunks for the result store (no JS values): same cancellation and timeout as next().
      nativeColumnTypes: changes ? undefined : result.columnTypes(),
      nextNativeChunk: changes
        ? undefined
        : async () => {
            if (done) return undefined;
            try {
              const chunk = await wrap(result.fetchChunk());
              if (chunk && chunk.rowCount > 0) return chunk;
              finish();
              return undefined;
            } catch (err) {
              finish();
              throw err;
            }
          },
      close: async () => {
        if (!done) {
          finish();
          // Stop a still-running producer (e.g. an unread big result) before the next statement.
          try {
            conn.interrupt();
          } catch {}
        }
      },
    };
    return stream;
  }

  async listSchemas(signal?: AbortSignal): Promise<CatalogSchema[]> {
    const r = await this.query(
      `select database_name, schema_name from duckdb_schemas() where schema_name not in ('information_schema','pg_catalog') and database_name not in ('system','temp') order by 1, 2`,
      { signal },
    );
    return r.rows.map(([database, name]) => ({ database: String(database), name: String(name) }));
  }

  async listTables(schema: CatalogSchema, signal?: AbortSignal): Promise<CatalogTable[]> {
    const db = schema.database ? ` and database_name = ${sqlString(schema.database)}` : '';
    const r = await this.query(
      `select table_name, 'table', estimated_size, comment from duckdb_tables() where schema_name = ${sqlString(schema.name)}${db}
       union all
       select view_name, 'view', null, comment from duckdb_views() where not internal and schema_name = ${sqlString(schema.name)}${db}
       order by 1`,
      { signal },
    );
    return r.rows.map(([name, kind, est, comment]) => ({
      database: schema.database,
      schema: schema.name,
      name: String(name),
      kind: kind === 'view' ? ('view' as const) : ('table' as const),
      ...(est === null ? {} : { rowEstimate: Number(est) }),
      ...(comment ? { comment: String(comment) } : {}),
    }));
  }

  async listColumns(table: CatalogTable, signal?: AbortSignal): Promise<CatalogColumn[]> {
    const db = table.database ? ` and c.database_name = ${sqlString(table.database)}` : '';
    const r = await this.query(
      `select c.column_name, c.data_type, c.is_nullable,
              exists (select 1 from duckdb_constraints() k where k.constraint_type = 'PRIMARY KEY' and k.database_name = c.database_name
                      and k.schema_name = c.schema_name and k.table_name = c.table_name and list_contains(k.constraint_column_names, c.column_name)),
              c.comment
         from duckdb_columns() c
        where c.schema_name = ${sqlString(table.schema)} and c.table_name = ${sqlString(table.name)}${db}
        order by c.column_index`,
      { signal },
    );
    return catalogColumns(r.rows);
  }

  quoteIdent(name: string): string {
    return quoteIdent(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    const opened = await this.opening?.catch(() => undefined);
    this.opening = undefined;
    if (opened) {
      try {
        opened.conn.closeSync();
        opened.instance.closeSync();
      } catch {}
    }
  }
}

/** The built-in "Workspace files" connection: in-memory DuckDB that reads CSV/Parquet/JSON under the workspace folders. */
export function workspaceFilesConnection(folders: string[], log?: Logger): DuckDbConnection {
  return new DuckDbConnection({ kind: 'duckdb', name: 'Workspace files', path: ':memory:', allowedDirectories: folders, cwd: folders[0] }, log);
}

const READERS = /^(read_csv|read_csv_auto|read_parquet|parquet_scan|read_json|read_json_auto|read_ndjson|read_ndjson_auto|read_json_objects|read_text|read_blob|read_xlsx|glob|sniff_csv|parquet_metadata|parquet_schema)$/i;

/**
 * Relative file paths in FROM 'x.csv' / read_csv('x.csv') become absolute under the workspace. DuckDB checks
 * allowed_directories against the path as written, and allowing './' would open the host process's own directory
 * (often / or the home directory), so the path is made absolute here instead.
 */
export function absolutizeFilePaths(sql: string, cwd: string): string {
  return sql.replace(/(\b(?:from|join)\s+|\b([A-Za-z_]+)\s*\(\s*)'((?:[^']|'')*)'/gi, (whole, prefix: string, fn: string | undefined, path: string) => {
    if (fn !== undefined && !READERS.test(fn)) return whole;
    const p = path.replace(/''/g, "'");
    if (p === '' || p.startsWith('/') || p.startsWith('~') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(p)) return whole;
    return `${prefix}${sqlString(resolve(cwd, p))}`;
  });
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
}
