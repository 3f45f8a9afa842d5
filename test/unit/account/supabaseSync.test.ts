/**
 * The real supabase-js, driven through our production code (client factory, auth flows, SupabaseRemoteStore,
 * SyncEngine, uploadFileAsset) against the loopback Supabase (test/helpers/supabaseServer.ts) whose PostgREST runs
 * on a real PostgreSQL with the migrations' row-level security.
 */
import { strict as assert } from 'node:assert';
import type { SupabaseClient } from '@supabase/supabase-js';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { applySupabaseSchema } from '../../helpers/supabaseDb';
import { startFakeSupabase, type FakeSupabase } from '../../helpers/supabaseServer';
import { AUTH_STORAGE_KEY, MemoryAuthStorage, createAccountClient, validateAccountConfig } from '../../../src/core/account/client';
import { completeFromCallback, sendEmailCode, signInWithPassword, signOut, startOAuth, verifyEmailCode } from '../../../src/core/account/auth';
import { SupabaseRemoteStore, addWorkspaceMember, resolveWorkspace } from '../../../src/core/account/remote';
import { SyncEngine, type Collection, type LocalSource, type StateStore, type SyncState } from '../../../src/core/account/syncEngine';
import { generateTeamKey } from '../../../src/core/account/crypto';
import { uploadFileAsset } from '../../../src/core/account/files';
import { listWorkspaceMembers, removeWorkspaceMember } from '../../../src/core/account/members';
import { conflictMessage } from '../../../src/core/account/status';
import { MemoryKeyValueState, SavedQueryStore, type ConnectionNames } from '../../../src/core/run/savedQueries';

const REDIRECT = 'vscode://iopsdata.iopsdata/auth-callback';

class Machine implements LocalSource, StateStore {
  values: Record<Collection, Record<string, unknown>> = { settings: {}, connections: {}, queries: {} };
  saved: SyncState | undefined;
  async read(c: Collection) {
    return structuredClone(this.values[c]);
  }
  async write(c: Collection, changes: Array<{ key: string; value: unknown; deleted: boolean }>) {
    for (const ch of changes) {
      if (ch.deleted) Reflect.deleteProperty(this.values[c], ch.key);
      else this.values[c][ch.key] = structuredClone(ch.value);
    }
  }
  async load() {
    return this.saved ? structuredClone(this.saved) : undefined;
  }
  async save(s: SyncState) {
    this.saved = structuredClone(s);
  }
}

/** A machine whose saved queries are the History view's store (as in the extension), other collections plain. */
class StoreMachine extends Machine {
  readonly store = new SavedQueryStore(new MemoryKeyValueState());
  constructor(readonly connections: ConnectionNames) {
    super();
  }
  override async read(c: Collection) {
    return c === 'queries' ? this.store.toSynced(this.connections) : super.read(c);
  }
  override async write(c: Collection, changes: Array<{ key: string; value: unknown; deleted: boolean }>) {
    return c === 'queries' ? this.store.applySynced(changes, this.connections) : super.write(c, changes);
  }
}

