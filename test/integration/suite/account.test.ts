/**
 * The account feature inside the real VS Code extension host, against a loopback Supabase whose PostgREST runs on
 * a real PostgreSQL with the migrations' row-level security: the AuthenticationProvider is registered and serves
 * the session that supabase-js keeps in SecretStorage (it survives the client being rebuilt), sync uploads a
 * connection definition encrypted, and sign-out revokes the session on the server. Browser sign-in (magic link,
 * OAuth with PKCE) goes through vscode.env.asExternalUri, code-server's /callback page in the same Chromium and the
 * extension's UriHandler; then token auto-refresh, the status bar item's states, saved queries of the History view
 * syncing with a conflict notice, owner-only member removal, getSession after the Accounts-menu sign-in, and sign-out
 * while offline.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { applySupabaseSchema } from '../../helpers/supabaseDb';
import { startFakeSupabase, type FakeSupabase } from '../../helpers/supabaseServer';
import { MemoryAuthStorage, createAccountClient } from '../../../src/core/account/client';
import { signInWithPassword } from '../../../src/core/account/auth';
import { SupabaseRemoteStore, resolveWorkspace } from '../../../src/core/account/remote';
import { exportTeamKey, generateTeamKey } from '../../../src/core/account/crypto';

const PROVIDER_ID = 'iopsdata.supabase';

interface AccountState {
  status: { state: string; text: string; tooltip: string; command: string };
  storedSession: boolean;
  tokenFingerprint?: string;
  pendingSignIn?: { method: 'otp' | 'oauth'; url?: string; redirectTo: string };
  lastNotice?: string;
  lastError?: string;
  offline: boolean;
  pending?: number;
}
interface SavedQueryState {
  id: string;
  name: string;
  sql: string;
  connectionId?: string;
}
const accountState = async () => (await vscode.commands.executeCommand('iopsdata.account.stateForTests')) as AccountState;
const savedQueries = async () => ((await vscode.commands.executeCommand('iopsdata.run.stateForTests')) as { saved: SavedQueryState[] }).saved;

/**
 * What the browser does with the sign-in callback the server redirected it to. In VS Code for the Web (code-server
 * here), vscode.env.asExternalUri turns the extension's URI into the server's /callback page; that page, loaded in the
 * same browser as the workbench, hands the URI to the workbench, whose URL service routes it to the extension's
 * UriHandler. So the callback page is opened in that browser (env.openExternal opens a tab there).
 */
async function deliverCallback(location: string): Promise<void> {
  const uri = vscode.Uri.parse(location, true);
  if (uri.scheme === vscode.env.uriScheme) {
    // desktop VS Code: the OS hands vscode:// links to the workbench's URL service, which vscode.open reaches too
    await vscode.commands.executeCommand('vscode.open', uri);
    return;
  }
  assert.ok(await vscode.env.openExternal(uri), `the browser opened ${location}`);
}

