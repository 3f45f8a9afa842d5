/**
 * The one Connection contract every adapter (DuckDB, PostgreSQL, Snowflake) implements. Core code, the CLI, the
 * VS Code features and the AI pipeline all speak to databases only through this.
 */
import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';

export type ConnectionKind = 'duckdb' | 'postgres' | 'snowflake';

export interface ColumnInfo {
  name: string;
  /** The database's own type name, e.g. INTEGER, VARCHAR, timestamp with time zone. */
  type: string;
}

/** The CLI `query --json` contract: columns, rows, rowCount, elapsedMs (extra fields are fine). */
export interface QueryResult {
  columns: ColumnInfo[];
  /** JSON-safe values: bigints become numbers when safe else strings, dates ISO strings, blobs base64. */
  rows: unknown[][];
  rowCount: number;
  elapsedMs: number;
  /** Rows affected for DML, when the driver says. */
  affectedRows?: number;
  /** The statement kind as classified before running (select, insert, create, …). */
  statementType?: string;
  /** True when `rows` holds fewer rows than the result had (maxRows). */
  truncated?: boolean;
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Stop reading after this many rows (the rest is not fetched). */
  maxRows?: number;
  /** Milliseconds; 0 = none. */
  timeoutMs?: number;
}

/** Options for streaming a result in batches (the result store spills them outside the JS heap). */
export interface StreamOptions {
  signal?: AbortSignal;
  /** Rows per batch; adapters may return fewer. Default 10,000. */
  batchSize?: number;
  /** Milliseconds; 0 = none. */
  timeoutMs?: number;
}

/** A result read batch by batch; values are JSON-safe like QueryResult.rows. Always close() it. */
export interface RowStream {
  readonly columns: ColumnInfo[];
  /** The statement kind as classified before running. */
  readonly statementType?: string;
  /** Rows affected for DML, known once the stream ended. */
  readonly affectedRows?: number;
  /** The next batch (never empty), or undefined at the end. Rejects with CancelledError when the signal aborts. */
  next(): Promise<unknown[][] | undefined>;
  /** Stops reading and releases the server-side cursor/result. Safe to call twice. */
  close(): Promise<void>;
  /**
   * DuckDB sources only: the next native data chunk (never empty), or undefined at the end, for a consumer that
   * keeps the rows in DuckDB without turning them into JS values (the result store appends it as is). Use either
   * this or next() on one stream, not both.
   */
  nextNativeChunk?(): Promise<DuckDBDataChunk | undefined>;
  /** DuckDB sources only: the result's column types, matching nextNativeChunk's vectors. */
  readonly nativeColumnTypes?: readonly DuckDBType[];
}

export interface CatalogColumn {
  name: string;
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  comment?: string;
}

export interface CatalogTable {
  database?: string;
  schema: string;
  name: string;
  kind: 'table' | 'view';
  rowEstimate?: number;
  comment?: string;
  columns?: CatalogColumn[];
}

export interface CatalogSchema {
  database?: string;
  name: string;
}

export interface Connection {
  readonly kind: ConnectionKind;
  /** A display name that never contains a secret. */
  readonly displayName: string;
  readonly allowWrites: boolean;
  /**
   * Runs one statement or a script (statements run in order, the last result is returned). Refuses writes with a
   * UserError (code 'read-only') unless allowWrites; the read-only guard is also enforced by the database session.
   */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /** Runs one statement and reads its rows in batches (same read-only policy as query). */
  stream(sql: string, options?: StreamOptions): Promise<RowStream>;
  listSchemas(signal?: AbortSignal): Promise<CatalogSchema[]>;
  listTables(schema: CatalogSchema, signal?: AbortSignal): Promise<CatalogTable[]>;
  listColumns(table: CatalogTable, signal?: AbortSignal): Promise<CatalogColumn[]>;
  /** Quote an identifier for this dialect. */
  quoteIdent(name: string): string;
  /** The lineage/SQL dialect name (duckdb, postgres, snowflake). */
  readonly dialect: string;
  close(): Promise<void>;
}
