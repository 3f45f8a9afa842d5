/**
 * The account status bar item's states and the conflict notice, decided by pure functions (the integration test
 * checks the same item in the real VS Code host).
 */
import { strict as assert } from 'node:assert';
import { UserError } from '../../../src/core/errors';
import { accountStatus, conflictMessage, isOfflineError } from '../../../src/core/account/status';
import type { ConflictNotice } from '../../../src/core/account/syncEngine';

const at = new Date(Date.UTC(2026, 0, 1, 12, 0));

describe('account: status bar item and conflict notices', () => {
  it('is hidden when signed out', () => {
    assert.equal(accountStatus({ syncing: true, unseenConflicts: 3 }).state, 'hidden');
  });

  it('signed in: names the account; synced / syncing / pending', () => {
    const synced = accountStatus({ account: 'ada@example.test', syncing: false, unseenConflicts: 0, last: { pending: 0, at } });
    assert.equal(synced.state, 'synced');
    assert.equal(synced.text, '$(cloud) iOpsData');
    assert.match(synced.tooltip, /Signed in to iOpsData as ada@example\.test/);
    assert.match(synced.tooltip, /Synced at/);
    assert.equal(synced.command, 'iopsdata.account.sync');
    const fresh = accountStatus({ account: 'ada@example.test', syncing: false, unseenConflicts: 0 });
    assert.match(fresh.tooltip, /Not synced yet/);
    const syncing = accountStatus({ account: 'ada@example.test', syncing: true, unseenConflicts: 2, last: { pending: 4, at, error: new Error('fetch failed') } });
    assert.equal(syncing.state, 'syncing', 'syncing wins over everything');
    assert.equal(syncing.text, '$(sync~spin) iOpsData');
    const pending = accountStatus({ account: 'a', syncing: false, unseenConflicts: 0, last: { pending: 2, at } });
    assert.equal(pending.text, '$(cloud-upload) iOpsData 2');
    assert.match(pending.tooltip, /2 changes waiting to upload/);
  });

  it('offline vs. failed: offline shows the waiting count and is retried by a click', () => {
    const offline = accountStatus({ account: 'a', syncing: false, unseenConflicts: 1, last: { pending: 3, at, error: new UserError('Uploading queries failed: TypeError: fetch failed') } });
    assert.equal(offline.state, 'offline');
    assert.equal(offline.text, '$(cloud-offline) iOpsData 3');
    assert.match(offline.tooltip, /Offline: cannot reach the Supabase server\.\n3 changes waiting/);
    assert.equal(offline.command, 'iopsdata.account.sync');
    const failed = accountStatus({ account: 'a', syncing: false, unseenConflicts: 0, last: { pending: 1, at, error: new UserError('Uploading queries failed: new row violates row-level security policy') } });
    assert.equal(failed.state, 'error');
    assert.equal(failed.text, '$(warning) iOpsData 1');
    assert.match(failed.tooltip, /Sync failed: Uploading queries failed: new row violates row-level security policy/);
  });

  it('conflicts the user has not reviewed: counted, and a click opens the review', () => {
    const v = accountStatus({ account: 'a', syncing: false, unseenConflicts: 2, last: { pending: 0, at } });
    assert.equal(v.state, 'conflicts');
    assert.equal(v.text, '$(warning) iOpsData 2 conflicts');
    assert.equal(v.command, 'iopsdata.account.showConflicts');
    assert.equal(accountStatus({ account: 'a', syncing: false, unseenConflicts: 1, last: { pending: 0, at } }).text, '$(warning) iOpsData 1 conflict');
  });

  it('classifies network failures (also through a cause) as offline', () => {
    assert.equal(isOfflineError(new Error('TypeError: fetch failed')), true);
    assert.equal(isOfflineError(new UserError('Sign-in failed: cannot reach the Supabase server (offline?).')), true);
    assert.equal(isOfflineError(new UserError('Downloading queries failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5') })), true);
    assert.equal(isOfflineError(new UserError('Uploading failed: permission denied')), false);
    assert.equal(isOfflineError(undefined), false);
  });

  it('the conflict notice names saved queries by name, never shows values, and summarises long lists', () => {
    const base = { kept: 'remote' as const, localUpdatedAt: '', remoteUpdatedAt: at.toISOString(), at: at.toISOString() };
    const q: ConflictNotice = { ...base, collection: 'queries', key: 'lx1-abc', discarded: { name: 'Top customers', sql: 'select secret_col' } };
    const conn: ConflictNotice = { ...base, collection: 'connections', key: 'Prod PG', discarded: { secrets: { password: 'hunter2' } } };
    const deletedQuery: ConflictNotice = { ...base, collection: 'queries', key: 'lx2-def', discarded: undefined };
    const one = conflictMessage([q]);
    assert.equal(one, 'iOpsData sync: saved query "Top customers" was changed on another machine more recently; the newer version replaced your local edit.');
    const many = conflictMessage([q, conn, deletedQuery, { ...base, collection: 'settings', key: 'iopsdata.x' }], (c) => (c.key === 'lx2-def' ? 'Revenue' : undefined));
    assert.match(many, /saved query "Top customers", connection "Prod PG", saved query "Revenue" and 1 more were changed/);
    assert.ok(!many.includes('hunter2') && !many.includes('secret_col'));
  });
});
