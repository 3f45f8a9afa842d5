/**
 * Column lineage across dbt models. Every expected edge below is read off the fixture SQL by hand: which upstream
 * column each output column is computed from, through refs, sources, seeds, CTEs and `select *`.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProjectGraph } from '../../../src/core/lineage/dbt';
import { buildColumnGraph, ColumnGraphCache, detachEphemeralCtes, normaliseRelation, type ColumnGraph } from '../../../src/core/lineage/crossModel';

const FIX = join(__dirname, '../../fixtures/lineage');
const ROOT = join(__dirname, '../../..');

function cli(args: string[]) {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function columnGraph(name: string): Promise<ColumnGraph> {
  return buildColumnGraph(await buildProjectGraph(join(FIX, name)));
}

/** Edges into one node, as sorted `from -> to` lines. */
function into(g: ColumnGraph, id: string): string[] {
  return g.columnEdges.filter((e) => e.to.startsWith(`${id}.`)).map((e) => `${e.from} -> ${e.to}`).sort();
}

describe('lineage: column lineage across dbt models', () => {
  it('jaffle shop: sources → staging → marts, through CTEs, select * and a seed', async () => {
    const g = await columnGraph('jaffle');
    assert.deepEqual(into(g, 'model.stg_orders'), [
      'source.raw.orders.id -> model.stg_orders.order_id',
      'source.raw.orders.order_date -> model.stg_orders.order_date',
      'source.raw.orders.status -> model.stg_orders.status',
      'source.raw.orders.user_id -> model.stg_orders.customer_id',
    ]);
    assert.deepEqual(into(g, 'model.stg_payments'), [
      'source.payments_app.payments.amount -> model.stg_payments.amount',
      'source.payments_app.payments.id -> model.stg_payments.payment_id',
      'source.payments_app.payments.order_id -> model.stg_payments.order_id',
      'source.payments_app.payments.payment_method -> model.stg_payments.payment_method',
    ]);
    // The CTEs select * from the staging models: their outputs are known because staging was traced first.
    assert.deepEqual(into(g, 'model.customers'), [
      'model.stg_customers.customer_id -> model.customers.customer_id',
      'model.stg_customers.first_name -> model.customers.first_name',
      'model.stg_orders.order_date -> model.customers.first_order',
      'model.stg_orders.order_id -> model.customers.number_of_orders',
      'model.stg_payments.amount -> model.customers.customer_lifetime_value',
    ]);
    // The pivot columns come out of a Jinja for-loop whose names we cannot evaluate; the rest is exact.
    assert.deepEqual(into(g, 'model.orders').filter((l) => !l.includes('__jinja')), [
      'model.stg_orders.customer_id -> model.orders.customer_id',
      'model.stg_orders.order_id -> model.orders.order_id',
      'model.stg_payments.amount -> model.orders.amount',
      'seed.status_labels.label -> model.orders.status_label',
    ]);
    assert.ok(into(g, 'model.orders').some((l) => l.startsWith('model.stg_payments.payment_method -> ')));
    // ref('jaffle_shop', 'customers'): the package-qualified ref resolves to the same model.
    assert.deepEqual(into(g, 'model.finance_summary'), [
      'model.customers.customer_lifetime_value -> model.finance_summary.revenue',
      'model.customers.region -> model.finance_summary.region',
    ]);
    assert.deepEqual(g.columns['model.customers'], ['customer_id', 'first_name', 'first_order', 'number_of_orders', 'customer_lifetime_value', 'region']);
    assert.deepEqual(g.columns['seed.status_labels'], ['status', 'label'], 'seed columns come from the CSV header');
    assert.deepEqual(g.columns['source.raw.customers'], ['id', 'first_name', 'last_name'], 'undeclared source: the columns read from it');
    assert.deepEqual(g.problems, []);
  });

  it('traces the compiled SQL of target/manifest.json and maps "db"."schema"."alias" back to nodes', async () => {
    const g = await columnGraph('compiled');
    // The raw model calls a macro (cents_to_dollars) we do not expand; only the compiled SQL shows amount_cents.
    assert.deepEqual(into(g, 'model.stg_orders'), [
      'source.shop.orders.amount_cents -> model.stg_orders.amount',
      'source.shop.orders.customer_id -> model.stg_orders.customer_id',
      'source.shop.orders.id -> model.stg_orders.order_id',
    ]);
    assert.deepEqual(g.columns['model.stg_orders'], ['order_id', 'amount', 'customer_id', 'loaded_at']);
    assert.deepEqual(into(g, 'model.order_totals'), [
      'model.stg_orders.amount -> model.order_totals.total',
      'model.stg_orders.customer_id -> model.order_totals.customer_id',
    ]);
    // Only in the manifest (no .sql file); reads order_totals by its alias unquoted and stg_orders by schema.alias.
    assert.deepEqual(into(g, 'model.customer_report'), [
      'model.order_totals.customer_id -> model.customer_report.customer_id',
      'model.order_totals.total -> model.customer_report.total',
      'model.stg_orders.order_id -> model.customer_report.last_order_id',
    ]);
    assert.deepEqual(g.columns['source.shop.orders'], ['id', 'amount_cents', 'customer_id', 'status'], 'manifest source columns');
    // An ephemeral model inlined as __dbt__cte__orders_enriched: the flow goes through its node, not around it.
    assert.deepEqual(into(g, 'model.orders_enriched'), [
      'model.stg_orders.amount -> model.orders_enriched.amount_x2',
      'model.stg_orders.order_id -> model.orders_enriched.order_id',
    ]);
    assert.deepEqual(into(g, 'model.big_orders'), [
      'model.orders_enriched.amount_x2 -> model.big_orders.doubled',
      'model.orders_enriched.order_id -> model.big_orders.order_id',
    ]);
    assert.deepEqual(g.problems, []);
    // A package model with documented columns but no compiled SQL: its columns still expand a select * downstream.
    assert.deepEqual(g.columns['model.calendar'], ['date_day', 'is_weekend']);
    assert.deepEqual(into(g, 'model.days'), ['model.calendar.date_day -> model.days.date_day', 'model.calendar.is_weekend -> model.days.is_weekend']);
  });

  it('a model file edited since the last dbt compile is traced from the file, not the stale compiled SQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iopsdata-crossmodel-'));
    try {
      cpSync(join(FIX, 'compiled'), dir, { recursive: true });
      // stg_orders is checked against the manifest's raw_code, order_totals against its sha256 checksum.
      writeFileSync(join(dir, 'models/stg_orders.sql'), "select id as order_id, amount_cents as amount_raw, customer_id from {{ source('shop', 'orders') }}");
      writeFileSync(join(dir, 'models/order_totals.sql'), "select customer_id, max(order_id) as last_order from {{ ref('stg_orders') }} group by customer_id");
      const g = await buildColumnGraph(await buildProjectGraph(dir));
      assert.deepEqual(into(g, 'model.stg_orders'), [
        'source.shop.orders.amount_cents -> model.stg_orders.amount_raw',
        'source.shop.orders.customer_id -> model.stg_orders.customer_id',
        'source.shop.orders.id -> model.stg_orders.order_id',
      ]);
      assert.deepEqual(into(g, 'model.order_totals'), [
        'model.stg_orders.customer_id -> model.order_totals.customer_id',
        'model.stg_orders.order_id -> model.order_totals.last_order',
      ]);
      // customer_report has no file: still its compiled SQL, which reads total (no longer produced upstream).
      assert.ok(into(g, 'model.customer_report').includes('model.order_totals.total -> model.customer_report.total'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('expands select * through two models, and keeps * when the upstream columns are unknown', async () => {
    const g = await columnGraph('stars');
    const cols = ['id', 'email', 'created_at'];
    assert.deepEqual(g.columns['model.stg_users'], cols);
    assert.deepEqual(g.columns['model.users_enriched'], [...cols, 'email_lower']);
    assert.deepEqual(g.columns['model.users_final'], [...cols, 'email_lower']);
    assert.deepEqual(into(g, 'model.users_enriched'), [
      'model.stg_users.created_at -> model.users_enriched.created_at',
      'model.stg_users.email -> model.users_enriched.email',
      'model.stg_users.email -> model.users_enriched.email_lower',
      'model.stg_users.id -> model.users_enriched.id',
    ]);
    assert.deepEqual(into(g, 'model.users_final'), [
      'model.users_enriched.created_at -> model.users_final.created_at',
      'model.users_enriched.email -> model.users_final.email',
      'model.users_enriched.email_lower -> model.users_final.email_lower',
      'model.users_enriched.id -> model.users_final.id',
    ]);
    // source app.events declares no columns: the star flows on as a whole.
    assert.deepEqual(into(g, 'model.stg_events'), ['source.app.events.* -> model.stg_events.*']);
  });

  it('a ref cycle, a missing ref and an unparseable model degrade without failing the rest', async () => {
    const g = await columnGraph('cyclic');
    assert.deepEqual(into(g, 'model.a'), ['model.b.x -> model.a.x']);
    assert.deepEqual(into(g, 'model.b'), ['model.a.flag -> model.b.y', 'model.a.x -> model.b.x']);
    assert.deepEqual(into(g, 'model.c'), ['model.ghost.z -> model.c.zed']);
    assert.deepEqual(g.columns['model.ghost'], ['z'], 'a missing model: the columns read from it');
    assert.deepEqual(into(g, 'model.broken'), []);
    assert.deepEqual(g.problems.map((p) => p.node), ['model.broken', 'model.deep']);
    assert.match(g.problems[0].message, /partly analysed/);
    assert.match(g.problems[1].message, /nested more than 100 parentheses/);
    assert.deepEqual(into(g, 'model.deep'), []);
    assert.deepEqual(into(g, 'model.tail'), ['model.broken.* -> model.tail.*']);
  });

  it('a model too long for one parse is traced CTE by CTE', async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'iopsdata-crossmodel-'));
    try {
      cpSync(join(FIX, 'stars'), dir, { recursive: true });
      // 400 CTEs, each passing id and email on from the previous one: email_lower still comes from stg_users.email.
      const ctes = Array.from({ length: 400 }, (_, k) => `s${k} as (select id, email from ${k ? `s${k - 1}` : "{{ ref('stg_users') }}"} where id > ${k})`);
      const sql = `with ${ctes.join(',\n')}\nselect id, lower(email) as email_lower, 'x' as tag from s399`;
      assert.ok(sql.length > 20_000);
      writeFileSync(join(dir, 'models/long_chain.sql'), sql);
      const g = await buildColumnGraph(await buildProjectGraph(dir));
      assert.deepEqual(into(g, 'model.long_chain'), [
        'model.stg_users.email -> model.long_chain.email_lower',
        'model.stg_users.id -> model.long_chain.id',
      ]);
      assert.deepEqual(g.problems, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-traces an edited model and only the downstream models whose expanded * changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iopsdata-crossmodel-'));
    try {
      cpSync(join(FIX, 'stars'), dir, { recursive: true });
      const cache = new ColumnGraphCache();
      await buildColumnGraph(await buildProjectGraph(dir), { cache });
      assert.equal(cache.traced, 4);
      await buildColumnGraph(await buildProjectGraph(dir), { cache });
      assert.equal(cache.traced, 4, 'nothing changed, nothing traced again');
      writeFileSync(join(dir, 'models/stg_events.sql'), "select id as event_id from {{ source('app', 'events') }}");
      let g = await buildColumnGraph(await buildProjectGraph(dir), { cache });
      assert.equal(cache.traced, 5, 'a leaf model: one trace');
      assert.deepEqual(into(g, 'model.stg_events'), ['source.app.events.id -> model.stg_events.event_id']);
      // A new column in stg_users changes what the two select * models downstream expand to.
      writeFileSync(join(dir, 'models/stg_users.sql'), "select *, 'web' as channel from {{ source('app', 'users') }}");
      g = await buildColumnGraph(await buildProjectGraph(dir), { cache });
      assert.equal(cache.traced, 8);
      assert.ok(into(g, 'model.users_final').includes('model.users_enriched.channel -> model.users_final.channel'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a folder of plain SQL scripts has no model columns', async () => {
    const g = await columnGraph('scripts');
    assert.deepEqual(g, { columns: {}, columnEdges: [], problems: [] });
  });

  it('cuts the ephemeral CTEs dbt inlines, first, middle or alone', () => {
    const squash = (x: string) => x.replace(/\s+/g, ' ').trim();
    assert.equal(squash(detachEphemeralCtes('with __dbt__cte__e as (select (1) as a) select a from __dbt__cte__e', 'ansi')), 'select a from __dbt__cte__e');
    assert.equal(squash(detachEphemeralCtes('with __dbt__cte__e as (select 1 as a), x as (select a from __dbt__cte__e) select * from x', 'ansi')), 'with x as (select a from __dbt__cte__e) select * from x');
    assert.equal(squash(detachEphemeralCtes('with x as (select 1 as a), __dbt__cte__e as (select a from x) select * from __dbt__cte__e', 'ansi')), 'with x as (select 1 as a) select * from __dbt__cte__e');
    assert.equal(detachEphemeralCtes('select 1', 'ansi'), 'select 1');
  });

  it('normalises quoted relation names', () => {
    assert.equal(normaliseRelation('"Analytics"."dbt_prod".`Orders`'), 'analytics.dbt_prod.orders');
    assert.equal(normaliseRelation('[db].[dbo].[T]'), 'db.dbo.t');
  });

  describe('iopsdata graph --columns', function () {
    this.timeout(60_000);

    it('adds columns and columnEdges after the contract fields, only when asked', () => {
      const plain = cli(['graph', 'test/fixtures/lineage/compiled', '--json']);
      assert.equal(plain.code, 0, plain.stderr);
      assert.deepEqual(Object.keys(JSON.parse(plain.stdout)), ['nodes', 'edges']);
      const r = cli(['graph', 'test/fixtures/lineage/compiled', '--columns', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(Object.keys(out), ['nodes', 'edges', 'columns', 'columnEdges']);
      assert.deepEqual(out.columns['model.order_totals'], ['customer_id', 'total', 'orders']);
      assert.ok(out.columnEdges.some((e: { from: string; to: string }) => e.from === 'source.shop.orders.amount_cents' && e.to === 'model.stg_orders.amount'));
    });

    it('reports models it could not trace, and rejects an unknown dialect', () => {
      const r = cli(['graph', 'test/fixtures/lineage/cyclic', '--columns', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).columnProblems.map((p: { node: string }) => p.node), ['model.broken', 'model.deep']);
      const bad = cli(['graph', 'test/fixtures/lineage/cyclic', '--columns', '--dialect', 'klingon', '--json']);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /Unknown SQL dialect 'klingon'/);
    });
  });
});
