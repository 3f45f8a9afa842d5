/**
 * Snowflake adapter (snowflake-sdk). Snowflake has no session-level read-only switch we can rely on, so read-only is
 * enforced by classification: every statement of a script is classified before anything is sent, and any write is
 * refused unless the connection allows writes (a read-only role in Snowflake is the recommended extra layer).
 * Results stream row by row (streamResult), so big results arrive in chunks without being held whole.
 * Cancellation calls statement.cancel() (the SDK's abort-request); a lost session is reported and re-opened on next use.
 */
import { CancelledError, UserError } from '../errors';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { ConnectionSecrets, SnowflakeConfig } from './config';
import { collect, planScript, runScript, type PlannedStatement } from './script';
import { bigintJson, decimalJson, jsonValue } from './values';
import type { CatalogColumn, CatalogSchema, CatalogTable, ColumnInfo, Connection, QueryOptions, QueryResult, RowStream, StreamOptions } from './types';
import { quoteIdent } from './catalog';

let configured = false;

/** Quiet the SDK (no console logging, no log files) once per process. */
function sdk(): any {
  // The SDK's bundled AWS client warns about Node 20 on stderr; it is noise for our users (we never use S3 stages).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const snowflake = require('snowflake-sdk');
  if (!configured) {
    configured = true;
    process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';
    try {
      snowflake.configure({ logLevel: 'OFF', additionalLogToConsole: false });
    } catch {}
  }
  return snowflake;
}

function columnTypeName(col: any): string {
  const t = String(col.getType()).toUpperCase();
  if (t === 'FIXED') return `NUMBER(${col.getPrecision() ?? 38},${col.getScale() ?? 0})`;
  return t;
}

/** Snowflake values → the JSON-safe values of values.ts (numbers arrive as their exact text: fetchAsString Number). */
function converter(col: any): (v: unknown) => unknown {
  const t = String(col.getType()).toLowerCase();
  if (t === 'fixed') {
    return col.getScale() > 0 ? (v) => (v === null ? null : decimalJson(String(v))) : (v) => (v === null ? null : bigintJson(BigInt(String(v))));
  }
  if (t === 'real') return (v) => (v === null ? null : Number.isFinite(Number(v)) ? Number(v) : String(v));
  if (t === 'date') return (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : jsonValue(v));
  if (t === 'timestamp_ntz') return (v) => (v instanceof Date ? v.toISOString().replace(/Z$/, '') : jsonValue(v));
  if (t === 'time') return (v) => (v === null ? null : typeof (v as any)?.toJSON === 'function' ? String((v as any).toJSON()) : String(v));
  return jsonValue;
}

export class SnowflakeConnection implements Connection {
  readonly kind = 'snowflake' as const;
  readonly dialect = 'snowflake';
  readonly displayName: string;
  readonly allowWrites: boolean;
  private conn: any;
  private connecting: Promise<any> | undefined;
  private closed = false;

  constructor(
    private readonly config: SnowflakeConfig,
    private readonly secrets: ConnectionSecrets = {},
    private readonly log: Logger = nullLogger,
  ) {
    this.displayName = config.name;
    this.allowWrites = Boolean(config.allowWrites);
  }

