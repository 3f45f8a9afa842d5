/**
 * Saved connection definitions as they live in the `iopsdata.connections` setting: everything but secrets, so a
 * team can commit them in .vscode/settings.json. Secrets (passwords, private keys, passphrases) live in VS Code
 * SecretStorage under `iopsdata.connection.<id>.<name>` and are joined in only when a connection opens.
 */
import type { ConnectionKind } from '../connections/types';
import type { ConnectionConfig, PostgresSslMode } from '../connections/config';
import { parseConnectionUrl } from '../connections/url';
import { isAbsolute, resolve } from 'node:path';

export const WORKSPACE_FILES_ID = 'workspace-files';

export interface ConnectionDefinition {
  id: string;
  name: string;
  kind: ConnectionKind;
  allowWrites?: boolean;
  /** DuckDB: database file path (relative to the workspace folder) or ':memory:'. */
  path?: string;
  /** PostgreSQL: a URL without password (postgres://user@host:5432/db?sslmode=require) instead of fields. */
  url?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  /** PostgreSQL: disable | prefer | require | verify-ca | verify-full */
  sslMode?: PostgresSslMode;
  /** Snowflake */
  account?: string;
  warehouse?: string;
  role?: string;
  schema?: string;
  /** Snowflake: password (default) or key-pair (private key PEM in SecretStorage). */
  authenticator?: 'password' | 'keypair';
  /** Snowflake: override of https://<account>.snowflakecomputing.com (private link, or a test server). */
  accessUrl?: string;
  /** PostgreSQL through an SSH tunnel: the SSH server (its private key is a secret). */
  sshHost?: string;
  sshPort?: number;
  sshUser?: string;
}

export type SecretName = 'password' | 'privateKey' | 'privateKeyPassphrase' | 'sshPrivateKey' | 'sshPassphrase';

/** Every secret a connection may have (removal deletes them all). */
export const SECRET_NAMES: readonly SecretName[] = ['password', 'privateKey', 'privateKeyPassphrase', 'sshPrivateKey', 'sshPassphrase'];

export function secretKey(id: string, name: SecretName): string {
  return `iopsdata.connection.${id}.${name}`;
}

/** Which secrets a definition may use (all are optional: e.g. a trust-auth PostgreSQL needs none). */
export function secretNames(def: ConnectionDefinition): SecretName[] {
  if (def.kind === 'postgres') return def.sshHost ? ['password', 'sshPrivateKey', 'sshPassphrase'] : ['password'];
  if (def.kind === 'snowflake') return def.authenticator === 'keypair' ? ['privateKey', 'privateKeyPassphrase'] : ['password'];
  return [];
}

export function slugId(name: string, taken: ReadonlySet<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'connection';
  let id = base;
  for (let i = 2; taken.has(id) || id === WORKSPACE_FILES_ID; i++) id = `${base}-${i}`;
  return id;
}

/** Keys a definition may carry; anything else (notably `password`) is dropped before it is written to settings. */
const ALLOWED_KEYS: readonly (keyof ConnectionDefinition)[] = [
  'id', 'name', 'kind', 'allowWrites', 'path', 'url', 'host', 'port', 'database', 'user', 'sslMode',
  'account', 'warehouse', 'role', 'schema', 'authenticator', 'accessUrl', 'sshHost', 'sshPort', 'sshUser',
];

/** Strips a password embedded in a URL (postgres://u:secret@h/db → postgres://u@h/db) and returns both parts. */
export function splitUrlPassword(url: string): { url: string; password?: string } {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^:@/?#]*):([^@/?#]*)@/i.exec(url);
  if (!m) return { url };
  return { url: url.slice(0, m[1].length) + m[2] + '@' + url.slice(m[0].length), password: decodeURIComponent(m[3]) };
}

/**
 * Checks a definition (from settings, a form or a test) and returns a clean copy; throws an Error whose message is
 * one line naming the bad field.
 */
export function validateDefinition(raw: unknown): ConnectionDefinition {
  if (!raw || typeof raw !== 'object') throw new Error('A connection definition must be an object.');
  const r = raw as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === 'string' && (r[k] as string).trim() !== '' ? (r[k] as string).trim() : undefined);
  const kind = str('kind');
  if (kind !== 'duckdb' && kind !== 'postgres' && kind !== 'snowflake') {
    throw new Error(`Connection kind must be duckdb, postgres or snowflake (got ${JSON.stringify(r.kind ?? null)}).`);
  }
  const name = str('name');
  if (!name) throw new Error('A connection needs a name.');
  const id = str('id');
  if (!id || !/^[A-Za-z0-9._-]+$/.test(id)) throw new Error(`Connection "${name}" needs an id of letters, digits, dot, dash or underscore.`);
  if ('password' in r || 'privateKey' in r || 'sshPrivateKey' in r || 'sshPassphrase' in r) {
    // Never let a secret reach settings.json; callers move it to SecretStorage first.
    throw new Error(`Connection "${name}": secrets do not belong in the definition; they are kept in SecretStorage.`);
  }
  const out: ConnectionDefinition = { id, name, kind };
  for (const k of ALLOWED_KEYS) {
    if (k === 'id' || k === 'name' || k === 'kind') continue;
    const v = r[k];
    if (v === undefined || v === null || v === '') continue;
    if (k === 'allowWrites') out.allowWrites = v === true;
    else if (k === 'port' || k === 'sshPort') {
      const p = typeof v === 'number' ? v : Number(v);
      if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`Connection "${name}": ${k === 'port' ? 'port' : 'SSH port'} must be 1–65535.`);
      out[k] = p;
    } else if (typeof v === 'string') (out as unknown as Record<string, unknown>)[k] = v.trim();
  }
  if (out.url && /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:[^@/?#]*@/i.test(out.url)) {
    throw new Error(`Connection "${name}": remove the password from the URL; it is kept in SecretStorage.`);
  }
  if (kind === 'duckdb' && !out.path) out.path = ':memory:';
  if (kind === 'postgres' && !out.url && !out.host) throw new Error(`Connection "${name}": give a host or a connection URL.`);
  if (out.sshHost && kind !== 'postgres') throw new Error(`Connection "${name}": an SSH tunnel is available for PostgreSQL only.`);
  if (out.sshHost && !out.sshUser) throw new Error(`Connection "${name}": the SSH tunnel needs a user (sshUser).`);
  if (kind === 'snowflake' && (!out.account || !out.user)) throw new Error(`Connection "${name}": Snowflake needs an account and a user.`);
  if (out.sslMode && !['disable', 'prefer', 'require', 'verify-ca', 'verify-full'].includes(out.sslMode)) {
    throw new Error(`Connection "${name}": sslMode must be disable, prefer, require, verify-ca or verify-full.`);
  }
  if (out.authenticator && !['password', 'keypair'].includes(out.authenticator)) {
    throw new Error(`Connection "${name}": authenticator must be password or keypair.`);
  }
  return out;
}

