/** Column flow hop by hop through CTEs (StatementLineage.cteLineage / cteReads), expected from each query's meaning. */
import { strict as assert } from 'node:assert';
import { analyzeScript } from '../../../src/core/lineage';
import { setFastSelect } from '../../../src/core/lineage/columns';
import type { StatementLineage } from '../../../src/core/lineage/types';

function statement(sql: string, dialect = 'postgres'): StatementLineage {
  const st = analyzeScript(sql, { dialect }).statements[0];
  assert.equal(st.error, undefined);
  return st;
}

const arrows = (edges: Array<{ source: string; target: string }> | undefined) => (edges ?? []).map((e) => `${e.source} -> ${e.target}`).sort();

const reads = (st: StatementLineage) => Object.fromEntries((st.cteReads ?? []).map((r) => [r.cte ?? '(output)', [...r.reads].sort()]));

/**
 * Following the hops from physical columns to the output must give back the end-to-end lineage exactly: the hops
 * are the same flow, only not collapsed.
 */
function assertHopsComposeToLineage(st: StatementLineage): void {
  const next = new Map<string, string[]>();
  for (const e of st.cteLineage ?? []) next.set(e.source.toLowerCase(), [...(next.get(e.source.toLowerCase()) ?? []), e.target]);
  const composed = new Set<string>();
  for (const e of st.cteLineage ?? []) {
    if (e.source.startsWith('cte:')) continue;
    const stack = [e.target];
    const seen = new Set<string>();
    while (stack.length) {
      const t = stack.pop()!;
      if (seen.has(t.toLowerCase())) continue;
      seen.add(t.toLowerCase());
      if (t.startsWith('cte:')) stack.push(...(next.get(t.toLowerCase()) ?? []));
      else composed.add(`${e.source} -> ${t}`);
    }
  }
  assert.deepEqual([...composed].sort(), arrows(st.columnLineage));
}

