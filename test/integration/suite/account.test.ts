/**
 * The account feature inside the real VS Code extension host, against a loopback Supabase whose PostgREST runs on
 * a real PostgreSQL with the migrations' row-level security: the AuthenticationProvider is registered and serves
 * the session that supabase-js keeps in SecretStorage (it survives the client being rebuilt), sync uploads a
 * connection definition encrypted, and sign-out revokes the session on the server.
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
});
