/**
 * Prepares a real PostgreSQL (from startPostgres) as a Supabase database: the test bootstrap (roles, auth, storage)
 * then every file in supabase/migrations in name order, exactly as a Supabase project would apply them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import type { PostgresServer } from './postgres';

/** The repository root: found by walking up, since bundled copies of this file (integration tests) live elsewhere. */
function repoRoot(): string {
  for (let d = __dirname; ; d = dirname(d)) {
    if (existsSync(join(d, 'supabase', 'migrations')) && existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) throw new Error(`supabase/migrations not found above ${__dirname}`);
  }
}

export function applySupabaseSchema(pg: PostgresServer): void {
  const root = repoRoot();
  pg.psql(readFileSync(join(root, 'test', 'unit', 'account', 'sql', 'bootstrap.sql'), 'utf8'));
  const dir = join(root, 'supabase', 'migrations');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) {
    pg.psql(readFileSync(join(dir, f), 'utf8'));
  }
}

/** Creates an auth.users row (as the superuser) and returns its id. */
export async function createAuthUser(db: Client, email: string, password = 'secret'): Promise<string> {
  const r = await db.query(
    `insert into auth.users (email, encrypted_password) values ($1, $2) returning id`,
    [email, password],
  );
  return r.rows[0].id as string;
}

/**
 * Runs fn inside a transaction as PostgREST would for a request carrying a JWT for `userId` (role authenticated)
 * or no JWT (`userId` null → role anon). Commits unless fn throws.
 */
export async function asUser<T>(db: Client, userId: string | null, fn: (db: Client) => Promise<T>): Promise<T> {
  await db.query('begin');
  try {
    const role = userId ? 'authenticated' : 'anon';
    await db.query(`set local role ${role}`);
    const claims = userId ? { sub: userId, role } : { role };
    await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
    const out = await fn(db);
    await db.query('commit');
    return out;
  } catch (err) {
    await db.query('rollback');
    throw err;
  }
}
