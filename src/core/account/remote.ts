/**
 * The RemoteStore of the sync engine on a Supabase project (tables from supabase/migrations), through supabase-js
 * as the signed-in user, so every request is subject to row-level security.
 *
 * - connections → workspace_connections: the definition is encrypted on the client (crypto.ts) before upload.
 * - queries → saved_queries.
 * - settings → user_settings: one JSON document per user merged per key, written with optimistic concurrency
 *   (update … where revision = read revision) so two machines merging at once cannot drop each other's keys.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { UserError, throwIfAborted } from '../errors';
import { connectionAad, decryptSecret, encryptSecret } from './crypto';
import type { Collection, PullResult, PushOutcome, RemoteStore, SyncItem } from './syncEngine';

export interface SupabaseRemoteOptions {
  client: SupabaseClient;
  workspaceId: string;
  userId: string;
  /** The team key of the workspace (asked for only when connections are pushed or pulled). */
  teamKey: () => Promise<Buffer>;
}

const PAGE = 500;

function remoteError(action: string, error: { message?: string; code?: string } | null): never {
  const msg = error?.message?.split('\n')[0] ?? 'unknown error';
  throw new UserError(`${action} failed: ${msg}`, { code: error?.code });
}

const iso = (t: string) => new Date(t).toISOString();

export class SupabaseRemoteStore implements RemoteStore {
  constructor(private readonly o: SupabaseRemoteOptions) {}

  async push(collection: Collection, items: SyncItem[], signal?: AbortSignal): Promise<PushOutcome[]> {
    throwIfAborted(signal);
    if (collection === 'settings') return this.pushSettings(items, signal);
    const { client, workspaceId } = this.o;
    let rows: Record<string, unknown>[];
    let table: string;
    let keyCol: string;
    if (collection === 'connections') {
      const key = await this.o.teamKey();
      table = 'workspace_connections';
      keyCol = 'connection_name';
      rows = items.map((i) => ({
        workspace_id: workspaceId,
        connection_name: i.key,
        encrypted_config: i.deleted ? null : encryptSecret(key, JSON.stringify(i.value), connectionAad(workspaceId, i.key)),
        deleted: i.deleted,
        updated_at: i.updatedAt,
      }));
    } else {
      table = 'saved_queries';
      keyCol = 'query_id';
      rows = items.map((i) => {
        const v = (i.value ?? {}) as { name?: unknown; sql?: unknown; connectionName?: unknown };
        return {
          workspace_id: workspaceId,
          query_id: i.key,
          name: typeof v.name === 'string' ? v.name : '',
          sql: typeof v.sql === 'string' ? v.sql : '',
          connection_name: typeof v.connectionName === 'string' ? v.connectionName : null,
          deleted: i.deleted,
          updated_at: i.updatedAt,
        };
      });
    }
    const q = client.from(table).upsert(rows, { onConflict: `workspace_id,${keyCol}` }).select(`${keyCol}, updated_at`);
    const { data, error } = await (signal ? q.abortSignal(signal) : q);
    if (error) remoteError(`Uploading ${collection}`, error);
    // The server's LWW guard skips rows it holds a newer version of; those are absent from the returned rows.
    const written = new Map((data as unknown as Array<Record<string, string>>).map((r) => [r[keyCol], iso(r.updated_at)]));
    return items.map((i) => ({ key: i.key, result: written.get(i.key) === iso(i.updatedAt) ? 'applied' : 'stale' }));
  }

  async pull(collection: Collection, since: string | undefined, signal?: AbortSignal): Promise<PullResult> {
    throwIfAborted(signal);
    if (collection === 'settings') return this.pullSettings(since, signal);
    const { client, workspaceId } = this.o;
    const table = collection === 'connections' ? 'workspace_connections' : 'saved_queries';
    const key = collection === 'connections' ? await this.o.teamKey() : undefined;
    const items: SyncItem[] = [];
    let watermark = since;
    for (let offset = 0; ; offset += PAGE) {
      let q = client.from(table).select('*').eq('workspace_id', workspaceId);
      if (since) q = q.gt('server_updated_at', since);
      const page = q.order('server_updated_at', { ascending: true }).range(offset, offset + PAGE - 1);
      const { data, error } = await (signal ? page.abortSignal(signal) : page);
      if (error) remoteError(`Downloading ${collection}`, error);
      for (const row of data as Array<Record<string, any>>) {
        if (!watermark || Date.parse(row.server_updated_at) > Date.parse(watermark)) watermark = iso(row.server_updated_at);
        if (collection === 'connections') {
          const value = row.deleted ? null : JSON.parse(decryptSecret(key!, row.encrypted_config, connectionAad(workspaceId, row.connection_name)));
          items.push({ key: row.connection_name, value, updatedAt: iso(row.updated_at), deleted: !!row.deleted });
        } else {
          const value = row.deleted ? null : { name: row.name, sql: row.sql, ...(row.connection_name ? { connectionName: row.connection_name } : {}) };
          items.push({ key: row.query_id, value, updatedAt: iso(row.updated_at), deleted: !!row.deleted });
        }
      }
      if ((data as unknown[]).length < PAGE) break;
    }
    return { items, watermark };
  }