const names = (map: Record<string, string>): ConnectionNames => ({
  nameOf: (id) => map[id],
  idOf: (name) => Object.keys(map).find((id) => map[id] === name),
});

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('account: supabase-js against a loopback Supabase on real PostgreSQL', function () {
  this.timeout(120_000);
  let pg: PostgresServer;
  let sb: FakeSupabase;
  let aliceId: string;
  let bobId: string;
  const clients: SupabaseClient[] = [];

  const newClient = (storage = new MemoryAuthStorage(), autoRefreshToken = false) => {
    const client = createAccountClient(validateAccountConfig(sb.url, sb.anonKey), { storage, autoRefreshToken });
    clients.push(client);
    return { client, storage };
  };

  before(async () => {
    pg = await startPostgres();
    applySupabaseSchema(pg);
    sb = await startFakeSupabase({ databaseUrl: pg.url, oauthUserEmail: 'alice@example.test' });
    aliceId = await sb.createUser('alice@example.test', 'alice-password');
    bobId = await sb.createUser('bob@example.test', 'bob-password');
  });

  after(async () => {
    for (const c of clients) await c.auth.stopAutoRefresh().catch(() => {});
    await sb?.stop();
    await pg?.stop();
  });

  it('validates the account settings with one-line messages', () => {
    assert.throws(() => validateAccountConfig('', 'k'), /Set iopsdata.account.supabaseUrl/);
    assert.throws(() => validateAccountConfig('not a url', 'k'), /not a URL/);
    assert.throws(() => validateAccountConfig('http://example.com', 'k'), /must use https/);
    assert.deepEqual(validateAccountConfig('https://abc.supabase.co/', ' k '), { url: 'https://abc.supabase.co', anonKey: 'k' });
  });

  it('email + password: rejects a wrong password, then signs in and keeps the session only in the storage adapter', async () => {
    const { client, storage } = newClient();
    await assert.rejects(signInWithPassword(client, 'alice@example.test', 'nope'), /Sign-in failed: Invalid login credentials/);
    await assert.rejects(signInWithPassword(client, 'not-an-email', 'x'), /Not an email address/);
    const session = await signInWithPassword(client, 'alice@example.test', 'alice-password');
    assert.equal(session.user.id, aliceId);
    const stored = JSON.parse((await storage.getItem(AUTH_STORAGE_KEY))!);
    assert.equal(stored.refresh_token, session.refresh_token);
    const { data } = await client.auth.getUser();
    assert.equal(data.user?.email, 'alice@example.test');
  });

  it('refreshes an expiring access token automatically before a request', async () => {
    const prevTtl = sb.options.accessTokenTtlSec;
    sb.options.accessTokenTtlSec = 20; // inside supabase-js's expiry margin: the next use must refresh first
    try {
      const { client, storage } = newClient();
      const first = await signInWithPassword(client, 'alice@example.test', 'alice-password');
      const before = sb.requests.length;
      const { error } = await client.from('workspaces').select('id');
      assert.equal(error, null);
      const sent = sb.requests.slice(before);
      assert.ok(sent.some((r) => r.includes('grant_type=refresh_token')), sent.join('\n'));
      const stored = JSON.parse((await storage.getItem(AUTH_STORAGE_KEY))!);
      assert.notEqual(stored.refresh_token, first.refresh_token, 'rotated refresh token persisted');
    } finally {
      sb.options.accessTokenTtlSec = prevTtl;
    }
  });

  it('email one-time code: sends, rejects a wrong code, verifies the right one', async () => {
    const { client } = newClient();
    await sendEmailCode(client, 'bob@example.test');
    const mail = sb.outbox.at(-1)!;
    assert.equal(mail.email, 'bob@example.test');
    const wrong = mail.code === '000000' ? '111111' : '000000';
    await assert.rejects(verifyEmailCode(client, 'bob@example.test', wrong), /Verifying the code failed/);
    await assert.rejects(verifyEmailCode(client, 'bob@example.test', 'abc'), /6 digits/);
    const session = await verifyEmailCode(client, 'bob@example.test', mail.code);
    assert.equal(session.user.id, bobId);
  });

  it('magic link with PKCE: the link returns a code that only the requesting machine can exchange', async () => {
    const { client } = newClient();
    await sendEmailCode(client, 'alice@example.test', REDIRECT);
    const res = await fetch(sb.outbox.at(-1)!.link, { redirect: 'manual' });
    const location = res.headers.get('location')!;
    assert.ok(location.startsWith(`${REDIRECT}?code=`), location);
    const session = await completeFromCallback(client, new URL(location).search);
    assert.equal(session.user.id, aliceId);
  });

  it('OAuth (GitHub) via PKCE: authorize URL → callback code → session; a replayed code or another machine fails', async () => {
    const { client } = newClient();
    const url = await startOAuth(client, 'github', REDIRECT);
    const u = new URL(url);
    assert.equal(u.pathname, '/auth/v1/authorize');
    assert.equal(u.searchParams.get('provider'), 'github');
    assert.equal(u.searchParams.get('redirect_to'), REDIRECT);
    assert.ok(u.searchParams.get('code_challenge'));
    const res = await fetch(url, { redirect: 'manual' });
    const query = new URL(res.headers.get('location')!).search;
    // a different machine (no code verifier in its storage) cannot use the code
    const other = newClient();
    await assert.rejects(completeFromCallback(other.client, query), /Browser sign-in failed/);
    const session = await completeFromCallback(client, query);
    assert.equal(session.user.email, 'alice@example.test');
    await assert.rejects(completeFromCallback(client, query), /Browser sign-in failed/, 'a code is single-use');
    await assert.rejects(completeFromCallback(client, '?error=access_denied&error_description=User%20cancelled'), /User cancelled/);
  });

  it('refreshes on its own timer, with no request needed, and persists the rotated refresh token', async () => {
    const prevTtl = sb.options.accessTokenTtlSec;
    sb.options.accessTokenTtlSec = 60; // inside the 90 s margin: the timer's first tick must refresh
    try {
      const { client, storage } = newClient(new MemoryAuthStorage(), true);
      const first = await signInWithPassword(client, 'alice@example.test', 'alice-password');
      const before = sb.requests.length;
      await client.auth.startAutoRefresh();
      const rotated = await until('the timer to refresh', async () => {
        const stored = JSON.parse((await storage.getItem(AUTH_STORAGE_KEY))!);
        return stored.refresh_token !== first.refresh_token ? stored : undefined;
      });
      await client.auth.stopAutoRefresh();
      assert.ok(rotated.expires_at >= first.expires_at!);
      assert.notEqual(rotated.access_token, first.access_token);
      const sent = sb.requests.slice(before);
      assert.ok(sent.length >= 1 && sent.every((r) => r.startsWith('POST /auth/v1/token?grant_type=refresh_token')), sent.join('\n'));
      assert.equal(sb.hasLiveRefreshToken(aliceId), true);
    } finally {
      sb.options.accessTokenTtlSec = prevTtl;
    }
  });

  it('sign-out revokes the refresh token on the server and clears the stored session', async () => {
    const { client, storage } = newClient();
    const session = await signInWithPassword(client, 'bob@example.test', 'bob-password');
    assert.equal(await signOut(client, storage), true, 'revoked');
    assert.equal(await storage.getItem(AUTH_STORAGE_KEY), null);
    const reuse = await fetch(`${sb.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { apikey: sb.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
    assert.equal(reuse.status, 400);
    const { data } = await client.auth.getSession();
    assert.equal(data.session, null);
  });

  it('sign-out while offline still clears the stored session (and says the server was not told)', async () => {
    const { client, storage } = newClient();
    const session = await signInWithPassword(client, 'bob@example.test', 'bob-password');
    await storage.setItem(`${AUTH_STORAGE_KEY}-code-verifier`, 'left over from a browser sign-in');
    sb.offline = true;
    let revoked: boolean;
    const logged: unknown[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void logged.push(...args); // auth-js logs the failed fetch itself
    try {
      revoked = await signOut(client, storage);
    } finally {
      sb.offline = false;
      console.error = consoleError;
    }
    assert.ok(logged.every((e) => /fetch failed/.test(String(e))), String(logged));
    assert.equal(revoked, false);
    assert.deepEqual([...storage.map.keys()], [], 'nothing of the session is left on the machine');
    assert.equal((await client.auth.getSession()).data.session, null);
    // honest about it: the server never heard of the sign-out, so that refresh token is still live there
    const reuse = await fetch(`${sb.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { apikey: sb.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: session.refresh_token }),
    });
    assert.equal(reuse.status, 200);
  });

  describe('sync through PostgREST with RLS', () => {
    let wsId: string;
    const teamKey = generateTeamKey();

    const machine = async (email: string, password: string) => {
      const { client } = newClient();
      const session = await signInWithPassword(client, email, password);
      const ws = await resolveWorkspace(client, session.user.id);
      const local = new Machine();
      const remote = new SupabaseRemoteStore({ client, workspaceId: ws.id, userId: session.user.id, teamKey: async () => teamKey });
      return { client, ws, local, engine: new SyncEngine(local, remote, local), userId: session.user.id };
    };

    it('two machines of one user converge; connection configs are stored encrypted', async () => {
      const a = await machine('alice@example.test', 'alice-password');
      const b = await machine('alice@example.test', 'alice-password');
      wsId = a.ws.id;
      assert.equal(b.ws.id, a.ws.id, 'both machines resolve the same (created once) workspace');
      assert.equal(a.ws.name, 'Personal');

      a.local.values.connections['Prod PG'] = { kind: 'postgres', host: 'db.internal', database: 'sales', user: 'ro', password: 'pg-secret-123' };
      a.local.values.queries.q1 = { name: 'Top customers', sql: 'select * from customers limit 10', connectionName: 'Prod PG' };
      a.local.values.settings['iopsdata.run.maxRows'] = 5000;
      const ra = await a.engine.sync();
      assert.equal(ra.error, undefined, String(ra.error));
      assert.equal(ra.pushed, 3);

      const rows = await sb.sql(`select connection_name, encrypted_config from workspace_connections`);
      assert.equal(rows.length, 1);
      assert.ok(!rows[0].encrypted_config.includes('pg-secret-123') && !rows[0].encrypted_config.includes('db.internal'));
      assert.ok(rows[0].encrypted_config.startsWith('v1.'));

      const rb = await b.engine.sync();
      assert.equal(rb.error, undefined, String(rb.error));
      assert.deepEqual(b.local.values.connections, a.local.values.connections);
      assert.deepEqual(b.local.values.queries, a.local.values.queries);
      assert.equal(b.local.values.settings['iopsdata.run.maxRows'], 5000);

      // B edits one item and deletes another, A catches up
      b.local.values.settings['iopsdata.run.maxRows'] = 100;
      Reflect.deleteProperty(b.local.values.queries, 'q1');
      await b.engine.sync();
      const ra2 = await a.engine.sync();
      assert.equal(ra2.error, undefined);
      assert.equal(a.local.values.settings['iopsdata.run.maxRows'], 100);
      assert.deepEqual(a.local.values.queries, {});
    });

    it('settings merge per key even from a machine whose clock is behind (no row-level guard on user_settings)', async () => {
      const a = await machine('alice@example.test', 'alice-password');
      await a.engine.sync();
      const before = (await sb.sql(`select revision, server_updated_at from user_settings where user_id = $1`, [aliceId]))[0];
      // an edit stamped an hour ago, of a key nobody else touched, must still be merged in
      a.local.values.settings['iopsdata.history.maxEntries'] = 42;
      await a.engine.scan({ now: () => new Date(Date.now() - 3_600_000) });
      const r = await a.engine.sync();
      assert.equal(r.error, undefined, String(r.error));
      const row = (await sb.sql(`select settings, revision, server_updated_at from user_settings where user_id = $1`, [aliceId]))[0];
      assert.equal(row.settings['iopsdata.history.maxEntries'].value, 42);
      assert.equal(Number(row.revision), Number(before.revision) + 1);
      assert.ok(row.server_updated_at > before.server_updated_at);
    });

    it('conflict: the later edit wins through the server-side guard and the loser gets a notice', async () => {
      const a = await machine('alice@example.test', 'alice-password');
      const b = await machine('alice@example.test', 'alice-password');
      await a.engine.sync();
      await b.engine.sync();
      a.local.values.queries.shared = { name: 'A version', sql: 'select 1' };
      await a.engine.scan({ now: () => new Date(Date.now() - 60_000) });
      b.local.values.queries.shared = { name: 'B version', sql: 'select 2' };
      await b.engine.scan();
      assert.equal((await b.engine.sync()).error, undefined);
      const ra = await a.engine.sync(); // A's older edit reaches the server after B's newer one
      assert.equal(ra.error, undefined, String(ra.error));
      assert.deepEqual(a.local.values.queries.shared, { name: 'B version', sql: 'select 2' });
      assert.equal(ra.conflicts.length, 1);
      assert.deepEqual(ra.conflicts[0].discarded, { name: 'A version', sql: 'select 1' });
      const row = await sb.sql(`select name from saved_queries where query_id = 'shared'`);
      assert.equal(row[0].name, 'B version');
    });

    it("Bob cannot read or write Alice's synced rows through the REST API", async () => {
      const bob = await machine('bob@example.test', 'bob-password');
      assert.notEqual(bob.ws.id, wsId, 'Bob gets his own workspace');
      for (const table of ['workspace_connections', 'saved_queries', 'user_settings', 'file_assets', 'workspaces', 'workspace_members']) {
        const { data, error } = await bob.client.from(table).select('*');
        assert.equal(error, null);
        assert.ok(!JSON.stringify(data).includes(wsId) && !JSON.stringify(data).includes(aliceId), `${table} leaks Alice's rows`);
      }
      const ins = await bob.client.from('saved_queries').insert({ workspace_id: wsId, query_id: 'evil', updated_at: new Date().toISOString() });
      assert.equal(ins.error?.code, '42501');
      const upd = await bob.client.from('workspace_connections').update({ deleted: true, encrypted_config: null }).eq('workspace_id', wsId).select();
      assert.deepEqual(upd.data, []);
      const del = await bob.client.from('user_settings').delete().eq('user_id', aliceId).select();
      assert.deepEqual(del.data, []);
      assert.equal((await sb.sql(`select count(*)::int as n from user_settings where user_id = $1`, [aliceId]))[0].n, 1);
      // Bob pointing his sync at Alice's workspace gets an RLS error, not her data
      const sneaky = new SyncEngine(bob.local, new SupabaseRemoteStore({ client: bob.client, workspaceId: wsId, userId: bob.userId, teamKey: async () => teamKey }), bob.local);
      bob.local.values.queries.x = { name: 'x', sql: 'select 1' };
      const r = await sneaky.sync({ collections: ['queries'] });
      assert.match(String(r.error), /row-level security/);
      assert.equal(r.pending, 1, 'the refused edit stays in the outbox, not lost');
    });

    it('offline mid-sync: edits stay queued and go out when the server is back', async () => {
      const a = await machine('alice@example.test', 'alice-password');
      await a.engine.sync();
      a.local.values.queries.offline1 = { name: 'Written offline', sql: 'select 42' };
      sb.offline = true;
      let r;
      try {
        r = await a.engine.sync();
      } finally {
        sb.offline = false;
      }
      assert.ok(r.error, 'sync reports the network failure');
      assert.equal(r.pending, 1);
      const r2 = await a.engine.sync();
      assert.equal(r2.error, undefined, String(r2.error));
      assert.equal(r2.pending, 0);
      const row = await sb.sql(`select sql from saved_queries where query_id = 'offline1'`);
      assert.equal(row[0].sql, 'select 42');
    });

    it("team: the owner adds Bob by email; Bob then syncs the workspace's connections with the shared key", async () => {
      const a = await machine('alice@example.test', 'alice-password');
      const bob = await machine('bob@example.test', 'bob-password');
      await assert.rejects(addWorkspaceMember(bob.client, a.ws.id, 'carol@example.test'), /Adding carol@example.test failed: only an owner or admin/);
      await assert.rejects(addWorkspaceMember(a.client, a.ws.id, 'nobody@example.test'), /ask them to sign in once first/);
      assert.equal(await addWorkspaceMember(a.client, a.ws.id, ' BOB@example.test '), bobId);
      // Bob now belongs to two workspaces and picks Alice's (as importing her team key does)
      const { client } = newClient();
      await signInWithPassword(client, 'bob@example.test', 'bob-password');
      const ws = await resolveWorkspace(client, bobId, a.ws.id);
      assert.equal(ws.id, a.ws.id);
      const local = new Machine();
      const engine = new SyncEngine(local, new SupabaseRemoteStore({ client, workspaceId: ws.id, userId: bobId, teamKey: async () => teamKey }), local);
      const r = await engine.sync({ collections: ['connections'] });
      assert.equal(r.error, undefined, String(r.error));
      assert.deepEqual(Object.keys(local.values.connections), ['Prod PG']);
      assert.equal((local.values.connections['Prod PG'] as { password: string }).password, 'pg-secret-123');
      // a member cannot promote himself through the function either
      await assert.rejects(addWorkspaceMember(client, a.ws.id, 'bob@example.test', 'admin'), /only an owner or admin/);
      // without the team key the same rows cannot be read
      const noKey = new SyncEngine(new Machine(), new SupabaseRemoteStore({ client, workspaceId: ws.id, userId: bobId, teamKey: async () => generateTeamKey() }), new Machine());
      const r2 = await noKey.sync({ collections: ['connections'] });
      assert.match(String(r2.error), /different team key/);
    });

    it('uploads a profiled file to the workspace bucket with its profile; other users cannot download it', async () => {
      const a = await machine('alice@example.test', 'alice-password');
      const csv = Buffer.from('id,name\n1,Ada\n2,Linus\n');
      const profile = { rowCount: 2, columns: [{ name: 'id', type: 'BIGINT' }, { name: 'name', type: 'VARCHAR' }] };
      const asset = await uploadFileAsset(a.client, a.ws.id, 'sub/dir/people list.csv', csv, profile);
      assert.match(asset.storagePath, new RegExp(`^${a.ws.id}/[0-9a-f-]{36}/people_list\\.csv$`));
      const row = await sb.sql(`select file_name, size_bytes, metadata from file_assets where id = $1`, [asset.id]);
      assert.deepEqual(row[0], { file_name: 'people_list.csv', size_bytes: csv.length, metadata: profile });
      const dl = await a.client.storage.from('workspace-files').download(asset.storagePath);
      assert.equal(Buffer.from(await dl.data!.arrayBuffer()).toString(), csv.toString());

      await sb.createUser('eve@example.test', 'eve-password');
      const eve = await machine('eve@example.test', 'eve-password');
      const eveDl = await eve.client.storage.from('workspace-files').download(asset.storagePath);
      assert.ok(eveDl.error, 'a non-member must not download the file');
      await assert.rejects(uploadFileAsset(eve.client, a.ws.id, 'x.csv', csv, {}), /row-level security/);
    });

    it('members: any member lists them; only the owner removes one; the removed member loses access at once', async () => {
      const a = await machine('alice@example.test', 'alice-password');
      await sb.createUser('dave@example.test', 'dave-password');
      await sb.createUser('erin@example.test', 'erin-password');
      await addWorkspaceMember(a.client, a.ws.id, 'dave@example.test', 'admin');
      await addWorkspaceMember(a.client, a.ws.id, 'erin@example.test');
      const sessionFor = async (email: string, password: string) => {
        const { client } = newClient();
        await signInWithPassword(client, email, password);
        return client;
      };
      const bob = await sessionFor('bob@example.test', 'bob-password');
      const dave = await sessionFor('dave@example.test', 'dave-password');
      const members = await listWorkspaceMembers(bob, a.ws.id);
      assert.deepEqual(members.map((m) => [m.email, m.role]), [
        ['alice@example.test', 'owner'],
        ['dave@example.test', 'admin'],
        ['bob@example.test', 'member'],
        ['erin@example.test', 'member'],
      ]);
      await assert.rejects(removeWorkspaceMember(dave, a.ws.id, 'erin@example.test'), /Removing erin@example.test failed: only the owner of the workspace can remove members/);
      await assert.rejects(removeWorkspaceMember(bob, a.ws.id, 'erin@example.test'), /only the owner/);
      await assert.rejects(removeWorkspaceMember(a.client, a.ws.id, 'alice@example.test'), /owns this workspace and cannot be removed/);
      await assert.rejects(removeWorkspaceMember(a.client, a.ws.id, 'nobody@example.test'), /is not a member of this workspace/);
      assert.equal((await listWorkspaceMembers(a.client, a.ws.id)).length, 4, 'nothing was removed by the refused attempts');

      const removed = await removeWorkspaceMember(a.client, a.ws.id, ' BOB@example.test ');
      assert.equal(removed.userId, bobId);
      await assert.rejects(listWorkspaceMembers(bob, a.ws.id), /not a member of that workspace/);
      const { data } = await bob.from('saved_queries').select('query_id').eq('workspace_id', a.ws.id);
      assert.deepEqual(data, [], 'RLS hides the workspace from the removed member');
      const bobSync = new SyncEngine(new Machine(), new SupabaseRemoteStore({ client: bob, workspaceId: a.ws.id, userId: bobId, teamKey: async () => teamKey }), new Machine());
      const r = await bobSync.sync({ collections: ['queries', 'connections'] });
      assert.equal(r.error, undefined, String(r.error));
      assert.equal(r.pulled, 0);
      assert.deepEqual((await listWorkspaceMembers(a.client, a.ws.id)).map((m) => m.email), ['alice@example.test', 'dave@example.test', 'erin@example.test']);
    });
  });

  describe("saved queries: the History view's store, synced through the loopback server", () => {
    const teamKey = generateTeamKey();

    const storeMachine = async (email: string, password: string, conns: Record<string, string>) => {
      const { client } = newClient();
      const session = await signInWithPassword(client, email, password);
      const ws = await resolveWorkspace(client, session.user.id);
      const local = new StoreMachine(names(conns));
      const remote = new SupabaseRemoteStore({ client, workspaceId: ws.id, userId: session.user.id, teamKey: async () => teamKey });
      return { client, ws, local, remote, engine: new SyncEngine(local, remote, local) };
    };

    before(async () => {
      await sb.createUser('carol@example.test', 'carol-password');
    });

    it('push and pull between two machines, connections by name; the later edit wins and the notice names the query', async () => {
      const m1 = await storeMachine('carol@example.test', 'carol-password', { pg1: 'Prod PG' });
      const m2 = await storeMachine('carol@example.test', 'carol-password', { 'pg-local-7': 'Prod PG' });
      const top = await m1.local.store.save('Top customers', 'select * from customers order by revenue desc limit 10', 'pg1');
      await m1.local.store.save('Scratch', 'select 1');
      const r1 = await m1.engine.sync({ collections: ['queries'] });
      assert.equal(r1.error, undefined, String(r1.error));
      assert.equal(r1.pushed, 2);
      const rows = await sb.sql(`select query_id, name, connection_name from saved_queries where workspace_id = $1 order by name`, [m1.ws.id]);
      assert.deepEqual(rows.map((r) => [r.name, r.connection_name]), [['Scratch', null], ['Top customers', 'Prod PG']]);
      assert.equal(rows[1].query_id, top.id);

      const r2 = await m2.engine.sync({ collections: ['queries'] });
      assert.equal(r2.error, undefined, String(r2.error));
      const got = m2.local.store.get(top.id);
      assert.equal(got?.sql, top.sql);
      assert.equal(got?.connectionId, 'pg-local-7', "bound to the second machine's connection of the same name");
      assert.equal(m2.local.store.list().length, 2);

      // both edit the same query offline; machine 1's edit is older and reaches the server last
      await m1.local.store.update(top.id, { name: 'Top 10 customers' });
      await m1.engine.scan({ collections: ['queries'], now: () => new Date(Date.now() - 60_000) });
      await m2.local.store.update(top.id, { sql: 'select * from customers order by revenue desc limit 5' });
      await m2.engine.scan({ collections: ['queries'] });
      assert.equal((await m2.engine.sync({ collections: ['queries'] })).error, undefined);
      const r3 = await m1.engine.sync({ collections: ['queries'] });
      assert.equal(r3.error, undefined, String(r3.error));
      assert.equal(r3.conflicts.length, 1);
      assert.deepEqual(m1.local.store.get(top.id), { ...m2.local.store.get(top.id)!, connectionId: 'pg1', savedAt: m1.local.store.get(top.id)!.savedAt });
      assert.equal(m1.local.store.get(top.id)?.name, 'Top customers', "machine 2's newer version (old name, new SQL) replaced the local rename");
      assert.equal(
        conflictMessage(r3.conflicts),
        'iOpsData sync: saved query "Top 10 customers" was changed on another machine more recently; the newer version replaced your local edit.',
      );
      assert.deepEqual(r3.conflicts[0].discarded, { name: 'Top 10 customers', sql: top.sql, connectionName: 'Prod PG' }, 'the losing edit is kept in the notice');

      // a deletion travels too
      await m2.local.store.remove(top.id);
      assert.equal((await m2.engine.sync({ collections: ['queries'] })).pushed, 1);
      await m1.engine.sync({ collections: ['queries'] });
      assert.equal(m1.local.store.get(top.id), undefined);
      assert.deepEqual((await sb.sql(`select deleted from saved_queries where query_id = $1`, [top.id]))[0], { deleted: true });
    });

    it('the server dies mid-push: the outbox survives (also a restart of the engine) and catches up when it is back', async () => {
      const m = await storeMachine('carol@example.test', 'carol-password', {});
      await m.engine.sync({ collections: ['queries'] });
      const before = Number((await sb.sql(`select count(*) from saved_queries where workspace_id = $1 and not deleted`, [m.ws.id]))[0].count);
      for (let i = 0; i < 120; i++) await m.local.store.save(`Report ${i}`, `select ${i}`);
      const crashed = sb.crashOn(/^POST \/rest\/v1\/saved_queries/, { nth: 2 }); // the second batch of 50
      const r = await m.engine.sync({ collections: ['queries'], batchSize: 50 });
      await crashed;
      assert.ok(r.error, 'the sync reports the failure');
      assert.match(String(r.error), /fetch failed|ECONNREFUSED|socket|other side closed/i);
      assert.equal(r.pushed, 50);
      assert.equal(r.pending, 70);
      const count = async () => Number((await sb.sql(`select count(*) from saved_queries where workspace_id = $1 and not deleted`, [m.ws.id]))[0].count);
      assert.equal(await count(), before + 50);

      // a fresh engine over the saved state (the editor restarted) still has all 70, and the server is still down
      const restarted = new SyncEngine(m.local, m.remote, m.local);
      assert.equal(await restarted.pendingCount(), 70);
      const whileDown = await restarted.sync({ collections: ['queries'] });
      assert.ok(whileDown.error);
      assert.equal(whileDown.pending, 70);

      await sb.restart();
      const r2 = await restarted.sync({ collections: ['queries'] });
      assert.equal(r2.error, undefined, String(r2.error));
      assert.equal(r2.pushed, 70);
      assert.equal(r2.pending, 0);
      assert.equal(await count(), before + 120);

      // dies after committing, before answering: the client cannot know the write happened; re-sending is harmless
      for (const q of m.local.store.list().slice(0, 3)) await m.local.store.update(q.id, { sql: `${q.sql} -- v2` });
      const crashed2 = sb.crashOn(/^POST \/rest\/v1\/saved_queries/, { afterCommit: true });
      const r3 = await restarted.sync({ collections: ['queries'] });
      await crashed2;
      assert.ok(r3.error);
      assert.equal(r3.pending, 3);
      assert.equal(Number((await sb.sql(`select count(*) from saved_queries where workspace_id = $1 and sql like '%-- v2'`, [m.ws.id]))[0].count), 3, 'the write committed');
      await sb.restart();
      const r4 = await restarted.sync({ collections: ['queries'] });
      assert.equal(r4.error, undefined, String(r4.error));
      assert.equal(r4.pending, 0);
      assert.equal(r4.conflicts.length, 0, 'our own committed write is not a conflict');

      // a second machine sees exactly the 120 + earlier queries, nothing lost or doubled
      const other = await storeMachine('carol@example.test', 'carol-password', {});
      assert.equal((await other.engine.sync({ collections: ['queries'] })).error, undefined);
      assert.equal(other.local.store.list().length, m.local.store.list().length);
      assert.equal(other.local.store.list().filter((q) => q.sql.endsWith('-- v2')).length, 3);
    });
  });
});
