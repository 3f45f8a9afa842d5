/**
 * The saved-query store shared by the History view and account sync: local edits, the sync view of it (ids as
 * keys, connections by name) and applying pulled edits, on the same state layout the run feature always used.
 */
import { strict as assert } from 'node:assert';
import { MemoryKeyValueState, SAVED_QUERIES_KEY, SavedQueryStore, type ConnectionNames } from '../../../src/core/run/savedQueries';

const connections: ConnectionNames = {
  nameOf: (id) => ({ pg1: 'Prod PG', files: 'Workspace files' })[id],
  idOf: (name) => ({ 'Prod PG': 'pg1', 'Workspace files': 'files' })[name],
};

describe('account: saved query store (History view + sync)', () => {
  let t = 1_000;
  let n = 0;
  const store = (state = new MemoryKeyValueState()) => new SavedQueryStore(state, { now: () => ++t, newId: () => `q${++n}` });

  it('saves, updates and removes, notifying listeners with the origin', async () => {
    const s = store();
    const seen: string[] = [];
    const sub = s.onDidChange((o) => seen.push(o));
    const q = await s.save('  Top   customers ', ' select * from c \n', 'pg1');
    assert.deepEqual({ name: q.name, sql: q.sql, connectionId: q.connectionId }, { name: 'Top customers', sql: 'select * from c', connectionId: 'pg1' });
    const renamed = await s.update(q.id, { name: 'Best customers' });
    assert.equal(renamed.name, 'Best customers');
    assert.ok(renamed.savedAt > q.savedAt);
    assert.deepEqual(s.list().map((x) => x.name), ['Best customers']);
    assert.equal(await s.remove(q.id), true);
    assert.equal(await s.remove(q.id), false, 'removing twice is a no-op');
    sub.dispose();
    await s.save('after dispose', 'select 1');
    assert.deepEqual(seen, ['local', 'local', 'local']);
  });

  it('refuses empty names and SQL and names over the server limit, with clear messages', async () => {
    const s = store();
    await assert.rejects(s.save('   ', 'select 1'), /needs a name/);
    await assert.rejects(s.save('x', '  '), /no SQL/);
    await assert.rejects(s.save('x'.repeat(201), 'select 1'), /at most 200/);
    await assert.rejects(s.update('missing', { name: 'y' }), /no longer exists/);
    assert.deepEqual(s.list(), []);
  });

  it('reads the array the run feature stored before (same key), skipping malformed entries', () => {
    const state = new MemoryKeyValueState();
    state.map.set(SAVED_QUERIES_KEY, [{ id: 'old1', name: 'Legacy', sql: 'select 1', connectionId: 'pg1', savedAt: 5 }, { id: 3 }, null, 'x']);
    const s = store(state);
    assert.deepEqual(s.list(), [{ id: 'old1', name: 'Legacy', sql: 'select 1', connectionId: 'pg1', savedAt: 5 }]);
  });

  it('sync view: keyed by id, connections by name; pulled edits apply in one write and keep unknown connection names', async () => {
    const s = store();
    const a = await s.save('A', 'select 1', 'pg1');
    const b = await s.save('B', 'select 2');
    const c = await s.save('C', 'select 3', 'gone'); // its connection was deleted on this machine
    assert.deepEqual(s.toSynced(connections), {
      [a.id]: { name: 'A', sql: 'select 1', connectionName: 'Prod PG' },
      [b.id]: { name: 'B', sql: 'select 2' },
      [c.id]: { name: 'C', sql: 'select 3' },
    });

    const origins: string[] = [];
    s.onDidChange((o) => origins.push(o));
    await s.applySynced(
      [
        { key: a.id, value: { name: 'A2', sql: 'select 10', connectionName: 'Prod PG' }, deleted: false },
        { key: b.id, value: undefined, deleted: true },
        { key: 'remote1', value: { name: 'From laptop', sql: 'select 4', connectionName: 'Laptop DB' }, deleted: false },
        { key: 'bad', value: { name: 42 }, deleted: false },
        { key: 'missing', value: null, deleted: true },
      ],
      connections,
    );
    assert.deepEqual(origins, ['sync'], 'one change event, marked as coming from sync');
    const byId = Object.fromEntries(s.list().map((q) => [q.id, q]));
    assert.deepEqual(Object.keys(byId).sort(), [a.id, c.id, 'remote1'].sort());
    assert.equal(byId[a.id].sql, 'select 10');
    assert.equal(byId[a.id].connectionId, 'pg1');
    assert.equal(byId[a.id].savedAt, a.savedAt, 'an edited query keeps its place and saved time');
    assert.equal(byId.remote1.connectionId, undefined);
    assert.equal(byId.remote1.connectionName, 'Laptop DB');
    // the unknown connection name round-trips, so the next scan does not see a phantom edit
    assert.deepEqual(s.toSynced(connections).remote1, { name: 'From laptop', sql: 'select 4', connectionName: 'Laptop DB' });
    // …and binds once a connection of that name exists here
    const later: ConnectionNames = { nameOf: (id) => (id === 'lap' ? 'Laptop DB' : connections.nameOf(id)), idOf: (nm) => (nm === 'Laptop DB' ? 'lap' : connections.idOf(nm)) };
    await s.applySynced([{ key: 'remote1', value: { name: 'From laptop', sql: 'select 4', connectionName: 'Laptop DB' }, deleted: false }], later);
    assert.equal(s.get('remote1')?.connectionId, 'lap');
  });

  it('adopts the queries an older version kept per folder, once, without overwriting ids already in the store', async () => {
    const folder = new MemoryKeyValueState();
    folder.map.set(SAVED_QUERIES_KEY, [
      { id: 'f1', name: 'Folder query', sql: 'select 1', savedAt: 1 },
      { id: 'shared', name: 'Old copy', sql: 'select 0', savedAt: 1 },
    ]);
    const global = new MemoryKeyValueState();
    global.map.set(SAVED_QUERIES_KEY, [{ id: 'shared', name: 'Current', sql: 'select 2', savedAt: 9 }]);
    const s = store(global);
    assert.equal(await s.adoptLegacy(folder), 1);
    assert.deepEqual(s.list().map((q) => [q.id, q.name]), [['shared', 'Current'], ['f1', 'Folder query']]);
    assert.equal(folder.get(SAVED_QUERIES_KEY), undefined, 'cleared in the folder so it is not adopted twice');
    assert.equal(await s.adoptLegacy(folder), 0);
    assert.equal(s.list().length, 2);
  });

  it('a listener that throws does not break the write', async () => {
    const s = store();
    s.onDidChange(() => {
      throw new Error('boom');
    });
    await s.save('x', 'select 1');
    assert.equal(s.list().length, 1);
  });
});
