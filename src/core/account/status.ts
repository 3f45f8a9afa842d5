/**
 * What the account status bar item shows, as a pure function of the account state, so every state (signed out,
 * signed in, syncing, offline, failed, changes waiting, conflicts) is decided in one place and unit-testable.
 */
import { userMessage } from '../errors';
import type { Collection, ConflictNotice } from './syncEngine';

export type AccountStatusState = 'hidden' | 'syncing' | 'offline' | 'error' | 'conflicts' | 'pending' | 'synced';

export interface AccountStatusInput {
  /** The signed-in account's label (email); undefined when signed out or the account is not configured. */
  account?: string;
  syncing: boolean;
  /** Outcome of the last sync. */
  last?: { error?: unknown; pending: number; at: Date };
  /** Conflicts the user has not looked at yet. */
  unseenConflicts: number;
}

export interface AccountStatusView {
  state: AccountStatusState;
  text: string;
  tooltip: string;
  /** Command run when the item is clicked. */
  command: string;
}

const OFFLINE = /reach the Supabase server|fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket hang up|other side closed|network|offline/i;

/** True for failures that mean "the server could not be reached" (retrying later will do), not a refusal. */
export function isOfflineError(err: unknown): boolean {
  if (err === undefined || err === null) return false;
  const cause = (err as { cause?: unknown }).cause;
  return OFFLINE.test(userMessage(err)) || (cause !== undefined && cause !== err && isOfflineError(cause));
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function accountStatus(i: AccountStatusInput): AccountStatusView {
  const sync = 'iopsdata.account.sync';
  if (!i.account) return { state: 'hidden', text: '', tooltip: '', command: sync };
  const who = `Signed in to iOpsData as ${i.account}`;
  if (i.syncing) return { state: 'syncing', text: '$(sync~spin) iOpsData', tooltip: `${who}\nSyncing settings, connections and saved queries…`, command: sync };
  const pending = i.last?.pending ?? 0;
  const waiting = pending ? `\n${plural(pending, 'change')} waiting to upload (kept on this machine until the server has them).` : '';
  if (i.last?.error) {
    const offline = isOfflineError(i.last.error);
    return {
      state: offline ? 'offline' : 'error',
      text: `$(${offline ? 'cloud-offline' : 'warning'}) iOpsData${pending ? ` ${pending}` : ''}`,
      tooltip: `${who}\n${offline ? 'Offline: cannot reach the Supabase server.' : `Sync failed: ${userMessage(i.last.error)}`}${waiting}\nClick to retry.`,
      command: sync,
    };
  }
  if (i.unseenConflicts > 0) {
    return {
      state: 'conflicts',
      text: `$(warning) iOpsData ${plural(i.unseenConflicts, 'conflict')}`,
      tooltip: `${who}\n${plural(i.unseenConflicts, 'item')} changed on another machine more recently than your edit; the newer version was kept.\nClick to review (your versions can be restored).`,
      command: 'iopsdata.account.showConflicts',
    };
  }
  if (pending) return { state: 'pending', text: `$(cloud-upload) iOpsData ${pending}`, tooltip: `${who}${waiting}\nClick to sync now.`, command: sync };
  return {
    state: 'synced',
    text: '$(cloud) iOpsData',
    tooltip: `${who}\n${i.last ? `Synced at ${i.last.at.toLocaleTimeString()}.` : 'Not synced yet in this window.'} Click to sync now.`,
    command: sync,
  };
}

const KIND: Record<Collection, string> = { settings: 'setting', connections: 'connection', queries: 'saved query' };

/** Human name of a conflicting item: saved queries by their name (their key is an opaque id), others by key. */
export function conflictLabel(c: ConflictNotice, currentName?: (c: ConflictNotice) => string | undefined): string {
  const discardedName = c.collection === 'queries' ? (c.discarded as { name?: unknown } | undefined)?.name : undefined;
  const name = (typeof discardedName === 'string' && discardedName) || currentName?.(c) || c.key;
  return `${KIND[c.collection]} "${name}"`;
}

/** The one-line notice shown after a sync that resolved conflicts. Never includes values (connections hold secrets). */
export function conflictMessage(conflicts: readonly ConflictNotice[], currentName?: (c: ConflictNotice) => string | undefined): string {
  const names = conflicts.slice(0, 3).map((c) => conflictLabel(c, currentName));
  const more = conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : '';
  const verb = conflicts.length === 1 ? 'was' : 'were';
  return `iOpsData sync: ${names.join(', ')}${more} ${verb} changed on another machine more recently; the newer version replaced your local edit.`;
}