  private async getConn(): Promise<any> {
    if (this.closed) throw new UserError(`Connection '${this.displayName}' is closed.`);
    if (this.conn && (typeof this.conn.isUp !== 'function' || this.conn.isUp())) return this.conn;
    this.conn = undefined;
    this.connecting ??= (async () => {
      const c = this.config;
      const keypair = c.auth === 'keypair';
      if (keypair && !this.secrets.privateKey) throw new UserError(`Snowflake key-pair auth needs a private key for ${this.displayName}.`);
      if (!keypair && !this.secrets.password) throw new UserError(`No password for ${this.displayName}: set it in the connection (stored in SecretStorage).`);
      const options: Record<string, unknown> = {
        account: c.account,
        username: c.user,
        warehouse: c.warehouse,
        role: c.role,
        database: c.database,
        schema: c.schema,
        application: 'iOpsData',
        streamResult: true,
        rowMode: 'array',
        fetchAsString: ['Number'],
        // Without this the SDK hands a NULL of a fetch-as-string column over as the text 'NULL'.
        representNullAsStringNull: false,
        clientSessionKeepAlive: false,
        ...(c.accessUrl ? { accessUrl: c.accessUrl } : {}),
        ...(keypair
          ? { authenticator: 'SNOWFLAKE_JWT', privateKey: this.secrets.privateKey, ...(this.secrets.privateKeyPassphrase ? { privateKeyPass: this.secrets.privateKeyPassphrase } : {}) }
          : { password: this.secrets.password }),
      };
      for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
      let conn: any;
      try {
        conn = sdk().createConnection(options);
        await new Promise<void>((resolve, reject) => conn.connect((err: Error | undefined) => (err ? reject(err) : resolve())));
      } catch (err) {
        throw new UserError(`Could not connect to ${this.displayName}: ${firstLine(err)}`, { cause: err });
      }
      this.log.info(`snowflake: connected to ${this.displayName}${this.allowWrites ? '' : ' (read-only by classification)'}`);
      return conn;
    })();
    try {
      this.conn = await this.connecting;
      return this.conn;
    } finally {
      this.connecting = undefined;
    }
  }

  private translate(err: unknown, signal?: AbortSignal): Error {
    if (signal?.aborted) return new CancelledError();
    const e = err as { code?: string | number; message?: string };
    const msg = firstLine(err);
    // 390111/390112/390114: session gone/expired; network errors: the session may be dead, reconnect next time.
    if (['390111', '390112', '390114', '401001', '401002'].includes(String(e.code)) || /network|ECONNRESET|ECONNREFUSED|socket hang up|Connection.*(terminated|closed)|terminated connection|not connected/i.test(msg)) {
      this.conn = undefined;
      return new UserError(`The connection to ${this.displayName} was lost (${msg}); it will reconnect on the next query.`, { code: 'connection-lost', cause: err });
    }
    if (String(e.code) === '604' || /cancel/i.test(msg)) return new UserError(`The query on ${this.displayName} was cancelled on the server.`, { code: 'cancelled', cause: err });
    return new UserError(msg, { code: e.code === undefined ? undefined : String(e.code), cause: err });
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return runScript(sql, this.dialect, this.allowWrites, this.displayName, options, async (st, o, isLast) =>
      collect(await this.openStream(st, { signal: o.signal, timeoutMs: o.timeoutMs ?? this.config.statementTimeoutMs }), isLast ? o.maxRows : 0, performance.now()),
    );
  }

  async stream(sql: string, options: StreamOptions = {}): Promise<RowStream> {
    const plan = planScript(sql, this.dialect, this.allowWrites, this.displayName);
    if (plan.length !== 1) throw new UserError('Run one statement at a time here (the SQL holds several).');
    return this.openStream(plan[0], options);
  }

  private async openStream(st: PlannedStatement, options: StreamOptions): Promise<RowStream> {
    const conn = await this.getConn();
    const signal = options.signal;
    if (signal?.aborted) throw new CancelledError();
    const batchSize = Math.max(1, options.batchSize ?? 10_000);
    let timedOut = false;
    let statement: any;
    const cancel = () => {
      try {
        statement?.cancel(() => {});
      } catch {}
    };
    const timer = options.timeoutMs ? setTimeout(() => ((timedOut = true), cancel()), options.timeoutMs) : undefined;
    const onAbort = () => cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: unknown) => {
      cleanup();
      if (timedOut) return new UserError(`The query on ${this.displayName} took longer than the ${options.timeoutMs} ms statement timeout and was cancelled.`, { code: 'timeout' });
      return this.translate(err, signal);
    };

    // Execute; the callback fires once the first result (and its metadata) is available.
    try {
      await new Promise<void>((resolve, reject) => {
        statement = conn.execute({ sqlText: st.text, streamResult: true, rowMode: 'array', complete: (err: Error | undefined) => (err ? reject(err) : resolve()) });
        if (signal?.aborted) cancel();
      });
    } catch (err) {
      throw fail(err);
    }
    const cols: any[] = statement.getColumns() ?? [];
    const columns: ColumnInfo[] = cols.map((c) => ({ name: c.getName(), type: columnTypeName(c) }));
    const convert = cols.map(converter);
    const affected = typeof statement.getNumUpdatedRows === 'function' ? statement.getNumUpdatedRows() : undefined;

