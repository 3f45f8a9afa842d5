/**
 * PostgreSQL adapter (`pg`). Read-only is enforced by the server: the session starts with
 * default_transaction_read_only=on, and every statement of a read-only connection runs alone (extended protocol:
 * one statement per message) inside `BEGIN READ ONLY … ROLLBACK`, so even a function that writes, or a set_config
 * that lifts the default, is refused or undone. Classification refuses what a read-only transaction still allows
 * (COPY … TO files/programs, lo_export, dblink, DO blocks, guard-lifting SETs) before anything runs.
 * Cancellation sends a PostgreSQL cancel request; a dropped connection is reported once and re-opened on next use.
 */
import type { Client as PgClient, ClientConfig, FieldDef } from 'pg';
import { CancelledError, UserError } from '../errors';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import type { ConnectionSecrets, PostgresConfig } from './config';
import { abortable, collect, planScript, runScript, type PlannedStatement } from './script';
import type { SshTunnel } from './sshTunnel';
import { decimalJson, isoTimestamp, jsonValue } from './values';
import type { CatalogColumn, CatalogSchema, CatalogTable, ColumnInfo, Connection, QueryOptions, QueryResult, RowStream, StreamOptions } from './types';
import { catalogColumns, quoteIdent } from './catalog';

/** Names for the common type OIDs; others are looked up in pg_type once per connection. */
const TYPE_NAMES: Record<number, string> = {
  16: 'boolean', 17: 'bytea', 18: 'char', 19: 'name', 20: 'bigint', 21: 'smallint', 23: 'integer', 25: 'text', 26: 'oid',
  114: 'json', 142: 'xml', 700: 'real', 701: 'double precision', 790: 'money', 1042: 'character', 1043: 'character varying',
  1082: 'date', 1083: 'time without time zone', 1114: 'timestamp without time zone', 1184: 'timestamp with time zone',
  1186: 'interval', 1266: 'time with time zone', 1700: 'numeric', 2950: 'uuid', 3802: 'jsonb', 869: 'inet', 650: 'cidr',
  1000: 'boolean[]', 1005: 'smallint[]', 1007: 'integer[]', 1016: 'bigint[]', 1009: 'text[]', 1015: 'character varying[]',
  1021: 'real[]', 1022: 'double precision[]', 1231: 'numeric[]', 2278: 'void', 2249: 'record', 705: 'unknown',
};

/** Text parsers that keep exactness and produce the JSON-safe values of values.ts. */
function typeParser(oid: number, format: string | undefined, fallback: (oid: number, format?: any) => any): (text: string) => unknown {
  if (format === 'binary') return fallback(oid, format);
  switch (oid) {
    case 20:
      return (t) => jsonValue(BigInt(t));
    case 1700:
      return (t) => decimalJson(t);
    case 1082:
    case 1083:
    case 1266:
    case 1186:
      return (t) => t;
    case 1114:
    case 1184:
      return (t) => isoTimestamp(t);
    case 700:
    case 701:
      return (t) => {
        const n = Number(t);
        return Number.isFinite(n) ? n : t;
      };
    case 17: {
      const parse = fallback(oid);
      return (t) => (parse(t) as Buffer).toString('base64');
    }
    case 1016:
    case 1231:
    case 1182:
    case 1115:
    case 1185: {
      const parse = fallback(oid);
      return (t) => jsonValue(parse(t));
    }
    default:
      return fallback(oid, format);
  }
}

const CURSOR_KINDS = new Set(['select', 'values', 'table']);

export class PostgresConnection implements Connection {
  readonly kind = 'postgres' as const;
  readonly dialect = 'postgres';
  readonly displayName: string;
  readonly allowWrites: boolean;
  private client: PgClient | undefined;
  private connecting: Promise<PgClient> | undefined;
  private lostReason: string | undefined;
  private lostReported = false;
  private readonly typeNames = new Map<number, string>(Object.entries(TYPE_NAMES).map(([k, v]) => [Number(k), v]));
  private cursorSeq = 0;
  /** The SSH tunnel when the config asks for one; reopened when ssh exited. */
  private tunnel: SshTunnel | undefined;
  /** Where the live client connected (the tunnel's local end, or the server): cancel requests go there too. */
  private endpoint: { host: string; port: number } | undefined;
  /** The statement timeout of the statement being run, for the error message. */
  private timeoutInEffect: number | undefined;
  private closed = false;

