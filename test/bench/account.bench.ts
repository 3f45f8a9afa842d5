/**
 * Account sync throughput on real parts: supabase-js → loopback Supabase (test/helpers/supabaseServer.ts) →
 * real PostgreSQL with the migrations' RLS. Measures a first upload of 500 connections + 500 saved queries, a
 * second machine pulling them, an incremental sync with nothing to do, and AES-256-GCM encryption of configs.
 * Saved queries go through the History view's SavedQueryStore: a first upload of N, and the catch-up after the server
 * died mid-push (the queued rest goes out once it is back), quoted as a ratio to that first upload in the same run.
 */
import type { BenchReport } from './report';
import { startPostgres } from '../helpers/postgres';
import { applySupabaseSchema } from '../helpers/supabaseDb';
import { startFakeSupabase } from '../helpers/supabaseServer';
import { MemoryAuthStorage, createAccountClient } from '../../src/core/account/client';
import { signInWithPassword } from '../../src/core/account/auth';
import { SupabaseRemoteStore, resolveWorkspace } from '../../src/core/account/remote';
import { SyncEngine, type Collection, type LocalSource, type StateStore, type SyncState } from '../../src/core/account/syncEngine';
import { connectionAad, decryptSecret, encryptSecret, generateTeamKey } from '../../src/core/account/crypto';
import { MemoryKeyValueState, SavedQueryStore } from '../../src/core/run/savedQueries';

const N = 500;

/** Saved queries from the History view's store; the other collections stay empty. */
class StoreMachine implements LocalSource, StateStore {
  readonly store = new SavedQueryStore(new MemoryKeyValueState());
  saved: SyncState | undefined;
  private readonly names = { nameOf: () => undefined, idOf: () => undefined };
  async read(c: Collection) {
    return c === 'queries' ? this.store.toSynced(this.names) : {};
  }
  async write(c: Collection, changes: Array<{ key: string; value: unknown; deleted: boolean }>) {
    if (c === 'queries') await this.store.applySynced(changes, this.names);
  }
  async load() {
    return this.saved;
  }
  async save(s: SyncState) {
    this.saved = structuredClone(s);
  }
}

class Machine implements LocalSource, StateStore {
  values: Record<Collection, Record<string, unknown>> = { settings: {}, connections: {}, queries: {} };
  saved: SyncState | undefined;
  async read(c: Collection) {
    return structuredClone(this.values[c]);
  }
  async write(c: Collection, changes: Array<{ key: string; value: unknown; deleted: boolean }>) {
    for (const ch of changes) {
      if (ch.deleted) Reflect.deleteProperty(this.values[c], ch.key);
      else this.values[c][ch.key] = ch.value;
    }
  }
  async load() {
    return this.saved;
  }
  async save(s: SyncState) {
    this.saved = structuredClone(s);
  }
}

