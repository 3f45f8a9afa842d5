/**
 * The sync protocol against an in-memory server with the same rules as the SQL (per-item LWW guard, server
 * watermark); the same engine runs against real PostgreSQL + supabase-js in supabaseSync.test.ts.
 */
import { strict as assert } from 'node:assert';
import {
  SyncEngine,
  type Collection,
  type LocalSource,
  type PullResult,
  type PushOutcome,
  type RemoteStore,
  type StateStore,
  type SyncItem,
  type SyncState,
} from '../../../src/core/account/syncEngine';

class MemoryServer implements RemoteStore {
  rows = new Map<string, SyncItem & { serverAt: number }>();
  clock = 1_000_000;
  failNextCalls = 0;
  calls = 0;
  private tick() {
    this.calls++;
    if (this.failNextCalls > 0) {
      this.failNextCalls--;
      throw new Error('fetch failed');
    }
  }
  async push(c: Collection, items: SyncItem[]): Promise<PushOutcome[]> {
    this.tick();
    return items.map((i) => {
      const k = `${c}/${i.key}`;
      const cur = this.rows.get(k);
      if (cur && Date.parse(cur.updatedAt) > Date.parse(i.updatedAt)) return { key: i.key, result: 'stale' as const };
      this.rows.set(k, { ...i, serverAt: ++this.clock });
      return { key: i.key, result: 'applied' as const };
    });
  }
  async pull(c: Collection, since: string | undefined): Promise<PullResult> {
    this.tick();
    const s = since ? Date.parse(since) : -Infinity;
    const items = [...this.rows.entries()].filter(([k, r]) => k.startsWith(`${c}/`) && r.serverAt > s).map(([, r]) => r);
    const wm = items.reduce((m, r) => Math.max(m, r.serverAt), s);
    return { items: items.map(({ serverAt: _s, ...i }) => i), watermark: Number.isFinite(wm) ? new Date(wm).toISOString() : since };
  }
}

class Machine implements LocalSource, StateStore {
  values: Record<Collection, Record<string, unknown>> = { settings: {}, connections: {}, queries: {} };
  saved: SyncState | undefined;
  saves = 0;
  engine: SyncEngine;
  constructor(server: RemoteStore) {
    this.engine = new SyncEngine(this, server, this);
  }
  async read(c: Collection) {
    return structuredClone(this.values[c]);
  }
  async write(c: Collection, changes: Array<{ key: string; value: unknown; deleted: boolean }>) {
    for (const ch of changes) {
      if (ch.deleted) delete this.values[c][ch.key];
      else this.values[c][ch.key] = structuredClone(ch.value);
    }
  }
  async load() {
    return this.saved ? structuredClone(this.saved) : undefined;
  }
  async save(s: SyncState) {
    this.saved = structuredClone(s);
    this.saves++;
  }
}