// The same expectations hold whether the fast SELECT reader or node-sql-parser reads the statement.
for (const fast of [true, false]) describe(`lineage: column hops through CTEs (${fast ? 'fast reader' : 'node-sql-parser'})`, () => {
  before(() => setFastSelect(fast));
  after(() => setFastSelect(true));

  it('a 3-CTE chain with a join and an aggregate: table → a → b → t → target, the join table entering at b', () => {
    const st = statement(`WITH a AS (SELECT id, amount FROM raw.orders),
      b AS (SELECT a.id, c.region, a.amount FROM a JOIN raw.customers c ON c.id = a.id),
      t AS (SELECT region, sum(amount) AS total, count(*) AS n FROM b GROUP BY region)
      INSERT INTO mart.region_totals (region, total, orders) SELECT region, total, n FROM t`);
    assert.deepEqual(arrows(st.cteLineage), [
      'cte:a.amount -> cte:b.amount',
      'cte:a.id -> cte:b.id',
      'cte:b.amount -> cte:t.total',
      'cte:b.region -> cte:t.region',
      // count(*) reads no column, but the output column is still copied from t.n.
      'cte:t.n -> mart.region_totals.orders',
      'cte:t.region -> mart.region_totals.region',
      'cte:t.total -> mart.region_totals.total',
      'raw.customers.region -> cte:b.region',
      'raw.orders.amount -> cte:a.amount',
      'raw.orders.id -> cte:a.id',
    ]);
    assert.deepEqual(reads(st), { a: ['raw.orders'], b: ['cte:a', 'raw.customers'], t: ['cte:b'], '(output)': ['cte:t'] });
    assert.deepEqual(st.cteColumns, [{ cte: 'a', columns: ['id', 'amount'] }, { cte: 'b', columns: ['id', 'region', 'amount'] }, { cte: 't', columns: ['region', 'total', 'n'] }]);
    // The end-to-end lineage is unchanged by the hops.
    assert.deepEqual(arrows(st.columnLineage), ['raw.customers.region -> mart.region_totals.region', 'raw.orders.amount -> mart.region_totals.total']);
    assertHopsComposeToLineage(st);
  });

  it('a CTE read twice (self-join) feeds both output columns from its own columns', () => {
    const st = statement(`WITH o AS (SELECT id, amount FROM raw.orders)
      SELECT a.id, b.amount AS prev_amount FROM o a JOIN o b ON b.id = a.id - 1`);
    assert.deepEqual(arrows(st.cteLineage), ['cte:o.amount -> prev_amount', 'cte:o.id -> id', 'raw.orders.amount -> cte:o.amount', 'raw.orders.id -> cte:o.id']);
    assert.deepEqual(reads(st), { o: ['raw.orders'], '(output)': ['cte:o'] });
    assertHopsComposeToLineage(st);
  });

  it('a CTE named like the table it reads: inside its body the name is the table, after it the CTE', () => {
    const st = statement('WITH orders AS (SELECT id, amount FROM orders WHERE amount > 0) SELECT id, amount * 2 AS doubled FROM orders');
    assert.deepEqual(arrows(st.cteLineage), ['cte:orders.amount -> doubled', 'cte:orders.id -> id', 'orders.amount -> cte:orders.amount', 'orders.id -> cte:orders.id']);
    assert.deepEqual(reads(st), { orders: ['orders'], '(output)': ['cte:orders'] });
    assertHopsComposeToLineage(st);
  });

  it('UNION ALL inside a CTE: both branches feed the CTE column by position', () => {
    const st = statement(`WITH all_ids AS (SELECT id, 'o' AS kind FROM raw.orders UNION ALL SELECT user_id, 'u' FROM raw.users)
      SELECT id, kind FROM all_ids`);
    assert.deepEqual(arrows(st.cteLineage), ['cte:all_ids.id -> id', 'cte:all_ids.kind -> kind', 'raw.orders.id -> cte:all_ids.id', 'raw.users.user_id -> cte:all_ids.id']);
    assert.deepEqual(reads(st), { all_ids: ['raw.orders', 'raw.users'], '(output)': ['cte:all_ids'] });
    assert.deepEqual(st.cteColumns, [{ cte: 'all_ids', columns: ['id', 'kind'] }]);
    assertHopsComposeToLineage(st);
  });

  it('a WITH nested in a FROM subquery: the subquery is transparent, its CTE is a hop', () => {
    const st = statement('SELECT t.uid, t.n AS user_name FROM (WITH u AS (SELECT user_id AS uid, name AS n FROM raw.users) SELECT uid, n FROM u) t');
    assert.deepEqual(arrows(st.cteLineage), ['cte:u.n -> user_name', 'cte:u.uid -> uid', 'raw.users.name -> cte:u.n', 'raw.users.user_id -> cte:u.uid']);
    assert.deepEqual(reads(st), { u: ['raw.users'], '(output)': ['cte:u'] });
    assertHopsComposeToLineage(st);
  });

  it('a dbt model: ref() and source() tables flow through the CTEs into the model', () => {
    const st = statement(`{{ config(materialized='table') }}
with orders as (select id, customer_id, amount from {{ ref('stg_orders') }}),
customers as (select id, name from {{ source('crm', 'customers') }}),
joined as (select c.name, o.amount from orders o join customers c on c.id = o.customer_id)
select name, sum(amount) as revenue from joined group by name`);
    assert.deepEqual(arrows(st.cteLineage), [
      'crm.customers.id -> cte:customers.id',
      'crm.customers.name -> cte:customers.name',
      'cte:customers.name -> cte:joined.name',
      'cte:joined.amount -> revenue',
      'cte:joined.name -> name',
      'cte:orders.amount -> cte:joined.amount',
      'stg_orders.amount -> cte:orders.amount',
      'stg_orders.customer_id -> cte:orders.customer_id',
      'stg_orders.id -> cte:orders.id',
    ]);
    assert.deepEqual(reads(st), { orders: ['stg_orders'], customers: ['crm.customers'], joined: ['cte:customers', 'cte:orders'], '(output)': ['cte:joined'] });
    assertHopsComposeToLineage(st);
  });

  it('a table read directly by the output keeps its direct hop next to the CTE ones', () => {
    const st = statement('WITH a AS (SELECT id FROM raw.orders) SELECT a.id, u.name FROM a JOIN raw.users u ON u.id = a.id');
    assert.deepEqual(arrows(st.cteLineage), ['cte:a.id -> id', 'raw.orders.id -> cte:a.id', 'raw.users.name -> name']);
    assert.deepEqual(reads(st), { a: ['raw.orders'], '(output)': ['cte:a', 'raw.users'] });
  });

  it('a recursive CTE reads itself: its recursive step is a hop from the CTE into itself', () => {
    const st = statement(`WITH RECURSIVE r AS (SELECT id, parent_id FROM raw.nodes
      UNION ALL SELECT n.id, r.parent_id FROM raw.nodes n JOIN r ON n.parent_id = r.id) SELECT id, parent_id FROM r`);
    assert.deepEqual(arrows(st.cteLineage), [
      'cte:r.id -> id',
      'cte:r.parent_id -> cte:r.parent_id',
      'cte:r.parent_id -> parent_id',
      'raw.nodes.id -> cte:r.id',
      'raw.nodes.parent_id -> cte:r.parent_id',
    ]);
    assert.deepEqual(reads(st), { r: ['cte:r', 'raw.nodes'], '(output)': ['cte:r'] });
  });

  it('statements without CTEs carry no hop fields', () => {
    const st = statement('INSERT INTO t (id) SELECT id FROM s');
    assert.equal(st.cteLineage, undefined);
    assert.equal(st.cteReads, undefined);
  });
});
