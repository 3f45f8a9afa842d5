/**
 * The demo warehouse (src/core/demo, real DuckDB) generated once per test process into a temp dir, and read-only
 * connections to it through the real DuckDB adapter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../../src/core/demo/generateDemo';
import { DuckDbConnection } from '../../../src/core/connections/duckdb';
import type { Connection } from '../../../src/core/connections/types';

let pending: Promise<string> | undefined;
const dirs: string[] = [];

/** Path of warehouse.duckdb (customers = 300 keeps generation well under a second). */
export function demoWarehouse(customers = 300): Promise<string> {
  pending ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iopsdata-ai-demo-'));
    dirs.push(dir);
    const res = await generateDemo(dir, { customers });
    return res.warehouse;
  })();
  return pending;
}

export function openDemo(path: string): Connection {
  return new DuckDbConnection({ kind: 'duckdb', name: 'Demo warehouse', path, allowWrites: false });
}

process.once('exit', () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
