/**
 * A loopback HTTP server that speaks the Snowflake REST protocol the real snowflake-sdk uses, backed by a real
 * in-memory DuckDB that executes the SQL (so results are computed, not canned):
 *   POST /session/v1/login-request      password or key-pair (RS256 JWT verified against the user's public key)
 *   POST /queries/v1/query-request      JSON rowset results; big results: first rows inline + result chunks
 *   GET  /queries/<id>/result           polling for a query still running (code 333333 + getResultUrl)
 *   GET  /chunks/<id>/<n>               result chunk bodies ("[…],[…]" like the cloud-storage chunk files)
 *   POST /queries/<id>/abort-request, /queries/v1/abort-request {requestId}   cancel
 *   POST /session/heartbeat, /session?delete=true, /telemetry/send, /session/token-request
 * `SELECT SYSTEM$WAIT(n)` sleeps n seconds (cancellable) like Snowflake's function, to test cancel.
 * Snowflake's catalog as the adapter reads it (`<db>.information_schema.schemata|tables|columns` with row_count and
 * comment, `show primary keys in table …`) is answered from DuckDB's own catalog through views (CATALOG_VIEWS).
 * Field names follow node_modules/snowflake-sdk/dist/lib/services/sf.js and connection/result/*.js.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export interface SnowflakeUser {
  name: string;
  password?: string;
  /** PEM public key for key-pair auth. */
  publicKey?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: any;
}

export interface SnowflakeServer {
  /** http://127.0.0.1:PORT, for the SDK's accessUrl. */
  url: string;
  requests: RecordedRequest[];
  /** Query ids that were aborted through the REST API. */
  aborted: Set<string>;
  /** Queries currently executing on the server. */
  running(): number;
  /** Run setup SQL directly on the backing DuckDB. */
  exec(sql: string): Promise<void>;
  /** Invalidate every session token (the next request gets "session no longer exists"). */
  dropSessions(): void;
  stop(): Promise<void>;
}

const INLINE_ROWS = 1000;
const CHUNK_ROWS = 5000;

const PARAMETERS = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: '' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: '' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'CLIENT_SESSION_KEEP_ALIVE', value: false },
  { name: 'CLIENT_RESULT_CHUNK_SIZE', value: 16 },
  { name: 'JS_TREAT_INTEGER_AS_BIGINT', value: false },
];

interface QueryState {
  id: string;
  requestId: string;
  done: boolean;
  response?: any;
  cancel: () => void;
  finished: Promise<void>;
  chunks: string[];
}

