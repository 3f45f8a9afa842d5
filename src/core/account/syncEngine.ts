/**
 * Offline-first sync of small keyed collections (settings, connection definitions, saved queries) with a remote
 * store, last-writer-wins per item by the item's edit time (updatedAt).
 *
 * Pure with respect to I/O: the caller supplies the local values (LocalSource), the remote (RemoteStore) and where
 * the engine's own state lives (StateStore: the outbox and the last synced copy of every item). The state is saved
 * after every step, so a network failure or crash mid-sync loses nothing: unsent edits stay in the outbox and the
 * next sync continues from there.
 *
 * One sync = scan (diff local values against the last synced copy → outbox) → push outbox (batch by batch; the
 * server ignores a write older than what it has: "stale") → pull incrementally since the last server watermark
 * and apply what is newer than the local copy. When a remote edit beats an unsent local edit, the local value is
 * kept in the conflict notice (so it is visible and recoverable) and the remote one is applied.
 */
import { throwIfAborted } from '../errors';

export const COLLECTIONS = ['settings', 'connections', 'queries'] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface SyncItem {
  key: string;
  /** JSON value; null when deleted. */
  value: unknown;
  /** ISO time of the edit that produced this value (client clock). */
  updatedAt: string;
  deleted: boolean;
}

export interface OutboxEntry extends SyncItem {
  collection: Collection;
  /** The server already answered that it holds a newer version; the next pull resolves it. */
  stale?: boolean;
}

export interface ConflictNotice {
  collection: Collection;
  key: string;
  /** Which side's value is now in effect. */
  kept: 'remote' | 'local';
  /** The value that lost (so the user can recover it); undefined when it was a deletion. */
  discarded?: unknown;
  localUpdatedAt: string;
  remoteUpdatedAt: string;
  at: string;
}

export interface SyncState {
  version: 1;
  /** Last synced copy of every item (the base that local edits are detected against). */
  items: Record<Collection, Record<string, SyncItem>>;
  outbox: OutboxEntry[];
  /** Server time of the newest pulled change per collection. */
  watermarks: Partial<Record<Collection, string>>;
  /** Recent conflict notices, newest last (bounded). */
  conflicts: ConflictNotice[];
  lastSyncAt?: string;
}

export interface PushOutcome {
  key: string;
  result: 'applied' | 'stale';
}

export interface PullResult {
  items: SyncItem[];
  /** Server time of the newest change in `items` (or the `since` passed when nothing changed). */
  watermark?: string;
}

export interface RemoteStore {
  push(collection: Collection, items: SyncItem[], signal?: AbortSignal): Promise<PushOutcome[]>;
  pull(collection: Collection, since: string | undefined, signal?: AbortSignal): Promise<PullResult>;
}

export interface LocalSource {
  /** Current local values by key. */
  read(collection: Collection): Promise<Record<string, unknown>>;
  /** Applies remote changes locally (value undefined = delete). */
  write(collection: Collection, changes: Array<{ key: string; value: unknown; deleted: boolean }>): Promise<void>;
}

export interface StateStore {
  load(): Promise<SyncState | undefined>;
  save(state: SyncState): Promise<void>;
}

export interface SyncReport {
  pushed: number;
  pulled: number;
  applied: number;
  conflicts: ConflictNotice[];
  /** Outbox entries still waiting (nonzero after a network failure). */
  pending: number;
  /** Set when the sync stopped early (offline, server error); what was done so far is saved. */
  error?: unknown;
}

export interface SyncOptions {
  collections?: readonly Collection[];
  now?: () => Date;
  signal?: AbortSignal;
  /** Items per push request. */
  batchSize?: number;
  /** Re-pull this much before the watermark, so rows committed out of order are not missed (applying is idempotent). */
  overlapMs?: number;
}

const MAX_CONFLICTS = 50;

export function emptyState(): SyncState {
  return { version: 1, items: { settings: {}, connections: {}, queries: {} }, outbox: [], watermarks: {}, conflicts: [] };
}