  constructor(
    private readonly config: PostgresConfig,
    private readonly secrets: ConnectionSecrets = {},
    private readonly log: Logger = nullLogger,
  ) {
    this.displayName = config.name;
    this.allowWrites = Boolean(config.allowWrites);
  }

  /** The server's address, or the local end of a (re)opened SSH tunnel to it. */
  private async resolveEndpoint(): Promise<{ host: string; port: number }> {
    const c = this.config;
    const target = { host: c.host, port: c.port ?? 5432 };
    if (!c.ssh) return target;
    if (!this.tunnel?.alive) {
      await this.tunnel?.close();
      this.tunnel = undefined;
      const { openSshTunnel } = require('./sshTunnel') as typeof import('./sshTunnel');
      this.tunnel = await openSshTunnel(c.ssh, target, { privateKey: this.secrets.sshPrivateKey, passphrase: this.secrets.sshPassphrase }, { log: this.log, timeoutMs: c.connectTimeoutMs ?? 20_000 });
    }
    return { host: this.tunnel.localHost, port: this.tunnel.localPort };
  }

  private clientConfig(endpoint: { host: string; port: number }): ClientConfig {
    const c = this.config;
    const options: string[] = [];
    if (!this.allowWrites) options.push('-c default_transaction_read_only=on');
    if (c.statementTimeoutMs) options.push(`-c statement_timeout=${Math.floor(c.statementTimeoutMs)}`);
    const ssl =
      !c.sslMode || c.sslMode === 'disable' || c.sslMode === 'prefer'
        ? false
        : {
            rejectUnauthorized: c.sslMode === 'verify-ca' || c.sslMode === 'verify-full',
            ...(c.sslCa ? { ca: c.sslCa } : {}),
            ...(c.sslMode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
            // Through a tunnel the socket goes to 127.0.0.1; the certificate still names the real host.
            ...(c.ssh ? { servername: c.host } : {}),
          };
    return {
      host: endpoint.host,
      port: endpoint.port,
      database: c.database,
      user: c.user,
      password: this.secrets.password,
      ssl,
      options: options.join(' ') || undefined,
      connectionTimeoutMillis: c.connectTimeoutMs ?? 15_000,
      application_name: 'iOpsData',
      keepAlive: true,
      types: { getTypeParser: ((oid: number, format?: any) => typeParser(oid, format, require('pg').types.getTypeParser)) as any },
    };
  }

  /** The live client, (re)connecting when there is none or the previous one was lost. */
  private async getClient(): Promise<PgClient> {
    if (this.closed) throw new UserError(`Connection '${this.displayName}' is closed.`);
    if (this.client) return this.client;
    if (this.lostReason !== undefined && !this.lostReported) {
      // The server closed the session while idle (restart, admin, network): say so once, reconnect on the next use.
      this.lostReported = true;
      throw new UserError(`The connection to ${this.displayName} was lost (${this.lostReason}); it will reconnect on the next query.`, { code: 'connection-lost' });
    }
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      const { Client } = require('pg') as typeof import('pg');
      let endpoint: { host: string; port: number };
      try {
        endpoint = await this.resolveEndpoint();
      } catch (err) {
        throw new UserError(`Could not connect to ${this.displayName}: ${firstLine(err)}`, { cause: err, detail: firstLine(err) });
      }
      const client = new Client(this.clientConfig(endpoint));
      // A backend that dies between queries emits 'error' on the client: remember it, never crash the host.
      client.on('error', (err) => this.markLost(client, err));
      client.on('end', () => this.markLost(client, new Error('connection ended')));
      try {
        await client.connect();
      } catch (err) {
        client.end().catch(() => {});
        throw new UserError(`Could not connect to ${this.displayName}: ${firstLine(err)}`, { cause: err, detail: firstLine(err) });
      }
      this.log.info(`postgres: connected to ${this.displayName}${this.allowWrites ? '' : ' (read-only)'}`);
      this.client = client;
      this.endpoint = endpoint;
      this.lostReason = undefined;
      this.lostReported = false;
      return client;
    })();
    try {
      return await this.connecting;
    } finally {
      this.connecting = undefined;
    }
  }

  private markLost(client: PgClient, err: Error) {
    if (this.client !== client) return;
    this.client = undefined;
    this.lostReason = firstLine(err);
    this.lostReported = false;
    this.log.warn(`postgres: connection to ${this.displayName} lost: ${this.lostReason}`);
    client.end().catch(() => {});
  }

  /** Translates driver errors: a lost connection gets one clear message and the next use reconnects. */
  private translate(client: PgClient, err: unknown, signal?: AbortSignal): Error {
    if (signal?.aborted) return new CancelledError();
    const e = err as { code?: string; message?: string; position?: string };
    const msg = firstLine(err);
    const lost = e.code === '57P01' || e.code === '57P02' || e.code === '57P03' || /Connection terminated|ECONNRESET|EPIPE|connection ended|not queryable/i.test(msg);
    if (lost) {
      if (this.client === client) this.markLost(client, err as Error);
      this.lostReported = true;
      return new UserError(`The connection to ${this.displayName} was lost (${msg}); it will reconnect on the next query.`, { code: 'connection-lost', cause: err });
    }
    if (e.code === '57014') {
      if (/statement timeout/i.test(msg)) {
        const ms = this.timeoutInEffect ?? this.config.statementTimeoutMs;
        return new UserError(`The query on ${this.displayName} took longer than the ${ms ? `${ms} ms ` : ''}statement timeout and was stopped.`, { code: 'timeout', cause: err });
      }
      // Cancelled on the server by someone else (pg_cancel_backend, an admin): not our own cancel, which is handled above.
      return new UserError(`The query on ${this.displayName} was cancelled on the server (${msg}).`, { code: 'server-cancelled', cause: err });
    }
    if (e.code === '25006') return new UserError(`Connection '${this.displayName}' is read-only: the server refused the write (${msg}). Enable "Allow writes" for this connection to run it.`, { code: 'read-only', cause: err });
    return new UserError(msg, { code: e.code, cause: err });
  }

  /**
   * Sends a PostgreSQL CancelRequest (protocol message 80877102 with the backend's pid and secret key) on a separate,
   * short-lived socket: the server interrupts whatever that backend is running.
   */
  private cancel(client: PgClient) {
    const pid = (client as any).processID as number | null;
    const key = (client as any).secretKey as number | null;
    if (!pid || key === null || key === undefined) return;
    const { createConnection } = require('node:net') as typeof import('node:net');
    const packet = Buffer.alloc(16);
    packet.writeInt32BE(16, 0);
    packet.writeInt32BE(80877102, 4);
    packet.writeInt32BE(pid, 8);
    packet.writeInt32BE(key, 12);
    const to = this.endpoint ?? { host: this.config.host, port: this.config.port ?? 5432 };
    const socket = createConnection(to, () => socket.end(packet));
    socket.setTimeout(5000, () => socket.destroy());
    socket.on('error', (err) => this.log.warn(`postgres: cancel request failed: ${firstLine(err)}`));
    this.log.info(`postgres: cancel request sent to ${this.displayName}`);
  }

  private async exec(client: PgClient, text: string, signal: AbortSignal | undefined, arrays = true): Promise<import('pg').QueryResult<any>> {
    const p = client.query({ text, rowMode: arrays ? 'array' : undefined, queryMode: 'extended' } as any) as Promise<import('pg').QueryResult<any>>;
    try {
      return await abortable(p, signal, () => this.cancel(client));
    } catch (err) {
      throw this.translate(client, err, signal);
    }
  }

  private async columnsOf(client: PgClient, fields: FieldDef[]): Promise<ColumnInfo[]> {
    const unknown = [...new Set(fields.map((f) => f.dataTypeID).filter((oid) => !this.typeNames.has(oid)))];
    if (unknown.length) {
      try {
        const r = await client.query({ text: `select oid::int, format_type(oid, null) from pg_type where oid = any($1::oid[])`, values: [unknown], rowMode: 'array' } as any);
        for (const [oid, name] of r.rows as [number, string][]) this.typeNames.set(oid, name);
      } catch {}
    }
    return fields.map((f) => ({ name: f.name, type: this.typeNames.get(f.dataTypeID) ?? `oid ${f.dataTypeID}` }));
  }

  /** BEGIN for one statement: read-only connections always get a read-only transaction, with the timeout local to it. */
  private async begin(client: PgClient, timeoutMs: number | undefined, signal?: AbortSignal) {
    this.timeoutInEffect = timeoutMs || undefined;
    await this.exec(client, this.allowWrites ? 'BEGIN' : 'BEGIN TRANSACTION READ ONLY', signal);
    if (timeoutMs) await this.exec(client, `SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`, signal);
  }

  private async end(client: PgClient, ok: boolean) {
    if (this.client !== client) return;
    // Read-only work is always rolled back: nothing it did (set_config, temp objects) survives the statement.
    try {
      await client.query(ok && this.allowWrites ? 'COMMIT' : 'ROLLBACK');
    } catch {}
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    return runScript(sql, this.dialect, this.allowWrites, this.displayName, options, (st, o, isLast) => this.runOne(st, o, isLast));
  }

  private async runOne(st: PlannedStatement, options: QueryOptions, isLast: boolean): Promise<QueryResult> {
    const started = performance.now();
    if (isLast && options.maxRows !== undefined && CURSOR_KINDS.has(st.kind)) {
      return collect(await this.openStream(st, { signal: options.signal, timeoutMs: options.timeoutMs, batchSize: Math.min(options.maxRows + 1, 10_000) }), options.maxRows, started);
    }
    const client = await this.getClient();
    // In write mode a user's own BEGIN/COMMIT must work, so statements run as they are (autocommit).
    this.timeoutInEffect = options.timeoutMs || undefined;
    if (!this.allowWrites) await this.begin(client, options.timeoutMs, options.signal);
    else if (options.timeoutMs) await this.exec(client, `SET statement_timeout = ${Math.floor(options.timeoutMs)}`, options.signal);
    let ok = false;
    try {
      const r = await this.exec(client, st.text, options.signal);
      const columns = await this.columnsOf(client, r.fields ?? []);
      ok = true;
      const rows = (r.rows ?? []) as unknown[][];
      return {
        columns,
        rows,
        rowCount: rows.length,
        elapsedMs: performance.now() - started,
        statementType: st.kind,
        ...(r.fields?.length ? {} : { affectedRows: r.rowCount ?? undefined }),
      };
    } finally {
      if (!this.allowWrites) await this.end(client, ok);
      else if (options.timeoutMs && this.client === client) await client.query(`SET statement_timeout = ${Math.floor(this.config.statementTimeoutMs ?? 0)}`).catch(() => {});
    }
  }

  async stream(sql: string, options: StreamOptions = {}): Promise<RowStream> {
    const plan = planScript(sql, this.dialect, this.allowWrites, this.displayName);
    if (plan.length !== 1) throw new UserError('Run one statement at a time here (the SQL holds several).');
    return this.openStream(plan[0], options);
  }

  /** SELECTs stream through a server-side cursor (FETCH in batches); other statements run whole, as one batch. */
  private async openStream(st: PlannedStatement, options: StreamOptions): Promise<RowStream> {
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? 10_000));
    if (!CURSOR_KINDS.has(st.kind)) {
      const r = await this.runOne(st, { signal: options.signal, timeoutMs: options.timeoutMs }, true);
      let done = false;
      return {
        columns: r.columns,
        statementType: r.statementType,
        affectedRows: r.affectedRows,
        next: async () => (done || r.rows.length === 0 ? undefined : ((done = true), r.rows)),
        close: async () => {},
      };
    }
    const client = await this.getClient();
    const cursor = `iopsdata_c${++this.cursorSeq}`;
    await this.begin(client, options.timeoutMs, options.signal);
    let open = true;
    const finish = async (ok: boolean) => {
      if (!open) return;
      open = false;
      await this.end(client, ok);
    };
    let columns: ColumnInfo[];
    try {
      const declare = `DECLARE ${cursor} NO SCROLL CURSOR FOR `;
      try {
        await this.exec(client, declare + st.text, options.signal);
      } catch (err) {
        // The server's error position counts from the start of DECLARE; the user's statement starts after it.
        throw shiftPosition(err, declare.length);
      }
      const probe = await this.exec(client, `FETCH FORWARD ${batchSize} FROM ${cursor}`, options.signal);
      columns = await this.columnsOf(client, probe.fields ?? []);
      let pending: unknown[][] | undefined = probe.rows as unknown[][];
      let exhausted = pending.length < batchSize;
      return {
        columns,
        statementType: st.kind,
        next: async () => {
          if (pending) {
            const b = pending;
            pending = undefined;
            if (b.length) return b;
          }
          if (exhausted || !open) return undefined;
          try {
            const r = await this.exec(client, `FETCH FORWARD ${batchSize} FROM ${cursor}`, options.signal);
            if (r.rows.length < batchSize) exhausted = true;
            return r.rows.length ? (r.rows as unknown[][]) : undefined;
          } catch (err) {
            await finish(false);
            throw err;
          }
        },
        close: () => finish(true),
      };
    } catch (err) {
      await finish(false);
      throw err;
    }
  }

  async listSchemas(signal?: AbortSignal): Promise<CatalogSchema[]> {
    const r = await this.query(
      `select current_database(), nspname from pg_namespace where nspname not in ('pg_catalog','information_schema','pg_toast') and nspname not like 'pg_temp_%' and nspname not like 'pg_toast_temp_%' order by nspname`,
      { signal },
    );
    return r.rows.map(([database, name]) => ({ database: String(database), name: String(name) }));
  }

  async listTables(schema: CatalogSchema, signal?: AbortSignal): Promise<CatalogTable[]> {
    const r = await this.query(
      `select c.relname, c.relkind, greatest(c.reltuples, 0)::bigint, obj_description(c.oid, 'pg_class')
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${quoteLiteral(schema.name)} and c.relkind in ('r','p','v','m','f')
        order by c.relname`,
      { signal },
    );
    return r.rows.map(([name, relkind, est, comment]) => ({
      database: schema.database,
      schema: schema.name,
      name: String(name),
      kind: relkind === 'v' || relkind === 'm' ? ('view' as const) : ('table' as const),
      ...(relkind === 'v' ? {} : { rowEstimate: Number(est) }),
      ...(comment ? { comment: String(comment) } : {}),
    }));
  }

  async listColumns(table: CatalogTable, signal?: AbortSignal): Promise<CatalogColumn[]> {
    const r = await this.query(
      `select a.attname, format_type(a.atttypid, a.atttypmod), not a.attnotnull,
              coalesce((select true from pg_index i where i.indrelid = c.oid and i.indisprimary and a.attnum = any(i.indkey)), false),
              col_description(c.oid, a.attnum)
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${quoteLiteral(table.schema)} and c.relname = ${quoteLiteral(table.name)} and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      { signal },
    );
    return catalogColumns(r.rows);
  }

  quoteIdent(name: string): string {
    return quoteIdent(name);
  }

  /** The backend process id of the live session (tests use it to check cancel/terminate on the server). */
  get backendPid(): number | undefined {
    return (this.client as any)?.processID ?? undefined;
  }

  get lastLostReason(): string | undefined {
    return this.lostReason;
  }

  /** Where the client connected (the SSH tunnel's local end when tunnelling). */
  get connectedTo(): { host: string; port: number } | undefined {
    return this.client ? this.endpoint : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
    await this.tunnel?.close();
    this.tunnel = undefined;
  }
}

/** Moves a PostgreSQL error `position` (1-based, a string in node-postgres) back by `chars`; drops it if it falls before. */
function shiftPosition(err: unknown, chars: number): unknown {
  for (const e of [err, (err as { cause?: unknown })?.cause] as { position?: string }[]) {
    if (!e || typeof e !== 'object' || e.position === undefined) continue;
    const p = Number.parseInt(e.position, 10) - chars;
    if (Number.isFinite(p) && p >= 1) e.position = String(p);
    else delete e.position;
  }
  return err;
}

export function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
}
