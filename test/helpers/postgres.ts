/**
 * Starts a real, throwaway PostgreSQL server (Debian `postgresql`) in a temp dir on a free loopback port.
 * initdb refuses to run as root, so as root the server runs as the `postgres` OS user via runuser.
 * Usage: const pg = await startPostgres(); … pg.url … await pg.stop();
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  host: string;
  port: number;
  /** Superuser connection URL (user `postgres`, password `postgres`). */
  url: string;
  dataDir: string;
  /** Runs SQL as the superuser via psql, returns stdout. */
  psql(sql: string, database?: string): string;
  stop(): Promise<void>;
}

function pgBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  }
  throw new Error('PostgreSQL binaries not found: install Debian package `postgresql` (bash .ci/run does) or set PG_BIN.');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a server binary as the postgres user without blocking the event loop (initdb takes seconds; an extension host must stay responsive). */
function asPostgresAsync(cmd: string, args: string[]): Promise<string> {
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { encoding: 'utf8', cwd: '/tmp' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} failed (${err.code}): ${stderr || stdout}`));
      else resolve(stdout);
    });
  });
}

export async function startPostgres(options: { conf?: string } = {}): Promise<PostgresServer> {
  const bin = pgBinDir();
  const root = mkdtempSync(join(tmpdir(), 'iopsdata-pg-'));
  const dataDir = join(root, 'data');
  const sockDir = root;
  if (isRoot) chownSync(root, uidOf('postgres'), gidOf('postgres'));
  const pwFile = join(root, 'pw');
  writeFileSync(pwFile, 'postgres\n');
  if (isRoot) chownSync(pwFile, uidOf('postgres'), gidOf('postgres'));
  await asPostgresAsync(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const conf = [
    `listen_addresses = '127.0.0.1'`,
    `port = ${port}`,
    `unix_socket_directories = '${sockDir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 50',
    options.conf ?? '',
  ].join('\n');
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), conf + '\n');
  if (isRoot) chownSync(join(dataDir, 'postgresql.auto.conf'), uidOf('postgres'), gidOf('postgres'));
  await asPostgresAsync(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(root, 'server.log'), '-w', '-t', '60', 'start']);
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    host: '127.0.0.1',
    port,
    url,
    dataDir,
    psql(sql: string, database = 'postgres') {
      const r = spawnSync(join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-At', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', database], {
        encoding: 'utf8',
        input: sql,
        env: { ...process.env, PGPASSWORD: 'postgres' },
      });
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout;
    },
    async stop() {
      try {
        await asPostgresAsync(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {}
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}
function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
