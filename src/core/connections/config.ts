/**
 * Connection settings as stored in VS Code settings / passed by the CLI. Secrets (passwords, private keys, tokens)
 * are never part of a config: they travel separately as ConnectionSecrets, read from SecretStorage by the UI or
 * from the URL by the CLI, so a config can be written to settings.json as is.
 */
export interface CommonConfig {
  /** Display name (no secrets). */
  name: string;
  /** Default false: read-only, enforced by the database session and by statement classification. */
  allowWrites?: boolean;
  /** Statement timeout in milliseconds; 0/undefined = none. */
  statementTimeoutMs?: number;
}

export interface DuckDbConfig extends CommonConfig {
  kind: 'duckdb';
  /** A database file path, or ':memory:'. */
  path: string;
  /**
   * Directories the engine may read files from when read-only (the "Workspace files" connection passes the
   * workspace folders). Empty = no file access at all besides the database file itself.
   */
  allowedDirectories?: string[];
  /** Resolve relative file paths in SQL against this directory (the workspace root). */
  cwd?: string;
}

export type PostgresSslMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** An SSH jump host to reach PostgreSQL through (`ssh -N -L`, see sshTunnel.ts); its key is a secret. */
export interface SshConfig {
  host: string;
  port?: number;
  user: string;
  /** Defaults to ssh's own (~/.ssh/known_hosts); tests use a private one. */
  knownHostsFile?: string;
}

export interface PostgresConfig extends CommonConfig {
  kind: 'postgres';
  host: string;
  port?: number;
  database: string;
  user: string;
  sslMode?: PostgresSslMode;
  /** PEM of a CA to trust (not a secret). */
  sslCa?: string;
  connectTimeoutMs?: number;
  /** Reach host:port through an SSH tunnel (host/port are then as seen from the SSH server). */
  ssh?: SshConfig;
}

export type SnowflakeAuth = 'password' | 'keypair';

export interface SnowflakeConfig extends CommonConfig {
  kind: 'snowflake';
  account: string;
  user: string;
  auth?: SnowflakeAuth;
  warehouse?: string;
  role?: string;
  database?: string;
  schema?: string;
  /** Overrides https://<account>.snowflakecomputing.com (tests use a loopback server; also for private links). */
  accessUrl?: string;
}

export type ConnectionConfig = DuckDbConfig | PostgresConfig | SnowflakeConfig;

/** Secrets for a connection; only ever held in memory (SecretStorage on the VS Code side). */
export interface ConnectionSecrets {
  password?: string;
  /** Snowflake key-pair auth: PEM private key, optionally encrypted with the passphrase. */
  privateKey?: string;
  privateKeyPassphrase?: string;
  /** PostgreSQL SSH tunnel: the private key (OpenSSH/PEM) and its passphrase, if any. */
  sshPrivateKey?: string;
  sshPassphrase?: string;
}