function send(res: ServerResponse, body: unknown, status = 200) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function b64urlDecode(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** DuckDB column type → Snowflake rowtype entry + a raw JSON-rowset encoder (everything travels as strings). */
function snowflakeColumn(name: string, duckType: string): { meta: any; encode: (v: any) => string | null } {
  const t = duckType.toUpperCase();
  const base = { name, database: 'TESTDB', schema: 'PUBLIC', table: '', nullable: true, byteLength: null, length: null, collation: null };
  const dec = /^DECIMAL\((\d+),(\d+)\)$/.exec(t);
  if (dec) return { meta: { ...base, type: 'fixed', precision: Number(dec[1]), scale: Number(dec[2]) }, encode: (v) => String(v) };
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t)) {
    return { meta: { ...base, type: 'fixed', precision: 38, scale: 0 }, encode: (v) => String(v) };
  }
  if (/^(FLOAT|DOUBLE)$/.test(t)) return { meta: { ...base, type: 'real', precision: null, scale: null }, encode: (v) => String(v) };
  if (t === 'BOOLEAN') return { meta: { ...base, type: 'boolean' }, encode: (v) => (v ? '1' : '0') };
  if (t === 'DATE') return { meta: { ...base, type: 'date' }, encode: (v) => String(Math.round(Date.parse(String(v) + 'T00:00:00Z') / 86_400_000)) };
  if (t === 'TIMESTAMP') {
    return { meta: { ...base, type: 'timestamp_ntz', scale: 3, precision: 0 }, encode: (v) => (Date.parse(String(v).replace(' ', 'T') + 'Z') / 1000).toFixed(3) };
  }
  if (t === 'TIMESTAMP WITH TIME ZONE') {
    return { meta: { ...base, type: 'timestamp_ltz', scale: 3, precision: 0 }, encode: (v) => (Date.parse(String(v).replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')) / 1000).toFixed(3) };
  }
  if (t === 'BLOB') return { meta: { ...base, type: 'binary', length: 8388608 }, encode: (v) => Buffer.from(v.bytes).toString('hex').toUpperCase() };
  if (/\[\]$|^STRUCT|^MAP|^JSON/.test(t)) return { meta: { ...base, type: 'variant' }, encode: (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) };
  return { meta: { ...base, type: 'text', length: 16777216 }, encode: (v) => String(v) };
}

/** Snowflake-shaped catalog views over DuckDB's catalog (the database is reported as TESTDB like the session). */
const CATALOG_VIEWS = `
  CREATE SCHEMA sf_catalog;
  CREATE VIEW sf_catalog.schemata AS
    SELECT 'TESTDB' AS catalog_name, schema_name FROM duckdb_schemas()
     WHERE database_name = current_database() AND schema_name NOT IN ('information_schema', 'pg_catalog', 'sf_catalog');
  CREATE VIEW sf_catalog.tables AS
    SELECT 'TESTDB' AS table_catalog, schema_name AS table_schema, table_name, 'BASE TABLE' AS table_type, estimated_size AS row_count, comment
      FROM duckdb_tables() WHERE database_name = current_database() AND schema_name <> 'sf_catalog'
    UNION ALL
    SELECT 'TESTDB', schema_name, view_name, 'VIEW', NULL, comment
      FROM duckdb_views() WHERE NOT internal AND database_name = current_database() AND schema_name <> 'sf_catalog';
  CREATE VIEW sf_catalog.columns AS
    SELECT 'TESTDB' AS table_catalog, schema_name AS table_schema, table_name, column_name, data_type,
           CASE WHEN is_nullable THEN 'YES' ELSE 'NO' END AS is_nullable, comment, column_index AS ordinal_position
      FROM duckdb_columns() WHERE database_name = current_database() AND schema_name <> 'sf_catalog';`;

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Rewrites the Snowflake catalog statements the adapter sends into queries on CATALOG_VIEWS / duckdb_constraints(). */
function snowflakeCatalog(sql: string): string {
  const pk = /^\s*show\s+primary\s+keys\s+in\s+table\s+(?:"?[^".]+"?\.)?"?([^".]+)"?\."?([^".]+)"?\s*;?\s*$/i.exec(sql);
  if (pk) {
    return `SELECT 'TESTDB' AS database_name, schema_name, table_name, unnest(constraint_column_names) AS column_name
              FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND schema_name = ${sqlString(pk[1])} AND table_name = ${sqlString(pk[2])}`;
  }
  return sql.replace(/(?:"[^"]+"\.|\b\w+\.)?\binformation_schema\.(schemata|tables|columns)\b/gi, (_m, view: string) => `sf_catalog.${view.toLowerCase()}`);
}

function statementTypeId(sql: string): number {
  const w = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase();
  return ({ insert: 0x3100, update: 0x3200, delete: 0x3300, merge: 0x3400, create: 0x6000, drop: 0x6000, alter: 0x6000 } as Record<string, number>)[w ?? ''] ?? 0x1000;
}

export async function startSnowflakeServer(options: { users: SnowflakeUser[]; account?: string }): Promise<SnowflakeServer> {
  const { DuckDBInstance } = require('@duckdb/node-api') as typeof import('@duckdb/node-api');
  const instance: DuckDBInstance = await DuckDBInstance.create(':memory:');
  const setup = await instance.connect();
  await setup.run(CATALOG_VIEWS);
  const sessions = new Map<string, { user: string; db?: string; schema?: string }>();
  const queries = new Map<string, QueryState>();
  const byRequestId = new Map<string, QueryState>();
  const requests: RecordedRequest[] = [];
  const aborted = new Set<string>();
  let port = 0;

  const fail = (res: ServerResponse, code: string, message: string, data: any = null) => send(res, { success: false, code, message, data });

  function login(body: any, res: ServerResponse) {
    const d = body?.data ?? {};
    const user = options.users.find((u) => u.name.toUpperCase() === String(d.LOGIN_NAME ?? '').toUpperCase());
    if (options.account && String(d.ACCOUNT_NAME ?? '').toUpperCase() !== options.account.toUpperCase()) return fail(res, '390100', 'Incorrect username or password was specified.');
    if (!user) return fail(res, '390100', 'Incorrect username or password was specified.');
    if (d.AUTHENTICATOR === 'SNOWFLAKE_JWT') {
      const [h, p, s] = String(d.TOKEN ?? '').split('.');
      const ok = Boolean(user.publicKey && h && p && s && verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey(user.publicKey), b64urlDecode(s)));
      const claims = ok ? JSON.parse(b64urlDecode(p).toString('utf8')) : {};
      if (!ok || !String(claims.sub ?? '').endsWith(`.${user.name.toUpperCase()}`)) return fail(res, '390144', 'JWT token is invalid.');
    } else if (user.password === undefined || d.PASSWORD !== user.password) {
      return fail(res, '390100', 'Incorrect username or password was specified.');
    }
    const token = `ST-${randomUUID()}`;
    sessions.set(token, { user: user.name });
    send(res, {
      success: true,
      code: null,
      message: null,
      data: {
        token,
        masterToken: `MT-${randomUUID()}`,
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        sessionId: Math.floor(Math.random() * 1e12),
        displayUserName: user.name.toUpperCase(),
        serverVersion: '9.99.0',
        firstLogin: false,
        parameters: PARAMETERS,
        sessionInfo: { databaseName: 'TESTDB', schemaName: 'PUBLIC', warehouseName: 'TEST_WH', roleName: 'PUBLIC' },
      },
    });
  }

  /** Runs a statement on the backing DuckDB (or sleeps for SYSTEM$WAIT) and builds the query-response body. */
  function startQuery(sqlText: string, requestId: string): QueryState {
    const id = randomUUID();
    let cancelled = false;
    let conn: DuckDBConnection | undefined;
    let wake: (() => void) | undefined;
    const state: QueryState = {
      id,
      requestId,
      done: false,
      chunks: [],
      cancel: () => {
        cancelled = true;
        try {
          conn?.interrupt();
        } catch {}
        wake?.();
      },
      finished: Promise.resolve(),
    };
    const cancelledBody = () => ({ success: false, code: '000604', message: 'SQL execution canceled', data: { queryId: id, sqlState: '57014', errorCode: '000604' } });
    state.finished = (async () => {
      try {
        const wait = /^\s*(?:select|call)\s+system\$wait\(\s*(\d+(?:\.\d+)?)\s*\)\s*;?\s*$/i.exec(sqlText);
        if (wait) {
          await new Promise<void>((r) => {
            const t = setTimeout(r, Number(wait[1]) * 1000);
            wake = () => (clearTimeout(t), r());
          });
          if (cancelled) return void (state.response = cancelledBody());
          sqlText = `select 'waited ${wait[1]} seconds' as "SYSTEM$WAIT(${wait[1]})"`;
        }
        conn = await instance.connect();
        const result = await conn.runAndReadAll(snowflakeCatalog(sqlText));
        if (cancelled) return void (state.response = cancelledBody());
        const names = result.columnNames();
        const cols = names.map((n, k) => snowflakeColumn(n, result.columnTypes()[k].toString()));
        const typeId = statementTypeId(sqlText);
        let rowtype = cols.map((c) => c.meta);
        let rows: (string | null)[][] = result.getRows().map((r) => r.map((v, k) => (v === null ? null : cols[k].encode(v))));
        if (typeId >= 0x3000 && typeId < 0x4000) {
          rowtype = [{ name: 'number of rows affected', type: 'fixed', precision: 19, scale: 0, nullable: false }];
          rows = [[String(result.getRows()[0]?.[0] ?? 0)]];
        }
        const inline = rows.slice(0, INLINE_ROWS);
        const rest = rows.slice(INLINE_ROWS);
        const chunks: any[] = [];
        for (let k = 0; k < rest.length; k += CHUNK_ROWS) {
          const part = rest.slice(k, k + CHUNK_ROWS);
          const body = part.map((r) => JSON.stringify(r)).join(',');
          state.chunks.push(body);
          chunks.push({ url: `http://127.0.0.1:${port}/chunks/${id}/${chunks.length}`, rowCount: part.length, uncompressedSize: Buffer.byteLength(body), compressedSize: Buffer.byteLength(body) });
        }
        state.response = {
          success: true,
          code: null,
          message: null,
          data: {
            queryId: id,
            rowtype,
            rowset: inline,
            total: rows.length,
            returned: rows.length,
            queryResultFormat: 'json',
            statementTypeId: typeId,
            parameters: PARAMETERS,
            finalDatabaseName: 'TESTDB',
            finalSchemaName: 'PUBLIC',
            finalWarehouseName: 'TEST_WH',
            finalRoleName: 'PUBLIC',
            ...(chunks.length ? { chunks, chunkHeaders: {} } : {}),
          },
        };
      } catch (err) {
        state.response = cancelled ? cancelledBody() : { success: false, code: '002003', message: `SQL compilation error: ${(err as Error).message.split('\n')[0]}`, data: { queryId: id, sqlState: '42S02', errorCode: '002003' } };
      } finally {
        state.done = true;
        try {
          conn?.closeSync();
        } catch {}
      }
    })();
    queries.set(id, state);
    byRequestId.set(requestId, state);
    return state;
  }

  /** Answers with the result when ready within `waitMs`, else "still running" + getResultUrl (code 333333). */
  async function respondWhenReady(state: QueryState, res: ServerResponse, waitMs: number) {
    await Promise.race([state.finished, new Promise((r) => setTimeout(r, waitMs))]);
    if (state.done) return send(res, state.response);
    send(res, { success: true, code: '333333', message: 'Query execution in progress', data: { queryId: state.id, getResultUrl: `/queries/${state.id}/result` } });
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip' && raw.length) raw = gunzipSync(raw);
      const body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, body });

      if (url.pathname === '/session/v1/login-request') return login(body, res);
      const chunk = /^\/chunks\/([^/]+)\/(\d+)$/.exec(url.pathname);
      if (chunk) {
        const text = queries.get(chunk[1])?.chunks[Number(chunk[2])];
        if (text === undefined) return send(res, { error: 'no such chunk' }, 404);
        res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': Buffer.byteLength(text) });
        return res.end(text);
      }
      if (url.pathname === '/telemetry/send') return send(res, { success: true, data: null });
      const token = /Snowflake Token="([^"]+)"/.exec(String(req.headers.authorization ?? ''))?.[1];
      if (url.pathname === '/session/token-request') return send(res, { success: true, data: { sessionToken: `ST-${randomUUID()}`, validityInSecondsST: 3600, masterToken: `MT-${randomUUID()}`, validityInSecondsMT: 14400 } });
      if (!token || !sessions.has(token)) return fail(res, '390111', 'Session no longer exists.  New login required to access the service.');
      if (url.pathname === '/session' && url.searchParams.get('delete') === 'true') {
        sessions.delete(token);
        return send(res, { success: true, data: null });
      }
      if (url.pathname === '/session/heartbeat') return send(res, { success: true, data: null });
      if (url.pathname === '/queries/v1/query-request') {
        const state = startQuery(String(body?.sqlText ?? ''), url.searchParams.get('requestId') ?? randomUUID());
        return respondWhenReady(state, res, 150);
      }
      const result = /^\/queries\/([^/]+)\/result$/.exec(url.pathname);
      if (result) {
        const state = queries.get(result[1]);
        if (!state) return fail(res, '000709', 'Statement not found');
        return respondWhenReady(state, res, 300);
      }
      const abort = /^\/queries\/([^/]+)\/abort-request$/.exec(url.pathname);
      if (abort) {
        const state = abort[1] === 'v1' ? byRequestId.get(String(body?.requestId)) : queries.get(abort[1]);
        if (state) {
          aborted.add(state.id);
          state.cancel();
        }
        return send(res, { success: true, data: null });
      }
      send(res, { success: false, message: `not implemented: ${url.pathname}` }, 404);
    } catch (err) {
      send(res, { success: false, code: '000001', message: String(err) }, 500);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    aborted,
    running: () => [...queries.values()].filter((q) => !q.done).length,
    exec: async (sql) => void (await setup.run(sql)),
    dropSessions: () => sessions.clear(),
    stop: async () => {
      for (const q of queries.values()) q.cancel();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      try {
        setup.closeSync();
        instance.closeSync();
      } catch {}
    },
  };
}
