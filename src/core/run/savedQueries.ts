/**
 * Saved queries: the one store that both the History view (run feature) and account sync read and write. Kept in a
 * key-value state (VS Code's globalState in the extension, a Map in tests) under `iopsdata.savedQueries` as the
 * plain array the run feature always stored. Saved queries belong to the user, not to one folder: sync compares
 * the store with what it last synced, so a per-folder store would read as "all deleted" in every other folder.
 * Queries an older version kept per folder (workspaceState) are adopted once (adoptLegacy).
 *
 * Sync sees each saved query as `{ name, sql, connectionName? }` keyed by its id: connection ids are local to a
 * machine, names are what the synced connection definitions share. A name that matches no local connection is kept
 * on the query (connectionName) so it is not lost, and binds once such a connection appears.
 */
import { UserError } from '../errors';
import { newId, parseSavedQueries, type SavedQuery } from './history';

export const SAVED_QUERIES_KEY = 'iopsdata.savedQueries';
/** The server's limit on a saved query's name (and id) length. */
export const MAX_SAVED_QUERY_NAME = 200;

/** The part of VS Code's Memento this store needs (no vscode import in core). */
export interface KeyValueState {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

export class MemoryKeyValueState implements KeyValueState {
  readonly map = new Map<string, unknown>();
  get(key: string): unknown {
    return structuredClone(this.map.get(key));
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.map.delete(key);
    else this.map.set(key, structuredClone(value));
  }
}

/** A saved query as sync exchanges it. */
export interface SyncedSavedQuery {
  name: string;
  sql: string;
  connectionName?: string;
}

/** Who changed the store: the user (History view, commands) or sync applying remote edits. */
export type SavedQueryChangeOrigin = 'local' | 'sync';

export interface ConnectionNames {
  /** Name of a local connection by id (undefined when it no longer exists). */
  nameOf(id: string): string | undefined;
  /** Id of the local connection with this name. */
  idOf(name: string): string | undefined;
}

function cleanName(name: unknown): string {
  const n = typeof name === 'string' ? name.replace(/\s+/g, ' ').trim() : '';
  if (!n) throw new UserError('A saved query needs a name.');
  if (n.length > MAX_SAVED_QUERY_NAME) throw new UserError(`A saved query's name can be at most ${MAX_SAVED_QUERY_NAME} characters.`);
  return n;
}

function cleanSql(sql: unknown): string {
  const s = typeof sql === 'string' ? sql.trim() : '';
  if (!s) throw new UserError('Nothing to save: the query has no SQL.');
  return s;
}

export class SavedQueryStore {
  private readonly listeners = new Set<(origin: SavedQueryChangeOrigin) => void>();
  private readonly now: () => number;
  private readonly makeId: () => string;

  constructor(
    private readonly state: KeyValueState,
    options: { now?: () => number; newId?: () => string } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.makeId = options.newId ?? (() => newId(this.now()));
  }

  list(): SavedQuery[] {
    return parseSavedQueries(this.state.get(SAVED_QUERIES_KEY));
  }

  get(id: string): SavedQuery | undefined {
    return this.list().find((q) => q.id === id);
  }

  onDidChange(listener: (origin: SavedQueryChangeOrigin) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  async save(name: string, sql: string, connectionId?: string): Promise<SavedQuery> {
    const q: SavedQuery = { id: this.makeId(), name: cleanName(name), sql: cleanSql(sql), connectionId, savedAt: this.now() };
    await this.write([...this.list(), q], 'local');
    return q;
  }

  /** Renames and/or replaces the SQL of a saved query; throws if it no longer exists (deleted elsewhere). */
  async update(id: string, patch: { name?: string; sql?: string }): Promise<SavedQuery> {
    const list = this.list();
    const i = list.findIndex((q) => q.id === id);
    if (i < 0) throw new UserError('That saved query no longer exists (it may have been deleted on another machine).');
    const next: SavedQuery = {
      ...list[i],
      ...(patch.name !== undefined ? { name: cleanName(patch.name) } : {}),
      ...(patch.sql !== undefined ? { sql: cleanSql(patch.sql) } : {}),
      savedAt: this.now(),
    };
    list[i] = next;
    await this.write(list, 'local');
    return next;
  }

  async remove(id: string): Promise<boolean> {
    const list = this.list();
    const next = list.filter((q) => q.id !== id);
    if (next.length === list.length) return false;
    await this.write(next, 'local');
    return true;
  }

  /**
   * Moves saved queries kept in an older per-folder state into this store (ids already here win), then clears them
   * there. Idempotent; cheap when there is nothing to move.
   */
  async adoptLegacy(legacy: KeyValueState): Promise<number> {
    const old = parseSavedQueries(legacy.get(SAVED_QUERIES_KEY));
    if (!old.length) return 0;
    const list = this.list();
    const known = new Set(list.map((q) => q.id));
    const moved = old.filter((q) => !known.has(q.id));
    if (moved.length) await this.write([...list, ...moved], 'local');
    await legacy.update(SAVED_QUERIES_KEY, undefined);
    return moved.length;
  }

  // -------------------------------------------------------------------------------------------- sync side
  /** The saved queries as sync sees them, keyed by id. */
  toSynced(connections: ConnectionNames): Record<string, SyncedSavedQuery> {
    const out: Record<string, SyncedSavedQuery> = {};
    for (const q of this.list()) {
      const connectionName = (q.connectionId ? connections.nameOf(q.connectionId) : undefined) ?? q.connectionName;
      out[q.id] = { name: q.name, sql: q.sql, ...(connectionName ? { connectionName } : {}) };
    }
    return out;
  }

  /**
   * Applies edits that sync pulled (value undefined/deleted = removed), in one write. Malformed remote values are
   * skipped rather than stored, so a bad row can never break the History view.
   */
  async applySynced(changes: ReadonlyArray<{ key: string; value: unknown; deleted: boolean }>, connections: ConnectionNames): Promise<void> {
    const list = this.list();
    let changed = false;
    for (const ch of changes) {
      const i = list.findIndex((q) => q.id === ch.key);
      if (ch.deleted) {
        if (i >= 0) {
          list.splice(i, 1);
          changed = true;
        }
        continue;
      }
      const v = ch.value as Partial<SyncedSavedQuery> | null;
      if (!v || typeof v.name !== 'string' || typeof v.sql !== 'string' || !v.name.trim()) continue;
      const connectionName = typeof v.connectionName === 'string' && v.connectionName ? v.connectionName : undefined;
      const q: SavedQuery = {
        id: ch.key,
        name: v.name,
        sql: v.sql,
        connectionId: connectionName ? connections.idOf(connectionName) : undefined,
        savedAt: i >= 0 ? list[i].savedAt : this.now(),
      };
      if (connectionName) q.connectionName = connectionName;
      if (i >= 0) list[i] = q;
      else list.push(q);
      changed = true;
    }
    if (changed) await this.write(list, 'sync');
  }

  private async write(list: SavedQuery[], origin: SavedQueryChangeOrigin): Promise<void> {
    // Drop undefined fields: the state is JSON and the History view compares what it reads back.
    await this.state.update(SAVED_QUERIES_KEY, list.map((q) => JSON.parse(JSON.stringify(q))));
    for (const l of [...this.listeners]) {
      try {
        l(origin);
      } catch {
        // a listener's failure must not undo or block the write
      }
    }
  }
}