/** Reads the setting: valid definitions, plus one message per invalid entry (shown once, not thrown). */
export function parseDefinitions(raw: unknown): { definitions: ConnectionDefinition[]; problems: string[] } {
  const definitions: ConnectionDefinition[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  if (raw !== undefined && !Array.isArray(raw)) return { definitions, problems: ['iopsdata.connections must be an array.'] };
  for (const item of (raw as unknown[] | undefined) ?? []) {
    try {
      const def = validateDefinition(item);
      if (def.id === WORKSPACE_FILES_ID || seen.has(def.id)) throw new Error(`Connection id "${def.id}" is used twice.`);
      seen.add(def.id);
      definitions.push(def);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { definitions, problems };
}

/** A short secret-free description for tree items and quick picks. */
export function describeDefinition(def: ConnectionDefinition): string {
  switch (def.kind) {
    case 'duckdb':
      return def.id === WORKSPACE_FILES_ID ? 'DuckDB · workspace files' : `DuckDB · ${def.path === ':memory:' ? 'in-memory' : def.path}`;
    case 'postgres': {
      if (def.url) return `PostgreSQL · ${def.url.replace(/^[a-z]+:\/\/([^@/]*@)?/i, '')}`;
      return `PostgreSQL · ${def.host}${def.port ? `:${def.port}` : ''}/${def.database ?? ''}${def.sshHost ? ` via SSH ${def.sshHost}` : ''}`;
    }
    case 'snowflake':
      return `Snowflake · ${def.account}${def.database ? `/${def.database}` : ''}`;
  }
}

export interface ConfigContext {
  /** The first workspace folder: relative DuckDB paths and the Workspace files connection resolve against it. */
  workspaceRoot?: string;
  /** All workspace folders (the Workspace files connection may read files under them). */
  workspaceFolders?: string[];
  statementTimeoutMs?: number;
}

/** The built-in "Workspace files" connection: in-memory DuckDB whose working directory is the workspace. */
export function workspaceFilesDefinition(): ConnectionDefinition {
  return { id: WORKSPACE_FILES_ID, name: 'Workspace files', kind: 'duckdb', path: ':memory:', allowWrites: false };
}

/** Maps a saved definition to the core adapters' config (secrets travel separately). */
export function toConnectionConfig(def: ConnectionDefinition, ctx: ConfigContext = {}): ConnectionConfig {
  const common = { name: def.name, allowWrites: def.allowWrites === true, statementTimeoutMs: ctx.statementTimeoutMs };
  const folders = ctx.workspaceFolders ?? (ctx.workspaceRoot ? [ctx.workspaceRoot] : []);
  switch (def.kind) {
    case 'duckdb': {
      const raw = def.path ?? ':memory:';
      const path = raw === ':memory:' || isAbsolute(raw) || !ctx.workspaceRoot ? raw : resolve(ctx.workspaceRoot, raw);
      return { ...common, kind: 'duckdb', path, cwd: ctx.workspaceRoot, allowedDirectories: folders };
    }
    case 'postgres': {
      const ssh = def.sshHost ? { ssh: { host: def.sshHost, port: def.sshPort ?? 22, user: def.sshUser ?? '' } } : {};
      if (def.url) {
        const parsed = parseConnectionUrl(def.url).config;
        if (parsed.kind !== 'postgres') throw new Error(`Connection "${def.name}": the URL is not a postgres:// URL.`);
        return { ...parsed, ...common, ...(def.sslMode ? { sslMode: def.sslMode } : {}), ...ssh };
      }
      return {
        ...common,
        ...ssh,
        kind: 'postgres',
        host: def.host ?? 'localhost',
        port: def.port ?? 5432,
        database: def.database ?? def.user ?? 'postgres',
        user: def.user ?? 'postgres',
        sslMode: def.sslMode ?? 'prefer',
      };
    }
    case 'snowflake':
      return {
        ...common,
        kind: 'snowflake',
        account: def.account ?? '',
        user: def.user ?? '',
        auth: def.authenticator ?? 'password',
        warehouse: def.warehouse,
        role: def.role,
        database: def.database,
        schema: def.schema,
        accessUrl: def.accessUrl,
      };
  }
}
