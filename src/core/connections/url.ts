/**
 * Connection URLs (the CLI's --url, and "paste a URL" in the UI):
 *   duckdb:<path>                 a DuckDB database file (relative to the current directory), duckdb:///abs/path too
 *   duckdb::memory:  (or duckdb:) an in-memory DuckDB that can read files under the current directory
 *   postgres://user:pass@host:port/db?sslmode=require   (postgresql:// too; sslmode disable|prefer|require|verify-ca|verify-full)
 *   snowflake://user:pass@account/database/schema?warehouse=WH&role=R
 *       extra parameters: authenticator=keypair&private_key_file=/path/key.p8 (passphrase = the URL password),
 *       accessUrl=http://127.0.0.1:PORT (a proxy/private link or a test server)
 * User names and passwords are percent-decoded. The password is returned as a secret, never inside the config.
 */
import { UserError } from '../errors';
import type { ConnectionConfig, ConnectionSecrets, PostgresSslMode } from './config';

export interface ParsedConnectionUrl {
  config: ConnectionConfig;
  secrets: ConnectionSecrets;
  /** Snowflake key-pair auth: a file to read the private key from (the caller reads it; parsing does no I/O). */
  privateKeyFile?: string;
}

const SSL_MODES: PostgresSslMode[] = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];

export function parseConnectionUrl(url: string, options: { allowWrites?: boolean; cwd?: string } = {}): ParsedConnectionUrl {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  const allowWrites = Boolean(options.allowWrites);
  if (scheme === 'duckdb') {
    let path = trimmed.slice('duckdb:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '' || path === ':memory:' || path === 'memory') path = ':memory:';
    else path = decodeURIComponent(path);
    return {
      config: {
        kind: 'duckdb',
        name: path === ':memory:' ? 'DuckDB (in-memory)' : `DuckDB ${path}`,
        path,
        allowWrites,
        allowedDirectories: options.cwd ? [options.cwd] : [],
        cwd: options.cwd,
      },
      secrets: {},
    };
  }
  if (scheme === 'postgres' || scheme === 'postgresql' || scheme === 'snowflake') {
    let u: URL;
    try {
      u = new URL(trimmed);
    } catch {
      throw new UserError(`Not a valid ${scheme} URL (expected ${scheme}://user:password@host/…).`);
    }
    const user = decodeURIComponent(u.username);
    const password = u.password ? decodeURIComponent(u.password) : undefined;
    const params = Object.fromEntries([...u.searchParams.entries()].map(([k, v]) => [k.toLowerCase(), v]));
    if (scheme === 'snowflake') {
      const account = decodeURIComponent(u.hostname);
      if (!account) throw new UserError('The Snowflake URL needs an account: snowflake://user:password@account/database/schema.');
      if (!user) throw new UserError('The Snowflake URL needs a user: snowflake://user:password@account/database/schema.');
      const [database, schema] = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
      const keypair = (params.authenticator ?? '').toLowerCase().replace(/[^a-z]/g, '') === 'keypair' || (params.authenticator ?? '').toUpperCase() === 'SNOWFLAKE_JWT' || Boolean(params.private_key_file);
      return {
        config: {
          kind: 'snowflake',
          name: `Snowflake ${account}`,
          account,
          user,
          auth: keypair ? 'keypair' : 'password',
          warehouse: params.warehouse,
          role: params.role,
          database,
          schema,
          accessUrl: params.accessurl,
          allowWrites,
        },
        secrets: keypair ? { privateKeyPassphrase: password } : { password },
        privateKeyFile: params.private_key_file,
      };
    }
    const host = decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1') || 'localhost';
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user || 'postgres';
    const sslMode = (params.sslmode ?? 'prefer') as PostgresSslMode;
    if (!SSL_MODES.includes(sslMode)) throw new UserError(`Unknown sslmode '${params.sslmode}' (use ${SSL_MODES.join(', ')}).`);
    return {
      config: {
        kind: 'postgres',
        name: `PostgreSQL ${host}/${database}`,
        host,
        port: u.port ? Number(u.port) : 5432,
        database,
        user: user || 'postgres',
        sslMode,
        connectTimeoutMs: params.connect_timeout ? Number(params.connect_timeout) * 1000 : undefined,
        allowWrites,
      },
      secrets: { password },
    };
  }
  throw new UserError(`Unsupported connection URL '${redactUrl(trimmed)}': use duckdb:<path>, duckdb::memory:, postgres://… or snowflake://….`);
}

/** The URL with any password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
