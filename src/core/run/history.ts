/**
 * The query history model: newest first, capped, serialisable to VS Code globalState/workspaceState as plain JSON.
 * SQL is kept (it is what the user re-runs); secrets never are, since entries only reference a connection id.
 */

export type RunStatus = 'ok' | 'error' | 'cancelled' | 'refused';

export interface HistoryEntry {
  id: string;
  connectionId: string;
  connectionName: string;
  sql: string;
  /** Epoch milliseconds when the statement started. */
  startedAt: number;
  durationMs: number;
  /** Rows returned (or affected for DML); undefined when it failed. */
  rows?: number;
  status: RunStatus;
  /** One-line message for failed/refused runs. */
  error?: string;
}

export interface SavedQuery {
  id: string;
  name: string;
  sql: string;
  connectionId?: string;
  /** Connection name from sync when no local connection has it yet (see savedQueries.ts). */
  connectionName?: string;
  savedAt: number;
}

export const DEFAULT_HISTORY_LIMIT = 500;

export function newId(now = Date.now()): string {
  return `${now.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Adds an entry at the front and drops the oldest past `limit`. Returns a new array. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry, limit = DEFAULT_HISTORY_LIMIT): HistoryEntry[] {
  return [entry, ...history].slice(0, Math.max(1, limit));
}

/** Reads what was stored, dropping anything malformed (older versions, manual edits) rather than failing. */
export function parseHistory(raw: unknown): HistoryEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (e): e is HistoryEntry =>
      !!e &&
      typeof e === 'object' &&
      typeof (e as HistoryEntry).id === 'string' &&
      typeof (e as HistoryEntry).sql === 'string' &&
      typeof (e as HistoryEntry).connectionId === 'string' &&
      typeof (e as HistoryEntry).startedAt === 'number' &&
      ['ok', 'error', 'cancelled', 'refused'].includes((e as HistoryEntry).status),
  );
}

export function parseSavedQueries(raw: unknown): SavedQuery[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (q): q is SavedQuery => !!q && typeof q === 'object' && typeof (q as SavedQuery).id === 'string' && typeof (q as SavedQuery).name === 'string' && typeof (q as SavedQuery).sql === 'string',
  );
}

/** "1.2 s", "340 ms", "2 min 5 s" */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The first line of the SQL, squeezed, for tree labels. */
export function sqlLabel(sql: string, max = 80): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One-line description for the history tree: "Workspace files · 12 rows · 35 ms". */
export function describeEntry(e: HistoryEntry): string {
  const parts = [e.connectionName];
  if (e.status === 'ok') parts.push(`${e.rows ?? 0} row${e.rows === 1 ? '' : 's'}`);
  else parts.push(e.status);
  parts.push(formatDuration(e.durationMs));
  return parts.filter(Boolean).join(' · ');
}
