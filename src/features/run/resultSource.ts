/**
 * Where a statement's rows go: the engine's result store (spilled into a local DuckDB, paged/sorted/filtered and
 * exported there), required lazily so activation does not load DuckDB. The rest of the run feature only sees
 * PagedResult. The result is handed back as soon as its first batch is stored; the rest keeps streaming in
 * (`done` settles when it is all there), so the grid shows rows without waiting for a million of them.
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
  return openResultSet(conn, sql, { signal: options.signal, timeoutMs: options.timeoutMs, onProgress: options.onProgress });
}

/** Releases the store's temp database on deactivate (only if a query ever loaded it). */
export async function disposeResultStore(): Promise<void> {
  if (!engineLoaded) return;
  const { disposeSharedResultStore } = require('../../core/engine/resultStore') as typeof import('../../core/engine/resultStore');
  await disposeSharedResultStore();
}
