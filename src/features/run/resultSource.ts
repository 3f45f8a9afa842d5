/**
 * Where a statement's rows go: the engine's result store (spilled into a local DuckDB, paged/sorted/filtered and
 * exported there), required lazily so activation does not load DuckDB. The rest of the run feature only sees
 * PagedResult.
 */
import type { Connection } from '../../core/connections/types';
import type { PagedResult } from '../../core/run/pagedResult';

let engineLoaded = false;

export async function openResult(
  conn: Connection,
  sql: string,
  options: { signal?: AbortSignal; timeoutMs?: number; onProgress?: (rows: number) => void },
): Promise<PagedResult> {
  const { openResultSet } = require('../../core/engine/resultStore') as typeof import('../../core/engine/resultStore');
  engineLoaded = true;
  const result = await openResultSet(conn, sql, { signal: options.signal, timeoutMs: options.timeoutMs, onProgress: options.onProgress });
  try {
    // Wait for the whole result: row counts, sort and export then see every row.
    await result.done;
  } catch (err) {
    await result.dispose().catch(() => undefined);
    throw err;
  }
  return result;
}

/** Releases the store's temp database on deactivate (only if a query ever loaded it). */
export async function disposeResultStore(): Promise<void> {
  if (!engineLoaded) return;
  const { disposeSharedResultStore } = require('../../core/engine/resultStore') as typeof import('../../core/engine/resultStore');
  await disposeSharedResultStore();
}
