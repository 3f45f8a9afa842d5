/**
 * Row-level security of supabase/migrations, proven on a real PostgreSQL: two users in two workspaces; each tries
 * to read, insert, update and delete the other's rows in every table (and in storage.objects) as the
 * `authenticated` role with the JWT claims GUC set the way PostgREST sets it.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { applySupabaseSchema, asUser, createAuthUser } from '../../helpers/supabaseDb';

describe('account: Supabase migrations and row-level security (real PostgreSQL)', function () {
  this.timeout(120_000);
  let pg: PostgresServer;
  let db: Client;
  let alice: string;
  let bob: string;
  let wsA: string;
  let wsB: string;

  const count = async (userId: string | null, sql: string, params: unknown[] = []) =>
    asUser(db, userId, async (c) => Number((await c.query(sql, params)).rowCount));

  before(async () => {
    pg = await startPostgres();
    applySupabaseSchema(pg);
    db = new Client({ connectionString: pg.url });
    await db.connect();
    alice = await createAuthUser(db, 'alice@example.test');
    bob = await createAuthUser(db, 'bob@example.test');
    // Each user creates a workspace through RLS (not as superuser): the owner row comes from the trigger.
    wsA = await asUser(db, alice, async (c) => (await c.query(`insert into workspaces (name) values ('A team') returning id`)).rows[0].id);
    wsB = await asUser(db, bob, async (c) => (await c.query(`insert into workspaces (name) values ('B team') returning id`)).rows[0].id);
    for (const [user, ws, tag] of [[alice, wsA, 'a'], [bob, wsB, 'b']] as const) {
      await asUser(db, user, async (c) => {
        await c.query(`insert into user_settings (user_id, settings) values ($1, $2)`, [user, { k: { value: tag } }]);
        await c.query(`insert into workspace_connections (workspace_id, connection_name, encrypted_config, updated_at) values ($1, $2, 'v1.cipher', now())`, [ws, `conn-${tag}`]);
        await c.query(`insert into saved_queries (workspace_id, query_id, name, sql, updated_at) values ($1, $2, 'q', 'select 1', now())`, [ws, `q-${tag}`]);
        await c.query(`insert into file_assets (workspace_id, storage_path, file_name, metadata) values ($1, $2, 'f.csv', '{"rows": 3}')`, [ws, `${ws}/f-${tag}.csv`]);
        await c.query(`insert into storage.objects (bucket_id, name) values ('workspace-files', $1)`, [`${ws}/f-${tag}.csv`]);
      });
    }
  });

  after(async () => {
    await db?.end();
    await pg?.stop();
  });

  it('creating a workspace makes its creator the owner', async () => {
    const r = await db.query(`select user_id, role from workspace_members where workspace_id = $1`, [wsA]);
    assert.deepEqual(r.rows, [{ user_id: alice, role: 'owner' }]);
  });

  const tables: Array<{ table: string; ownerCol: string; bobRow: () => string }> = [
    { table: 'workspaces', ownerCol: 'id', bobRow: () => wsB },
    { table: 'workspace_members', ownerCol: 'workspace_id', bobRow: () => wsB },
    { table: 'user_settings', ownerCol: 'user_id', bobRow: () => bob },
    { table: 'workspace_connections', ownerCol: 'workspace_id', bobRow: () => wsB },
    { table: 'saved_queries', ownerCol: 'workspace_id', bobRow: () => wsB },
    { table: 'file_assets', ownerCol: 'workspace_id', bobRow: () => wsB },
  ];

  for (const t of tables) {
    it(`${t.table}: Alice sees only her own rows, and cannot update or delete Bob's`, async () => {
      const visible = await asUser(db, alice, async (c) => (await c.query(`select ${t.ownerCol}::text as o from ${t.table}`)).rows.map((r) => r.o));
      assert.ok(visible.length >= 1, 'Alice sees her own row');
      assert.ok(!visible.includes(t.bobRow()), `Alice must not see Bob's ${t.table} row`);
      const filtered = await count(alice, `select 1 from ${t.table} where ${t.ownerCol} = $1`, [t.bobRow()]);
      assert.equal(filtered, 0);

      const before = (await db.query(`select count(*)::int as n from ${t.table} where ${t.ownerCol} = $1`, [t.bobRow()])).rows[0].n;
      assert.ok(before >= 1);
      // UPDATE and DELETE silently match zero rows under RLS; the superuser confirms nothing changed.
      const setCol = t.table === 'workspace_members' ? `role = 'member'` : t.table === 'workspaces' ? `name = 'pwned'` : t.table === 'user_settings' ? `settings = '{}'` : t.table === 'file_assets' ? `metadata = '{}'` : `updated_at = now() + interval '1 day'`;
      assert.equal(await count(alice, `update ${t.table} set ${setCol} where ${t.ownerCol} = $1`, [t.bobRow()]), 0);
      assert.equal(await count(alice, `delete from ${t.table} where ${t.ownerCol} = $1`, [t.bobRow()]), 0);
      const after = (await db.query(`select count(*)::int as n from ${t.table} where ${t.ownerCol} = $1`, [t.bobRow()])).rows[0].n;
      assert.equal(after, before);
    });
  }

  it("Alice cannot insert rows into Bob's workspace in any table", async () => {
    const attempts: Array<[string, unknown[]]> = [
      [`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'owner')`, [wsB, alice]],
      [`insert into workspace_connections (workspace_id, connection_name, encrypted_config, updated_at) values ($1, 'x', 'c', now())`, [wsB]],
      [`insert into saved_queries (workspace_id, query_id, updated_at) values ($1, 'x', now())`, [wsB]],
      [`insert into file_assets (workspace_id, storage_path, file_name) values ($1, $2, 'x.csv')`, [wsB, `${wsB}/x.csv`]],
      [`insert into user_settings (user_id) values ($1)`, [bob]],
      [`insert into workspaces (name, created_by) values ('spoof', $1)`, [bob]],
      [`insert into storage.objects (bucket_id, name) values ('workspace-files', $1)`, [`${wsB}/evil.csv`]],
    ];
    for (const [sql, params] of attempts) {
      await assert.rejects(asUser(db, alice, (c) => c.query(sql, params)), /row-level security|duplicate key/, sql);
    }
  });

  it("Alice cannot move her own row into Bob's workspace (WITH CHECK)", async () => {
    await assert.rejects(
      asUser(db, alice, (c) => c.query(`update saved_queries set workspace_id = $1 where workspace_id = $2`, [wsB, wsA])),
      /row-level security/,
    );
    await assert.rejects(
      asUser(db, alice, (c) => c.query(`update user_settings set user_id = $1 where user_id = $2`, [bob, alice])),
      /row-level security/,
    );
  });

  it("storage: Alice sees only her workspace's objects", async () => {
    const names = await asUser(db, alice, async (c) => (await c.query(`select name from storage.objects`)).rows.map((r) => r.name));
    assert.deepEqual(names, [`${wsA}/f-a.csv`]);
    assert.equal(await count(alice, `delete from storage.objects where name like $1`, [`${wsB}/%`]), 0);
  });

  it('anon sees nothing and cannot write', async () => {
    await assert.rejects(asUser(db, null, (c) => c.query(`select * from workspace_connections`)), /permission denied/);
    await assert.rejects(asUser(db, null, (c) => c.query(`insert into user_settings (user_id) values ($1)`, [alice])), /permission denied/);
    assert.equal(await count(null, `select * from storage.objects`), 0);
  });

  it('membership grants access: after Bob adds Alice to his workspace she sees its rows, and loses them when removed', async () => {
    await asUser(db, bob, (c) => c.query(`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'member')`, [wsB, alice]));
    assert.equal(await count(alice, `select 1 from saved_queries where workspace_id = $1`, [wsB]), 1);
    // a plain member cannot promote herself
    assert.equal(await count(alice, `update workspace_members set role = 'owner' where workspace_id = $1 and user_id = $2`, [wsB, alice]), 0);
    await asUser(db, bob, (c) => c.query(`delete from workspace_members where workspace_id = $1 and user_id = $2`, [wsB, alice]));
    assert.equal(await count(alice, `select 1 from saved_queries where workspace_id = $1`, [wsB]), 0);
  });

  it('member removal: only the owner removes members; admins and members cannot; an owner cannot be removed; a member may leave', async () => {
    const carol = await createAuthUser(db, 'carol@example.test');
    const dan = await createAuthUser(db, 'dan@example.test');
    await db.query(`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'admin'), ($1, $3, 'member')`, [wsA, carol, dan]);
    const isMember = async (u: string) => (await db.query(`select 1 from workspace_members where workspace_id = $1 and user_id = $2`, [wsA, u])).rowCount === 1;
    const remove = (as: string, who: string) => count(as, `delete from workspace_members where workspace_id = $1 and user_id = $2`, [wsA, who]);

    assert.equal(await remove(carol, dan), 0, 'an admin cannot remove a member');
    assert.equal(await remove(dan, carol), 0, 'a member cannot remove an admin');
    assert.equal(await remove(bob, dan), 0, 'a non-member cannot remove anyone');
    assert.equal(await remove(alice, alice), 0, 'the owner cannot remove herself (the workspace keeps an owner)');
    assert.equal(await remove(carol, alice), 0);
    assert.ok((await isMember(dan)) && (await isMember(carol)) && (await isMember(alice)));
    // an admin cannot make herself (or anyone) an owner to get around the rule
    assert.equal(await count(carol, `update workspace_members set role = 'owner' where workspace_id = $1 and user_id = $2`, [wsA, carol]), 0);
    await assert.rejects(asUser(db, carol, (c) => c.query(`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'owner')`, [wsA, bob])), /row-level security/);
    // admins still add members
    await asUser(db, carol, (c) => c.query(`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'member')`, [wsA, bob]));
    assert.equal(await count(bob, `select 1 from saved_queries where workspace_id = $1`, [wsA]), 1, 'the new member sees the rows');

    // members list each other, with emails, owner first; outsiders and anon cannot
    const listed = await asUser(db, dan, async (c) => (await c.query(`select email, role from list_workspace_members($1)`, [wsA])).rows);
    assert.deepEqual(listed, [
      { email: 'alice@example.test', role: 'owner' },
      { email: 'carol@example.test', role: 'admin' },
      { email: 'bob@example.test', role: 'member' },
      { email: 'dan@example.test', role: 'member' },
    ]);
    await assert.rejects(asUser(db, alice, (c) => c.query(`select * from list_workspace_members($1)`, [wsB])), /not a member of that workspace/);
    await assert.rejects(asUser(db, null, (c) => c.query(`select * from list_workspace_members($1)`, [wsA])), /permission denied/);

    assert.equal(await remove(alice, dan), 1, 'the owner removes a member');
    assert.equal(await remove(alice, carol), 1, 'the owner removes an admin');
    assert.equal(await count(dan, `select 1 from saved_queries where workspace_id = $1`, [wsA]), 0, 'a removed member loses access at once');
    assert.equal(await count(dan, `select 1 from workspace_connections where workspace_id = $1`, [wsA]), 0);
    assert.equal(await remove(bob, bob), 1, 'a member may leave');
    const left = (await db.query(`select user_id from workspace_members where workspace_id = $1`, [wsA])).rows.map((r) => r.user_id);
    assert.deepEqual(left, [alice]);
  });

  it('last-writer-wins guard: an update carrying an older updated_at leaves the newer row in place', async () => {
    await asUser(db, alice, async (c) => {
      await c.query(`insert into saved_queries (workspace_id, query_id, name, updated_at) values ($1, 'lww', 'new', '2026-01-02T00:00:00Z')`, [wsA]);
      await c.query(
        `insert into saved_queries (workspace_id, query_id, name, updated_at) values ($1, 'lww', 'old', '2026-01-01T00:00:00Z')
         on conflict (workspace_id, query_id) do update set name = excluded.name, updated_at = excluded.updated_at`,
        [wsA],
      );
    });
    const r = await db.query(`select name from saved_queries where workspace_id = $1 and query_id = 'lww'`, [wsA]);
    assert.equal(r.rows[0].name, 'new');
  });

  it('migrations can be applied again without errors or data changes (safe to re-run)', async () => {
    const counts = async () => (await db.query(`select (select count(*) from workspaces) w, (select count(*) from workspace_members) m, (select count(*) from saved_queries) q, (select count(*) from storage.buckets) b`)).rows[0];
    const before = await counts();
    const dir = join(__dirname, '..', '..', '..', 'supabase', 'migrations');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()) pg.psql(readFileSync(join(dir, f), 'utf8'));
    assert.deepEqual(await counts(), before);
    // and RLS is still on everywhere
    const off = await db.query(`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' and not relrowsecurity`);
    assert.deepEqual(off.rows, []);
  });
});