    // Rows flow from the SDK stream into a small queue; the stream is paused while a batch waits to be taken.
    const rowStream = statement.streamRows();
    const queue: unknown[][] = [];
    let ended = false;
    let error: unknown;
    let wake: (() => void) | undefined;
    const notify = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    rowStream.on('data', (row: unknown[]) => {
      const values = Array.isArray(row) ? row : Object.values(row as object);
      queue.push(values.map((v, k) => convert[k](v)));
      if (queue.length >= batchSize) rowStream.pause();
      notify();
    });
    rowStream.on('end', () => ((ended = true), notify()));
    rowStream.on('error', (err: unknown) => ((error = err), (ended = true), notify()));
    signal?.addEventListener('abort', () => ((ended = true), notify()), { once: true });

    let closed = false;
    return {
      columns,
      statementType: st.kind,
      affectedRows: typeof affected === 'number' && affected >= 0 ? affected : undefined,
      next: async () => {
        while (!closed) {
          if (signal?.aborted) throw new CancelledError();
          if (error) throw fail(error);
          if (queue.length >= batchSize || (ended && queue.length > 0)) {
            const batch = queue.splice(0, batchSize);
            rowStream.resume();
            return batch;
          }
          if (ended) {
            cleanup();
            return undefined;
          }
          rowStream.resume();
          await new Promise<void>((r) => (wake = r));
        }
        return undefined;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        cleanup();
        if (!ended) {
          try {
            rowStream.destroy?.();
          } catch {}
        }
      },
    };
  }

  async listSchemas(signal?: AbortSignal): Promise<CatalogSchema[]> {
    const db = this.config.database ? `${this.quoteIdent(this.config.database)}.` : '';
    const r = await this.query(`select catalog_name, schema_name from ${db}information_schema.schemata where schema_name <> 'INFORMATION_SCHEMA' order by 2`, { signal });
    return r.rows.map(([database, name]) => ({ database: String(database), name: String(name) }));
  }

  async listTables(schema: CatalogSchema, signal?: AbortSignal): Promise<CatalogTable[]> {
    const db = schema.database ? `${this.quoteIdent(schema.database)}.` : '';
    const r = await this.query(
      `select table_name, table_type, row_count, comment from ${db}information_schema.tables where table_schema = ${literal(schema.name)} order by table_name`,
      { signal },
    );
    return r.rows.map(([name, type, rows, comment]) => ({
      database: schema.database,
      schema: schema.name,
      name: String(name),
      kind: String(type).toUpperCase().includes('VIEW') ? ('view' as const) : ('table' as const),
      ...(rows === null || rows === undefined ? {} : { rowEstimate: Number(rows) }),
      ...(comment ? { comment: String(comment) } : {}),
    }));
  }

  async listColumns(table: CatalogTable, signal?: AbortSignal): Promise<CatalogColumn[]> {
    const db = table.database ? `${this.quoteIdent(table.database)}.` : '';
    const r = await this.query(
      `select column_name, data_type, is_nullable, comment from ${db}information_schema.columns where table_schema = ${literal(table.schema)} and table_name = ${literal(table.name)} order by ordinal_position`,
      { signal },
    );
    // information_schema has no primary keys in Snowflake; SHOW PRIMARY KEYS is a separate (optional) call.
    let pks = new Set<string>();
    try {
      const k = await this.query(`show primary keys in table ${db}${this.quoteIdent(table.schema)}.${this.quoteIdent(table.name)}`, { signal });
      const at = k.columns.findIndex((c) => c.name === 'column_name');
      if (at >= 0) pks = new Set(k.rows.map((row) => String(row[at])));
    } catch {}
    return r.rows.map(([name, type, nullable, comment]) => ({
      name: String(name),
      type: String(type),
      nullable: String(nullable).toUpperCase() === 'YES',
      primaryKey: pks.has(String(name)),
      ...(comment ? { comment: String(comment) } : {}),
    }));
  }

  quoteIdent(name: string): string {
    return quoteIdent(name);
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.conn;
    this.conn = undefined;
    if (c) await new Promise<void>((resolve) => c.destroy(() => resolve()));
  }
}

function literal(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
}