/** Parses a stored state defensively: anything malformed becomes a fresh state rather than a crash. */
export function normalizeState(raw: unknown): SyncState {
  const s = emptyState();
  if (!raw || typeof raw !== 'object' || (raw as SyncState).version !== 1) return s;
  const r = raw as SyncState;
  for (const c of COLLECTIONS) if (r.items && typeof r.items[c] === 'object' && r.items[c]) s.items[c] = r.items[c];
  if (Array.isArray(r.outbox)) s.outbox = r.outbox.filter((e) => e && COLLECTIONS.includes(e.collection) && typeof e.key === 'string');
  if (r.watermarks && typeof r.watermarks === 'object') s.watermarks = r.watermarks;
  if (Array.isArray(r.conflicts)) s.conflicts = r.conflicts.slice(-MAX_CONFLICTS);
  if (typeof r.lastSyncAt === 'string') s.lastSyncAt = r.lastSyncAt;
  return s;
}

/** JSON with sorted object keys, so equal values compare equal regardless of key order. */
export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.keys(val).sort().map((k) => [k, (val as Record<string, unknown>)[k]]))
      : val,
  );
}

const sameValue = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);
const newer = (a: string, b: string) => Date.parse(a) > Date.parse(b);

export class SyncEngine {
  private state: SyncState = emptyState();
  private loaded = false;
  private running: Promise<SyncReport> | undefined;

  constructor(
    private readonly local: LocalSource,
    private readonly remote: RemoteStore,
    private readonly store: StateStore,
  ) {}

  async getState(): Promise<SyncState> {
    await this.ensureLoaded();
    return this.state;
  }

  /** Number of local edits not yet acknowledged by the server. */
  async pendingCount(): Promise<number> {
    await this.ensureLoaded();
    return this.state.outbox.length;
  }

  private async ensureLoaded(): Promise<void> {
    if (this.loaded) return;
    this.state = normalizeState(await this.store.load());
    this.loaded = true;
  }

  /**
   * Records local edits (diff of the current local values against the last synced copy) into the outbox without
   * touching the network; call it when local values change so offline edits get their real edit time.
   */
  async scan(options: Pick<SyncOptions, 'collections' | 'now'> = {}): Promise<number> {
    await this.ensureLoaded();
    const now = (options.now ?? (() => new Date()))().toISOString();
    let added = 0;
    for (const c of options.collections ?? COLLECTIONS) {
      const current = await this.local.read(c);
      const base = this.state.items[c];
      const pending = new Map(this.state.outbox.filter((e) => e.collection === c).map((e) => [e.key, e]));
      const record = (key: string, value: unknown, deleted: boolean) => {
        const last = pending.get(key) ?? base[key];
        if (last && last.deleted === deleted && (deleted || sameValue(last.value, value))) return;
        // Coalesce: one outbox entry per item, the latest edit wins.
        this.state.outbox = this.state.outbox.filter((e) => !(e.collection === c && e.key === key));
        const entry: OutboxEntry = { collection: c, key, value: deleted ? null : value, updatedAt: now, deleted };
        this.state.outbox.push(entry);
        pending.set(key, entry);
        added++;
      };
      for (const [key, value] of Object.entries(current)) record(key, value, false);
      const known = new Set([...Object.keys(base).filter((k) => !base[k].deleted), ...[...pending.values()].filter((e) => !e.deleted).map((e) => e.key)]);
      for (const key of known) if (!(key in current)) record(key, null, true);
    }
    if (added) await this.store.save(this.state);
    return added;
  }