/** The external form of the extension's callback URI, as the sign-in sent it to the server. */
function assertCallbackRedirect(redirectTo: string): void {
  const u = vscode.Uri.parse(redirectTo, true);
  if (u.scheme === vscode.env.uriScheme) {
    assert.deepEqual([u.authority, u.path], ['iopsdata.iopsdata', '/auth-callback']);
    return;
  }
  const q = new URLSearchParams(u.query);
  assert.deepEqual([q.get('vscode-scheme'), q.get('vscode-authority'), q.get('vscode-path')], [vscode.env.uriScheme, 'iopsdata.iopsdata', '/auth-callback'], redirectTo);
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('account (Supabase) in the extension host', function () {
  this.timeout(120_000);
  let pg: PostgresServer;
  let sb: FakeSupabase;
  let userId: string;
  const account = () => vscode.workspace.getConfiguration('iopsdata.account');

  before(async () => {
    const ext = vscode.extensions.getExtension('iopsdata.iopsdata')!;
    await ext.activate();
    pg = await startPostgres();
    applySupabaseSchema(pg);
    sb = await startFakeSupabase({ databaseUrl: pg.url });
    userId = await sb.createUser('ada@example.test', 'ada-password');
  });

  after(async () => {
    sb.offline = false;
    sb.latencyMs = 0;
    await vscode.commands.executeCommand('iopsdata.account.signOut').then(undefined, () => undefined);
    await account().update('supabaseUrl', undefined, vscode.ConfigurationTarget.Global);
    await account().update('supabaseAnonKey', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('iopsdata').update('connections', undefined, vscode.ConfigurationTarget.Global);
    await sb?.stop();
    await pg?.stop();
  });

  it('registers the "iOpsData (Supabase)" authentication provider (no session before sign-in)', async () => {
    // getSession (silent) resolves without error only for a registered provider; getAccounts asks the provider itself.
    assert.equal(await vscode.authentication.getSession(PROVIDER_ID, [], { silent: true }), undefined);
    assert.deepEqual(await vscode.authentication.getAccounts(PROVIDER_ID), []);
    const manifest = vscode.extensions.getExtension('iopsdata.iopsdata')!.packageJSON;
    assert.deepEqual(manifest.contributes.authentication, [{ id: PROVIDER_ID, label: 'iOpsData (Supabase)' }]);
  });

  it('signs in, exposes the session through vscode.authentication, and keeps it in SecretStorage', async () => {
    await account().update('supabaseUrl', sb.url, vscode.ConfigurationTarget.Global);
    await account().update('supabaseAnonKey', sb.anonKey, vscode.ConfigurationTarget.Global);
    const changed = new Promise<vscode.AuthenticationSessionsChangeEvent>((resolve) => {
      const d = vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === PROVIDER_ID) {
          d.dispose();
          resolve(e);
        }
      });
    });
    const label = await vscode.commands.executeCommand<string>('iopsdata.account.signIn', { email: 'ada@example.test', password: 'ada-password' });
    assert.equal(label, 'ada@example.test');
    const event = await changed;
    assert.equal(event.provider.label, 'iOpsData (Supabase)');
    const accounts = await vscode.authentication.getAccounts(PROVIDER_ID);
    assert.deepEqual(accounts.map((a) => ({ id: a.id, label: a.label })), [{ id: userId, label: 'ada@example.test' }]);

    // Point the settings at the same server under another host name: the extension rebuilds its supabase-js
    // client, so the session can only come back from the SecretStorage adapter.
    await account().update('supabaseUrl', sb.url.replace('127.0.0.1', 'localhost'), vscode.ConfigurationTarget.Global);
    const again = await until('account after client rebuild', async () => {
      const list = await vscode.authentication.getAccounts(PROVIDER_ID);
      return list.length ? list : undefined;
    });
    assert.equal(again[0].id, userId);
  });

  it('syncs a connection definition, stored only as ciphertext on the server', async () => {
    await vscode.workspace.getConfiguration('iopsdata').update(
      'connections',
      [{ id: 'warehouse', name: 'Warehouse', kind: 'postgres', host: 'wh.internal', database: 'sales', user: 'analyst' }],
      vscode.ConfigurationTarget.Global,
    );
    const result = await vscode.commands.executeCommand<{ pushed: number; pending: number }>('iopsdata.account.sync');
    assert.ok(result, 'sync ran');
    assert.equal(result.pending, 0);
    const rows = await until('connection row', async () => {
      const r = await sb.sql(`select connection_name, encrypted_config from workspace_connections where deleted = false`);
      return r.length ? r : undefined;
    });
    assert.equal(rows[0].connection_name, 'Warehouse');
    assert.ok(rows[0].encrypted_config.startsWith('v1.'));
    assert.ok(!rows[0].encrypted_config.includes('wh.internal'));
    // the workspace belongs to the signed-in user (created through RLS as that user)
    const ws = await sb.sql(`select w.name, m.role from workspaces w join workspace_members m on m.workspace_id = w.id where m.user_id = $1`, [userId]);
    assert.deepEqual(ws, [{ name: 'Personal', role: 'owner' }]);
  });

  it('signs out: the provider reports no session and the refresh token is revoked on the server', async () => {
    assert.equal(sb.hasLiveRefreshToken(userId), true);
    await vscode.commands.executeCommand('iopsdata.account.signOut');
    assert.deepEqual(await vscode.authentication.getAccounts(PROVIDER_ID), []);
    assert.equal(sb.hasLiveRefreshToken(userId), false);
  });

  it("a teammate's connection arrives after importing the team key", async () => {
    // Another machine (plain supabase-js) signs in as Grace and shares an encrypted connection in her workspace.
    const graceId = await sb.createUser('grace@example.test', 'grace-password');
    const other = createAccountClient({ url: sb.url, anonKey: sb.anonKey }, { storage: new MemoryAuthStorage(), autoRefreshToken: false });
    await signInWithPassword(other, 'grace@example.test', 'grace-password');
    const ws = await resolveWorkspace(other, graceId);
    const key = generateTeamKey();
    const remote = new SupabaseRemoteStore({ client: other, workspaceId: ws.id, userId: graceId, teamKey: async () => key });
    const shared = { definition: { id: 'shared-db', name: 'Shared DB', kind: 'postgres', host: 'shared.internal', database: 'bi', user: 'grace' }, secrets: { password: 'team-secret' } };
    const pushed = await remote.push('connections', [{ key: 'Shared DB', value: shared, updatedAt: new Date().toISOString(), deleted: false }]);
    assert.deepEqual(pushed, [{ key: 'Shared DB', result: 'applied' }]);

    // This machine imports the team key (as a teammate would, from the export text + passphrase), then signs in.
    const exported = exportTeamKey(key, ws.id, 'shared passphrase');
    const importedWs = await vscode.commands.executeCommand<string>('iopsdata.account.importTeamKey', exported, 'shared passphrase');
    assert.equal(importedWs, ws.id);
    await vscode.commands.executeCommand('iopsdata.account.signIn', { email: 'grace@example.test', password: 'grace-password' });
    await vscode.commands.executeCommand('iopsdata.account.sync');
    const defs = await until('shared connection in settings', async () => {
      const list = vscode.workspace.getConfiguration('iopsdata').inspect<Array<{ name: string }>>('connections')?.globalValue ?? [];
      return list.some((d) => d.name === 'Shared DB') ? list : undefined;
    });
    const got = defs.find((d) => d.name === 'Shared DB');
    assert.deepEqual(got, shared.definition, 'definition written to the user settings without its secret');
    assert.ok(!JSON.stringify(defs).includes('team-secret'), 'the password never lands in settings');
    await vscode.commands.executeCommand('iopsdata.account.signOut');
    await other.auth.signOut();
  });

  it('uploads a workspace file to the team bucket with its real profile as metadata', async () => {
    await vscode.commands.executeCommand('iopsdata.account.signIn', { email: 'ada@example.test', password: 'ada-password' });
    const dir = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(dir, 'account-upload.csv');
    fs.writeFileSync(file, 'id,amount\n1,10.5\n2,20\n3,\n');
    try {
      const storagePath = await vscode.commands.executeCommand<string>('iopsdata.account.uploadFile', vscode.Uri.file(file));
      assert.ok(storagePath, 'upload returned the storage path');
      const [row] = await sb.sql(`select f.file_name, f.metadata, m.user_id from file_assets f join workspace_members m on m.workspace_id = f.workspace_id where f.storage_path = $1`, [storagePath]);
      assert.equal(row.file_name, 'account-upload.csv');
      assert.equal(row.user_id, userId);
      assert.equal(row.metadata.rowCount, 3);
      assert.deepEqual(row.metadata.columns.map((c: { name: string }) => c.name), ['id', 'amount']);
      assert.equal(row.metadata.columns[1].nullCount, 1);
      assert.equal(row.metadata.path, 'account-upload.csv', 'no local absolute path in the shared metadata');
      assert.equal(sb.objects.get(`workspace-files/${storagePath}`)?.toString(), fs.readFileSync(file, 'utf8'));
    } finally {
      fs.rmSync(file, { force: true });
      await vscode.commands.executeCommand('iopsdata.account.signOut');
    }
  });

  describe('browser sign-in, token refresh, status bar, saved queries, members, sign-out', () => {
  before(async () => {
    // runnable on its own (IOPSDATA_TEST_GREP): configure the account unless an earlier test did
    if (!account().get('supabaseUrl')) {
      await account().update('supabaseUrl', sb.url, vscode.ConfigurationTarget.Global);
      await account().update('supabaseAnonKey', sb.anonKey, vscode.ConfigurationTarget.Global);
    }
    await vscode.commands.executeCommand('iopsdata.account.signOut');
  });

  it('magic link: the emailed link returns through asExternalUri and the UriHandler; the session lands in SecretStorage', async () => {
    assert.equal((await accountState()).storedSession, false);
    const signingIn = vscode.commands.executeCommand<string>('iopsdata.account.signIn', { method: 'otp', email: 'ada@example.test' });
    const pending = await until('the sign-in email', async () => (await accountState()).pendingSignIn);
    assert.equal(pending.method, 'otp');
    // the redirect is VS Code's own URI for this extension, made external by vscode.env.asExternalUri
    assertCallbackRedirect(pending.redirectTo);
    const mail = sb.outbox.at(-1)!;
    assert.equal(mail.email, 'ada@example.test');
    // the user clicks the link: the server redirects the browser to the callback with a one-time PKCE code
    const res = await fetch(mail.link, { redirect: 'manual' });
    const location = res.headers.get('location')!;
    assert.ok(location.startsWith(pending.redirectTo) && new URL(location).searchParams.get('code'), location);
    const before = sb.requests.length;
    await deliverCallback(location);
    assert.equal(await signingIn, 'ada@example.test', (await accountState()).lastError);
    assert.ok(sb.requests.slice(before).includes('POST /auth/v1/token?grant_type=pkce'), 'the code was exchanged with the verifier');
    const state = await accountState();
    assert.equal(state.storedSession, true, 'the session is in SecretStorage');
    assert.equal(state.pendingSignIn, undefined);
    // the provider serves it to VS Code (Accounts menu; getSession for extensions the user lets use it)
    const accounts = await vscode.authentication.getAccounts(PROVIDER_ID);
    assert.deepEqual(accounts.map((a) => ({ id: a.id, label: a.label })), [{ id: userId, label: 'ada@example.test' }]);
    await vscode.commands.executeCommand('iopsdata.account.signOut');
  });

  it('OAuth (GitHub) with PKCE: the provider page comes back through the UriHandler and signs in', async () => {
    sb.options.oauthUserEmail = 'ada@example.test';
    const signingIn = vscode.commands.executeCommand<string>('iopsdata.account.signIn', { provider: 'github' });
    const pending = await until('the browser sign-in to start', async () => {
      const p = (await accountState()).pendingSignIn;
      return p?.url ? p : undefined;
    });
    const authorize = new URL(pending.url!);
    assert.equal(authorize.pathname, '/auth/v1/authorize');
    assert.equal(authorize.searchParams.get('provider'), 'github');
    assert.equal(authorize.searchParams.get('redirect_to'), pending.redirectTo);
    assert.equal(authorize.searchParams.get('code_challenge_method')?.toLowerCase(), 's256');
    // what the browser does: the provider approves and redirects to the (external) callback URI
    const res = await fetch(pending.url!, { redirect: 'manual' });
    await deliverCallback(res.headers.get('location')!);
    assert.equal(await signingIn, 'ada@example.test', (await accountState()).lastError);
    assert.equal((await accountState()).storedSession, true);
    assert.deepEqual((await vscode.authentication.getAccounts(PROVIDER_ID)).map((a) => a.label), ['ada@example.test']);
    // a callback arriving with no sign-in under way and a used code only shows an error; the session stays
    await deliverCallback(`${pending.redirectTo}?error=access_denied&error_description=Denied`);
    assert.equal((await accountState()).storedSession, true);
  });

  it('refreshes the access token by itself: no request needed; the provider reports the changed session', async () => {
    await vscode.commands.executeCommand('iopsdata.account.signOut');
    const prevTtl = sb.options.accessTokenTtlSec;
    sb.options.accessTokenTtlSec = 60; // within supabase-js's refresh margin
    try {
      const changed = new Promise<void>((resolve) => {
        const d = vscode.authentication.onDidChangeSessions(async (e) => {
          if (e.provider.id === PROVIDER_ID && (await accountState()).storedSession) {
            d.dispose();
            resolve();
          }
        });
      });
      const before = sb.requests.length;
      await vscode.commands.executeCommand('iopsdata.account.signIn', { email: 'ada@example.test', password: 'ada-password' });
      const first = (await accountState()).tokenFingerprint;
      assert.ok(first);
      await until('a refreshed access token in SecretStorage', async () => ((await accountState()).tokenFingerprint !== first ? true : undefined), 45_000);
      await changed;
      assert.ok(sb.requests.slice(before).includes('POST /auth/v1/token?grant_type=refresh_token'));
      assert.equal((await accountState()).storedSession, true);
      assert.deepEqual((await vscode.authentication.getAccounts(PROVIDER_ID)).map((a) => a.id), [userId]);
    } finally {
      sb.options.accessTokenTtlSec = prevTtl;
    }
  });

  it('status bar: signed in as, syncing, offline with waiting changes, back online', async () => {
    let state = await accountState();
    assert.ok(['synced', 'syncing', 'pending'].includes(state.status.state), state.status.state);
    assert.match(state.status.tooltip, /Signed in to iOpsData as ada@example\.test/);
    await vscode.commands.executeCommand('iopsdata.account.sync');
    state = await accountState();
    assert.equal(state.status.state, 'synced');
    assert.equal(state.status.text, '$(cloud) iOpsData');
    assert.equal(state.status.command, 'iopsdata.account.sync');

    sb.latencyMs = 1500;
    try {
      const syncing = vscode.commands.executeCommand('iopsdata.account.sync');
      const seen = await until('the syncing state', async () => ((await accountState()).status.state === 'syncing' ? await accountState() : undefined));
      assert.equal(seen.status.text, '$(sync~spin) iOpsData');
      await syncing;
    } finally {
      sb.latencyMs = 0;
    }
    assert.equal((await accountState()).status.state, 'synced');

    sb.offline = true;
    try {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'sql', content: 'select 1 as offline_edit' }));
      assert.ok(editor);
      const id = await vscode.commands.executeCommand<string>('iopsdata.history.saveQuery', undefined, 'Written offline');
      assert.ok(id);
      await until('the offline edit in the outbox', async () => (await accountState()).pending === 1);
      await vscode.commands.executeCommand('iopsdata.account.sync'); // errors are shown, the command resolves
      state = await accountState();
      assert.equal(state.status.state, 'offline');
      assert.equal(state.status.text, '$(cloud-offline) iOpsData 1');
      assert.match(state.status.tooltip, /Offline: cannot reach the Supabase server\.\n1 change waiting to upload/);
    } finally {
      sb.offline = false;
    }
    await vscode.commands.executeCommand('iopsdata.account.sync');
    state = await accountState();
    assert.equal(state.status.state, 'synced');
    assert.equal(state.pending, 0);
    const row = await sb.sql(`select name, sql from saved_queries where name = 'Written offline'`);
    assert.deepEqual(row, [{ name: 'Written offline', sql: 'select 1 as offline_edit' }]);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it("saved queries: History's queries sync both ways; a newer edit elsewhere wins with a notice and a conflict in the status bar", async () => {
    const mine = (await savedQueries()).find((q) => q.name === 'Written offline')!;
    assert.ok(mine, 'the query saved in the History view');
    const [row] = await sb.sql(`select query_id, connection_name from saved_queries where name = 'Written offline'`);
    assert.equal(row.query_id, mine.id);
    assert.equal(row.connection_name, 'Workspace files', "the connection travels by name");

    // another machine, on its own network path to the same project, adds a query
    const sb2 = await startFakeSupabase({ databaseUrl: pg.url });
    try {
      const laptop = createAccountClient({ url: sb2.url, anonKey: sb2.anonKey }, { storage: new MemoryAuthStorage(), autoRefreshToken: false });
      await signInWithPassword(laptop, 'ada@example.test', 'ada-password');
      const ws = await resolveWorkspace(laptop, userId, String((await sb.sql(`select workspace_id from saved_queries where query_id = $1`, [mine.id]))[0].workspace_id));
      const remote = new SupabaseRemoteStore({ client: laptop, workspaceId: ws.id, userId, teamKey: async () => generateTeamKey() });
      await remote.push('queries', [{ key: 'from-laptop', value: { name: 'From the laptop', sql: 'select 2' }, updatedAt: new Date().toISOString(), deleted: false }]);
      await vscode.commands.executeCommand('iopsdata.account.sync');
      const pulled = (await savedQueries()).find((q) => q.id === 'from-laptop');
      assert.equal(pulled?.name, 'From the laptop', 'the pulled query is in the History view');

      // this machine renames while offline; the laptop edits the same query later and syncs first
      sb.offline = true;
      try {
        await vscode.commands.executeCommand('iopsdata.history.renameSaved', { type: 'saved', query: mine }, 'Renamed here');
        await until('the rename in the outbox', async () => (await accountState()).pending === 1);
        await new Promise((r) => setTimeout(r, 20));
        const pushed = await remote.push('queries', [{ key: mine.id, value: { name: 'Renamed on the laptop', sql: 'select 1 as offline_edit', connectionName: 'Workspace files' }, updatedAt: new Date().toISOString(), deleted: false }]);
        assert.deepEqual(pushed, [{ key: mine.id, result: 'applied' }]);
      } finally {
        sb.offline = false;
      }
      await vscode.commands.executeCommand('iopsdata.account.sync');
      const state = await accountState();
      assert.equal(state.lastNotice, 'iOpsData sync: saved query "Renamed here" was changed on another machine more recently; the newer version replaced your local edit.');
      assert.equal(state.status.state, 'conflicts');
      assert.equal(state.status.text, '$(warning) iOpsData 1 conflict');
      assert.equal(state.status.command, 'iopsdata.account.showConflicts');
      assert.equal((await savedQueries()).find((q) => q.id === mine.id)?.name, 'Renamed on the laptop');

      // reviewing restores the local version as a copy; the status bar goes back to normal
      const list = await vscode.commands.executeCommand<Array<{ key: string; label: string; restorable: boolean }>>('iopsdata.account.showConflicts', { quiet: true });
      assert.deepEqual(list?.[0], { collection: 'queries', key: mine.id, label: 'saved query "Renamed here"', restorable: true });
      const restoredId = await vscode.commands.executeCommand<string>('iopsdata.account.showConflicts', { restore: mine.id });
      assert.equal((await savedQueries()).find((q) => q.id === restoredId)?.name, 'Renamed here (my version)');
      assert.notEqual((await accountState()).status.state, 'conflicts');
      await vscode.commands.executeCommand('iopsdata.account.sync');
      assert.equal((await sb.sql(`select name from saved_queries where query_id = $1`, [restoredId]))[0].name, 'Renamed here (my version)');
      await laptop.auth.signOut();
    } finally {
      await sb2.stop();
    }
  });

  it('team members: listed with roles; only the owner can remove one (a member is refused by RLS)', async () => {
    const wsId = String((await sb.sql(`select workspace_id from saved_queries where query_id = 'from-laptop'`))[0].workspace_id);
    await sb.createUser('henry@example.test', 'henry-password');
    await sb.createUser('iris@example.test', 'iris-password');
    // the owner (signed in here) adds both with the command
    assert.equal(await vscode.commands.executeCommand('iopsdata.account.addMember', 'henry@example.test', 'member'), true);
    assert.equal(await vscode.commands.executeCommand('iopsdata.account.addMember', 'iris@example.test', 'member'), true);
    const members = await vscode.commands.executeCommand<Array<{ email: string; role: string }>>('iopsdata.account.listMembers', { quiet: true });
    assert.deepEqual(members, [
      { email: 'ada@example.test', role: 'owner' },
      { email: 'henry@example.test', role: 'member' },
      { email: 'iris@example.test', role: 'member' },
    ]);
    const isMember = async (email: string) =>
      (await sb.sql(`select 1 from workspace_members m join auth.users u on u.id = m.user_id where m.workspace_id = $1 and u.email = $2`, [wsId, email])).length === 1;

    // Henry, a plain member, signs in here and tries to remove Iris: refused, nothing changes
    await vscode.commands.executeCommand('iopsdata.account.signOut');
    await vscode.commands.executeCommand('iopsdata.account.signIn', { email: 'henry@example.test', password: 'henry-password' });
    assert.equal(await vscode.commands.executeCommand('iopsdata.account.removeMember', 'iris@example.test'), undefined);
    assert.equal(await isMember('iris@example.test'), true);

    await vscode.commands.executeCommand('iopsdata.account.signOut');
    await vscode.commands.executeCommand('iopsdata.account.signIn', { email: 'ada@example.test', password: 'ada-password' });
    assert.equal(await vscode.commands.executeCommand('iopsdata.account.removeMember', 'iris@example.test'), 'iris@example.test');
    assert.equal(await isMember('iris@example.test'), false);
    assert.equal(await vscode.commands.executeCommand('iopsdata.account.removeMember', 'ada@example.test'), undefined, 'the owner cannot be removed');
    assert.deepEqual(
      (await vscode.commands.executeCommand<Array<{ email: string }>>('iopsdata.account.listMembers', { quiet: true }))?.map((m) => m.email),
      ['ada@example.test', 'henry@example.test'],
    );
  });

  it("getSession: after the user signs in from the Accounts menu's request, extensions get the session (with its token)", async () => {
    await vscode.commands.executeCommand('iopsdata.account.signOut');
    // an extension asks without forcing a sign-in: VS Code adds "Sign in with iOpsData (Supabase)" to the Accounts menu
    assert.equal(await vscode.authentication.getSession(PROVIDER_ID, [], {}), undefined);
    sb.options.oauthUserEmail = 'ada@example.test';
    // the user clicks that menu entry: VS Code asks the provider for a session (createSession) ...
    const clicked = vscode.commands.executeCommand(`${PROVIDER_ID}:iopsdata.iopsdata:signIn0`);
    // ... which asks how to sign in: the user picks "GitHub" (third entry) in the quick pick
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const pending = await until('the browser sign-in to start', async () => {
      const p = (await accountState()).pendingSignIn;
      return p?.url ? p : undefined;
    });
    assert.equal(pending.method, 'oauth');
    const res = await fetch(pending.url!, { redirect: 'manual' });
    await deliverCallback(res.headers.get('location')!);
    await clicked;
    const session = await until('the session through getSession', () => Promise.resolve(vscode.authentication.getSession(PROVIDER_ID, [], { silent: true })));
    assert.equal(session.account.label, 'ada@example.test');
    assert.equal(session.id, userId);
    const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString('utf8'));
    assert.deepEqual([claims.sub, claims.role], [userId, 'authenticated'], 'the access token is the Supabase JWT');
    assert.equal((await accountState()).storedSession, true);
  });

  it('sign-out while offline still clears the session from SecretStorage; online it also revokes it on the server', async () => {
    assert.equal((await accountState()).storedSession, true);
    sb.offline = true;
    let revoked: boolean | undefined;
    try {
      revoked = await vscode.commands.executeCommand<boolean>('iopsdata.account.signOut');
    } finally {
      sb.offline = false;
    }
    assert.equal(revoked, false, 'the server could not be told');
    let state = await accountState();
    assert.equal(state.storedSession, false);
    assert.equal(state.status.state, 'hidden');
    assert.deepEqual(await vscode.authentication.getAccounts(PROVIDER_ID), []);
    assert.equal(state.tokenFingerprint, undefined);

    await vscode.commands.executeCommand('iopsdata.account.signIn', { email: 'ada@example.test', password: 'ada-password' });
    const logoutsBefore = sb.requests.filter((r) => r.startsWith('POST /auth/v1/logout')).length;
    assert.equal(await vscode.commands.executeCommand<boolean>('iopsdata.account.signOut'), true);
    assert.equal(sb.requests.filter((r) => r.startsWith('POST /auth/v1/logout')).length, logoutsBefore + 1, 'the server was asked to revoke it');
    state = await accountState();
    assert.equal(state.storedSession, false);
    assert.deepEqual(await vscode.authentication.getAccounts(PROVIDER_ID), []);
  });
  });
});
