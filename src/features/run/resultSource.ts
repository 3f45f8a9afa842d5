/**
 * Where a statement's rows go: the engine's spilled ResultSet when available, else an in-memory result. Kept in one
 * place so the rest of the run feature only sees PagedResult.
 */
import type { Connection } from '../../core/connections/types';
import { MemoryResult, type PagedResult } from '../../core/run/memoryResult';

export async function openResult(conn: Connection, sql: string, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<PagedResult> {
  return MemoryResult.fromQuery(conn, sql, { ...options, maxRows: 1_000_000 });
}