  /** Runs one sync; concurrent calls share the running one. Never throws for network errors: see report.error. */
  sync(options: SyncOptions = {}): Promise<SyncReport> {
    if (!this.running) {
      this.running = this.doSync(options).finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  private async doSync(options: SyncOptions): Promise<SyncReport> {
    await this.ensureLoaded();
    const collections = options.collections ?? COLLECTIONS;
    const now = options.now ?? (() => new Date());
    const batchSize = options.batchSize ?? 50;
    const report: SyncReport = { pushed: 0, pulled: 0, applied: 0, conflicts: [], pending: 0 };
    try {
      // A collection never synced on this machine pulls first, so joining a team adopts the team's items instead
      // of overwriting them with whatever this machine happened to have (differences become conflict notices).
      for (const c of collections) {
        if (this.state.watermarks[c] === undefined && !Object.keys(this.state.items[c]).length && !this.state.outbox.some((e) => e.collection === c)) {
          await this.pullCollection(c, report, options, await this.local.read(c));
        }
      }
      await this.scan({ collections, now });
      // push
      for (const c of collections) {
        for (;;) {
          throwIfAborted(options.signal);
          const batch = this.state.outbox.filter((e) => e.collection === c && !e.stale).slice(0, batchSize);
          if (!batch.length) break;
          const outcomes = await this.remote.push(c, batch.map(toItem), options.signal);
          const byKey = new Map(outcomes.map((o) => [o.key, o.result]));
          for (const entry of batch) {
            const result = byKey.get(entry.key);
            if (result === 'applied') {
              this.state.items[c][entry.key] = toItem(entry);
              this.state.outbox = this.state.outbox.filter((e) => e !== entry);
              report.pushed++;
            } else {
              // 'stale' (or no answer for it): the server holds a newer version; the pull below resolves it.
              entry.stale = true;
            }
          }
          await this.store.save(this.state);
        }
      }
      for (const c of collections) await this.pullCollection(c, report, options, undefined);
      this.state.lastSyncAt = now().toISOString();
      await this.store.save(this.state);
    } catch (err) {
      report.error = err;
      try {
        await this.store.save(this.state);
      } catch {}
    }
    report.pending = this.state.outbox.length;
    return report;
  }

  private async pullCollection(c: Collection, report: SyncReport, options: SyncOptions, firstLocal: Record<string, unknown> | undefined): Promise<void> {
    const now = options.now ?? (() => new Date());
    throwIfAborted(options.signal);
    const wm = this.state.watermarks[c];
    const since = wm ? new Date(Date.parse(wm) - (options.overlapMs ?? 2000)).toISOString() : undefined;
    const pulled = await this.remote.pull(c, since, options.signal);
    report.pulled += pulled.items.length;
    const changes: Array<{ key: string; value: unknown; deleted: boolean }> = [];
    const conflict = (key: string, discarded: unknown, localUpdatedAt: string, r: SyncItem) => {
      report.conflicts.push({ collection: c, key, kept: 'remote', discarded, localUpdatedAt, remoteUpdatedAt: r.updatedAt, at: now().toISOString() });
    };
    for (const r of pulled.items) {
      const pending = this.state.outbox.find((e) => e.collection === c && e.key === r.key);
      const base = this.state.items[c][r.key];
      if (pending) {
        if (!newer(r.updatedAt, pending.updatedAt)) continue; // our unsent edit is newer: it will be pushed
        this.state.outbox = this.state.outbox.filter((e) => e !== pending);
        if (!(pending.deleted === r.deleted && (r.deleted || sameValue(pending.value, r.value)))) {
          conflict(r.key, pending.deleted ? undefined : pending.value, pending.updatedAt, r);
        }
      } else if (base && !newer(r.updatedAt, base.updatedAt)) {
        continue; // already have this version (or a newer one)
      } else if (firstLocal && r.key in firstLocal && (r.deleted || !sameValue(firstLocal[r.key], r.value))) {
        conflict(r.key, firstLocal[r.key], '', r);
      }
      this.state.items[c][r.key] = { key: r.key, value: r.deleted ? null : r.value, updatedAt: r.updatedAt, deleted: r.deleted };
      const localNow = firstLocal ? firstLocal[r.key] : base?.value;
      const hadLocal = firstLocal ? r.key in firstLocal : !!base && !base.deleted;
      if (pending || hadLocal !== !r.deleted || (!r.deleted && !sameValue(localNow, r.value))) {
        changes.push({ key: r.key, value: r.deleted ? undefined : r.value, deleted: r.deleted });
      }
    }
    if (changes.length) await this.local.write(c, changes);
    report.applied += changes.length;
    // Stale entries the pull did not resolve (clock skew): drop them and re-pull everything next time.
    const unresolved = this.state.outbox.filter((e) => e.collection === c && e.stale);
    if (unresolved.length) {
      this.state.outbox = this.state.outbox.filter((e) => !unresolved.includes(e));
      delete this.state.watermarks[c];
    } else if (pulled.watermark && (!wm || newer(pulled.watermark, wm))) {
      this.state.watermarks[c] = pulled.watermark;
    } else if (!wm) {
      this.state.watermarks[c] = new Date(0).toISOString(); // pulled once (nothing there): no longer a first sync
    }
    this.state.conflicts = [...this.state.conflicts, ...report.conflicts.filter((n) => n.collection === c && !this.state.conflicts.includes(n))].slice(-MAX_CONFLICTS);
    await this.store.save(this.state);
  }
}

function toItem(e: SyncItem): SyncItem {
  return { key: e.key, value: e.deleted ? null : e.value, updatedAt: e.updatedAt, deleted: e.deleted };
}