export async function run(report: BenchReport): Promise<void> {
  const pg = await startPostgres();
  try {
    applySupabaseSchema(pg);
    const sb = await startFakeSupabase({ databaseUrl: pg.url });
    try {
      await sb.createUser('bench@example.test', 'bench-password');
      const key = generateTeamKey();
      const machine = async () => {
        const client = createAccountClient({ url: sb.url, anonKey: sb.anonKey }, { storage: new MemoryAuthStorage(), autoRefreshToken: false });
        const s = await signInWithPassword(client, 'bench@example.test', 'bench-password');
        const ws = await resolveWorkspace(client, s.user.id);
        const local = new Machine();
        const engine = new SyncEngine(local, new SupabaseRemoteStore({ client, workspaceId: ws.id, userId: s.user.id, teamKey: async () => key }), local);
        return { local, engine };
      };
      const a = await machine();
      for (let i = 0; i < N; i++) {
        a.local.values.connections[`conn ${i}`] = { definition: { id: `c${i}`, name: `conn ${i}`, kind: 'postgres', host: `db${i}.internal`, database: 'sales', user: 'ro' }, secrets: { password: `pw-${i}` } };
        a.local.values.queries[`q${i}`] = { name: `Query ${i}`, sql: `select * from t${i} where id > ${i}` };
      }
      const up = await report.measure(`first sync: upload ${N} connections + ${N} queries`, async () => {
        const r = await a.engine.sync();
        if (r.error || r.pushed !== 2 * N) throw new Error(`upload failed: ${String(r.error)} pushed ${r.pushed}`);
      }, { iterations: 1, warmup: 0 });
      report.target('upload 1000 items', up.medianMs, 10_000);
      report.record('upload items per second', (2 * N) / (up.medianMs / 1000), 'items/s');

      const b = await machine();
      const down = await report.measure(`second machine: pull ${2 * N} items`, async () => {
        const r = await b.engine.sync();
        if (r.error || Object.keys(b.local.values.connections).length !== N) throw new Error(`pull failed: ${String(r.error)}`);
      }, { iterations: 1, warmup: 0 });
      report.target('pull 1000 items', down.medianMs, 10_000);

      const idle = await report.measure('incremental sync with nothing to do', async () => {
        const r = await a.engine.sync();
        if (r.error || r.pushed) throw new Error('unexpected work');
      }, { iterations: 10, warmup: 1 });
      report.target('no-op sync median', idle.medianMs, 300);

      // Saved queries through the store the History view uses: baseline first upload, then a crash mid-push.
      await sb.createUser('queries@example.test', 'queries-password');
      const storeMachine = async () => {
        const client = createAccountClient({ url: sb.url, anonKey: sb.anonKey }, { storage: new MemoryAuthStorage(), autoRefreshToken: false });
        const s = await signInWithPassword(client, 'queries@example.test', 'queries-password');
        const ws = await resolveWorkspace(client, s.user.id);
        const local = new StoreMachine();
        return { local, engine: new SyncEngine(local, new SupabaseRemoteStore({ client, workspaceId: ws.id, userId: s.user.id, teamKey: async () => key }), local) };
      };
      const q = await storeMachine();
      for (let i = 0; i < N; i++) await q.local.store.save(`Report ${i}`, `select * from t${i} where id > ${i}`);
      const firstUpload = await report.measure(`saved queries: first upload of ${N} from the store`, async () => {
        const r = await q.engine.sync({ collections: ['queries'], batchSize: 50 });
        if (r.error || r.pushed !== N) throw new Error(`upload failed: ${String(r.error)} pushed ${r.pushed}`);
      }, { iterations: 1, warmup: 0 });
      for (const saved of q.local.store.list()) await q.local.store.update(saved.id, { sql: `${saved.sql} -- edited` });
      const died = sb.crashOn(/^POST \/rest\/v1\/saved_queries/, { nth: 3 });
      const broken = await q.engine.sync({ collections: ['queries'], batchSize: 50 });
      await died;
      if (!broken.error || broken.pending !== N - 100) throw new Error(`expected ${N - 100} queued after the crash, got ${broken.pending}`);
      await sb.restart();
      const catchUp = await report.measure(`saved queries: catch-up of ${N - 100} queued edits after the server died mid-push`, async () => {
        const r = await q.engine.sync({ collections: ['queries'], batchSize: 50 });
        if (r.error || r.pending !== 0 || r.pushed !== N - 100) throw new Error(`catch-up failed: ${String(r.error)} pushed ${r.pushed}`);
      }, { iterations: 1, warmup: 0 });
      report.record('catch-up / first upload (same run)', catchUp.medianMs / firstUpload.medianMs, 'ratio');
      report.target(`catch-up of ${N - 100} queued edits`, catchUp.medianMs, 10_000);
    } finally {
      await sb.stop();
    }
  } finally {
    await pg.stop();
  }
  const key = generateTeamKey();
  const config = JSON.stringify({ definition: { id: 'x', name: 'x', kind: 'snowflake', account: 'acme', user: 'u' }, secrets: { privateKey: 'k'.repeat(1700) } });
  const aad = connectionAad('ws', 'x');
  const enc = await report.measure('encrypt + decrypt one connection config (2 KB) x1000', () => {
    for (let i = 0; i < 1000; i++) decryptSecret(key, encryptSecret(key, config, aad), aad);
  }, { iterations: 5 });
  report.target('1000 encrypt+decrypt', enc.medianMs, 200);
}

if (require.main === module) {
  void import('./report').then(async ({ createReport }) => {
    const result = { bench: 'account', file: __filename, ok: true, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
    await run(createReport(result as never, (l) => console.error(l)));
    console.log(JSON.stringify(result, null, 2));
  });
}