const at = (minute: number) => () => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe('account: sync engine (outbox, per-item last-writer-wins, conflict notices)', () => {
  it('propagates adds, edits and deletes between two machines', async () => {
    const server = new MemoryServer();
    const a = new Machine(server);
    const b = new Machine(server);
    a.values.connections.prod = { kind: 'postgres', host: 'db1' };
    a.values.queries.q1 = { name: 'Top', sql: 'select 1' };
    const r1 = await a.engine.sync({ now: at(1) });
    assert.equal(r1.error, undefined);
    assert.equal(r1.pushed, 2);
    await b.engine.sync({ now: at(2) });
    assert.deepEqual(b.values.connections, { prod: { kind: 'postgres', host: 'db1' } });
    assert.deepEqual(b.values.queries, { q1: { name: 'Top', sql: 'select 1' } });

    b.values.connections.prod = { kind: 'postgres', host: 'db2' };
    Reflect.deleteProperty(b.values.queries, 'q1');
    await b.engine.sync({ now: at(3) });
    const ra = await a.engine.sync({ now: at(4) });
    assert.deepEqual(a.values.connections, { prod: { kind: 'postgres', host: 'db2' } });
    assert.deepEqual(a.values.queries, {});
    assert.equal(ra.conflicts.length, 0);
    // nothing left to do: a second sync pushes and applies nothing
    const again = await a.engine.sync({ now: at(5) });
    assert.equal(again.pushed, 0);
    assert.equal(again.applied, 0);
  });

  it('offline: edits wait in the persisted outbox and are sent on the next sync; nothing is lost mid-sync', async () => {
    const server = new MemoryServer();
    const a = new Machine(server);
    for (let i = 0; i < 5; i++) a.values.queries[`q${i}`] = { name: `Q${i}`, sql: `select ${i}` };
    // first call (the first-sync pull) succeeds, then the network drops on the second batch push
    await a.engine.sync({ now: at(1), collections: ['queries'], batchSize: 2 });
    server.rows.clear();
    a.values.queries.q0 = { name: 'Q0 edited', sql: 'select 0' };
    a.values.queries.q1 = { name: 'Q1 edited', sql: 'select 1' };
    a.values.queries.q2 = { name: 'Q2 edited', sql: 'select 2' };
    let failAfter = 1; // one batch goes through, then "fetch failed"
    const origPush = server.push.bind(server);
    server.push = async (c, items) => {
      if (failAfter-- <= 0) throw new Error('fetch failed');
      return origPush(c, items);
    };
    const r = await a.engine.sync({ now: at(2), collections: ['queries'], batchSize: 2 });
    assert.match(String(r.error), /fetch failed/);
    assert.equal(r.pushed, 2);
    assert.equal(r.pending, 1);
    // a brand-new engine over the persisted state (VS Code restarted) still has the unsent edit
    const restarted = new SyncEngine(a, server, a);
    assert.equal(await restarted.pendingCount(), 1);
    server.push = origPush;
    const r2 = await restarted.sync({ now: at(3), collections: ['queries'] });
    assert.equal(r2.error, undefined);
    assert.equal(r2.pending, 0);
    assert.equal(r2.pushed, 1);
    assert.deepEqual(server.rows.get('queries/q2')?.value, { name: 'Q2 edited', sql: 'select 2' });
    assert.equal(server.rows.size, 3);
  });

  it('concurrent edits: the later edit wins on both machines and the loser gets a notice with its value', async () => {
    const server = new MemoryServer();
    const a = new Machine(server);
    const b = new Machine(server);
    a.values.settings['iopsdata.maxRows'] = 100;
    await a.engine.sync({ now: at(1) });
    await b.engine.sync({ now: at(1) });
    // both edit offline; A at minute 5, B later at minute 7
    a.values.settings['iopsdata.maxRows'] = 500;
    await a.engine.scan({ now: at(5) });
    b.values.settings['iopsdata.maxRows'] = 700;
    await b.engine.scan({ now: at(7) });
    // B syncs first, then A: A's older edit is refused by the server and replaced by B's
    const rb = await b.engine.sync({ now: at(8) });
    assert.equal(rb.conflicts.length, 0);
    const ra = await a.engine.sync({ now: at(9) });
    assert.equal(a.values.settings['iopsdata.maxRows'], 700);
    assert.equal(ra.conflicts.length, 1);
    assert.deepEqual(
      { key: ra.conflicts[0].key, kept: ra.conflicts[0].kept, discarded: ra.conflicts[0].discarded },
      { key: 'iopsdata.maxRows', kept: 'remote', discarded: 500 },
    );
    assert.equal((await a.engine.getState()).conflicts.length, 1, 'notice persisted');
    assert.equal(server.rows.get('settings/iopsdata.maxRows')?.value, 700);

    // reverse order: the newer local edit is pushed over the older remote one, no notice
    a.values.settings['iopsdata.maxRows'] = 900;
    await a.engine.scan({ now: at(20) });
    b.values.settings['iopsdata.maxRows'] = 800;
    await b.engine.scan({ now: at(15) });
    await a.engine.sync({ now: at(21) });
    const rb2 = await b.engine.sync({ now: at(22) });
    assert.equal(b.values.settings['iopsdata.maxRows'], 900);
    assert.equal(rb2.conflicts.length, 1);
    assert.equal(rb2.conflicts[0].discarded, 800);
  });

  it("first sync on a new machine adopts the team's items and reports local differences", async () => {
    const server = new MemoryServer();
    const a = new Machine(server);
    a.values.connections.prod = { host: 'team-db' };
    await a.engine.sync({ now: at(1) });
    const b = new Machine(server);
    b.values.connections.prod = { host: 'my-old-db' };
    b.values.connections.local = { host: 'laptop' };
    const r = await b.engine.sync({ now: at(2) });
    assert.deepEqual(b.values.connections, { prod: { host: 'team-db' }, local: { host: 'laptop' } });
    assert.equal(r.conflicts.length, 1);
    assert.deepEqual(r.conflicts[0].discarded, { host: 'my-old-db' });
    assert.deepEqual(server.rows.get('connections/local')?.value, { host: 'laptop' }, 'local-only items are uploaded');
  });

  it('coalesces repeated offline edits of one item into one outbox entry', async () => {
    const server = new MemoryServer();
    const a = new Machine(server);
    await a.engine.sync({ now: at(0) });
    for (let i = 1; i <= 4; i++) {
      a.values.queries.q = { name: 'Q', sql: `select ${i}` };
      await a.engine.scan({ now: at(i) });
    }
    assert.equal(await a.engine.pendingCount(), 1);
    const r = await a.engine.sync({ now: at(5) });
    assert.equal(r.pushed, 1);
    assert.deepEqual(server.rows.get('queries/q')?.value, { name: 'Q', sql: 'select 4' });
    assert.equal(server.rows.get('queries/q')?.updatedAt, at(4)().toISOString());
  });

  it('is cancellable and survives a corrupt stored state', async () => {
    const server = new MemoryServer();
    const a = new Machine(server);
    a.values.queries.q = { sql: 'x' };
    const ac = new AbortController();
    ac.abort();
    const r = await a.engine.sync({ signal: ac.signal });
    assert.match(String(r.error), /Cancelled/);
    assert.equal(server.calls, 0);
    const m = new Machine(server);
    m.saved = { version: 1, items: null, outbox: 'x' } as unknown as SyncState;
    const r2 = await m.engine.sync({ now: at(1) });
    assert.equal(r2.error, undefined);
  });
});