  // -------------------------------------------------------------------------------------------- settings
  private async readSettings(signal?: AbortSignal) {
    const q = this.o.client.from('user_settings').select('settings, revision, server_updated_at').eq('user_id', this.o.userId);
    const { data, error } = await (signal ? q.abortSignal(signal) : q);
    if (error) remoteError('Downloading settings', error);
    const row = (data as Array<{ settings: Record<string, SettingEntry>; revision: number; server_updated_at: string }>)[0];
    return row;
  }

  private async pullSettings(since: string | undefined, signal?: AbortSignal): Promise<PullResult> {
    const row = await this.readSettings(signal);
    if (!row || (since && Date.parse(row.server_updated_at) <= Date.parse(since))) return { items: [], watermark: since };
    const items = Object.entries(row.settings ?? {}).map(([key, e]) => ({
      key,
      value: e.deleted ? null : e.value,
      updatedAt: iso(e.updated_at),
      deleted: !!e.deleted,
    }));
    return { items, watermark: iso(row.server_updated_at) };
  }

  private async pushSettings(items: SyncItem[], signal?: AbortSignal): Promise<PushOutcome[]> {
    for (let attempt = 0; attempt < 5; attempt++) {
      throwIfAborted(signal);
      const row = await this.readSettings(signal);
      const doc: Record<string, SettingEntry> = { ...(row?.settings ?? {}) };
      const outcomes: PushOutcome[] = [];
      let latest = new Date(0).toISOString();
      for (const i of items) {
        const cur = doc[i.key];
        if (cur && Date.parse(cur.updated_at) > Date.parse(i.updatedAt)) {
          outcomes.push({ key: i.key, result: 'stale' });
          continue;
        }
        doc[i.key] = i.deleted ? { value: null, updated_at: i.updatedAt, deleted: true } : { value: i.value, updated_at: i.updatedAt };
        outcomes.push({ key: i.key, result: 'applied' });
        if (Date.parse(i.updatedAt) > Date.parse(latest)) latest = i.updatedAt;
      }
      if (!outcomes.some((o) => o.result === 'applied')) return outcomes;
      const rowUpdatedAt = new Date(Math.max(Date.parse(latest), Date.now())).toISOString();
      if (!row) {
        const ins = this.o.client.from('user_settings').insert({ user_id: this.o.userId, settings: doc, revision: 1, updated_at: rowUpdatedAt }).select('revision');
        const { error } = await (signal ? ins.abortSignal(signal) : ins);
        if (!error) return outcomes;
        if (error.code !== '23505') remoteError('Uploading settings', error); // 23505: another machine created it first
        continue;
      }
      const upd = this.o.client
        .from('user_settings')
        .update({ settings: doc, revision: Number(row.revision) + 1, updated_at: rowUpdatedAt })
        .eq('user_id', this.o.userId)
        .eq('revision', row.revision)
        .select('revision');
      const { data, error } = await (signal ? upd.abortSignal(signal) : upd);
      if (error) remoteError('Uploading settings', error);
      if ((data as unknown[]).length === 1) return outcomes;
      // Someone else wrote in between: re-read and merge again.
    }
    throw new UserError('Uploading settings failed: the settings kept changing on the server; try again.');
  }
}

interface SettingEntry {
  value: unknown;
  updated_at: string;
  deleted?: boolean;
}

/**
 * The workspace this user syncs into: the preferred one if they are a member, else their first membership, else
 * a new "Personal" workspace they own.
 */
export async function resolveWorkspace(client: SupabaseClient, userId: string, preferred?: string): Promise<{ id: string; name: string }> {
  // RLS shows exactly the workspaces this user belongs to (or created).
  const { data, error } = await client.from('workspaces').select('id, name').order('created_at', { ascending: true });
  if (error) remoteError('Listing your workspaces', error);
  const rows = data as Array<{ id: string; name: string }>;
  const pick = rows.find((r) => r.id === preferred) ?? rows[0];
  if (pick) return { id: pick.id, name: pick.name };
  const created = await client.from('workspaces').insert({ name: 'Personal', created_by: userId }).select('id, name').single();
  if (created.error) remoteError('Creating your workspace', created.error);
  return created.data as { id: string; name: string };
}

/** Adds a teammate (who has signed in once) to the workspace; only owners/admins may (checked by the server). */
export async function addWorkspaceMember(client: SupabaseClient, workspaceId: string, email: string, role: 'member' | 'admin' = 'member'): Promise<string> {
  const { data, error } = await client.rpc('add_workspace_member', { ws: workspaceId, member_email: email.trim(), member_role: role });
  if (error) remoteError(`Adding ${email.trim()}`, error);
  return data as string;
}
