/**
 * What `query` and `ask` share: opening a connection from a `--url` (secrets completed from the environment and a
 * key file, never from the command line history alone) and the query command's JSON shape, which `ask --run`
 * embeds as its `result` (both are contracts).
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ConnectionSecrets } from '../core/connections/config';
import type { Connection, QueryResult } from '../core/connections/types';

export async function openUrlConnection(url: string, opts: { allowWrites: boolean; log: Logger }): Promise<Connection> {
  const { parseConnectionUrl } = await import('../core/connections/url');
  const { openConnection } = await import('../core/connections/open');
  const parsed = parseConnectionUrl(url, { allowWrites: opts.allowWrites, cwd: process.cwd() });
  const secrets: ConnectionSecrets = { ...parsed.secrets };
  if (parsed.config.kind === 'postgres' && secrets.password === undefined && process.env.PGPASSWORD) secrets.password = process.env.PGPASSWORD;
  if (parsed.config.kind === 'snowflake' && !secrets.password && process.env.SNOWFLAKE_PASSWORD) secrets.password = process.env.SNOWFLAKE_PASSWORD;
  if (parsed.privateKeyFile) {
    try {
      secrets.privateKey = readFileSync(parsed.privateKeyFile, 'utf8');
    } catch (err) {
      throw new UserError(`Cannot read the private key file ${parsed.privateKeyFile}: ${(err as Error).message}`);
    }
  }
  return openConnection(parsed.config, secrets, opts.log);
}

/** `iopsdata query --json` output: {"columns":[{"name","type"}],"rows","rowCount","elapsedMs"} plus what is known. */
export function queryResultJson(result: QueryResult): Record<string, unknown> {
  return {
    columns: result.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: result.rows,
    rowCount: result.rowCount,
    elapsedMs: result.elapsedMs,
    ...(result.statementType ? { statementType: result.statementType } : {}),
    ...(result.affectedRows !== undefined ? { affectedRows: result.affectedRows } : {}),
  };
}
