/** The graph the lineage webview draws, built from analysis results. */
import { strict as assert } from 'node:assert';
import { analyzeScript } from '../../../src/core/lineage';
import { join } from 'node:path';
import { scriptView, projectView, describe as describeStatement, splitColumnRef } from '../../../src/core/lineage/view';
import { buildProjectGraph } from '../../../src/core/lineage/dbt';
import { buildColumnGraph } from '../../../src/core/lineage/crossModel';

describe('lineage: view graph', () => {
  const script = analyzeScript(
    'CREATE TABLE stage AS SELECT id, amount FROM raw.orders; WITH c AS (SELECT id FROM stage) INSERT INTO mart.totals (id, total) SELECT s.id, sum(s.amount) FROM stage s JOIN c USING (id) GROUP BY s.id',
    { dialect: 'postgres' },
  );

  it('tables become nodes with their kind and columns; column and table edges connect them', () => {
    const g = scriptView(script);
    const byLabel = new Map(g.nodes.map((n) => [n.label, n]));
    assert.equal(byLabel.get('raw.orders')?.kind, 'source');
    assert.equal(byLabel.get('stage')?.kind, 'intermediate');
    assert.equal(byLabel.get('mart.totals')?.kind, 'target');
    assert.equal(byLabel.get('c')?.kind, 'cte');
    assert.deepEqual(byLabel.get('mart.totals')?.columns, ['id', 'total']);
    const id = (label: string) => byLabel.get(label)!.id;
    assert.ok(g.edges.some((e) => e.from === id('raw.orders') && e.to === id('stage') && !e.fromColumn));
    assert.ok(g.edges.some((e) => e.from === id('stage') && e.to === id('mart.totals') && e.fromColumn === 'amount' && e.toColumn === 'total'));
    assert.deepEqual(byLabel.get('c')?.columns, ['id']);
    assert.ok(g.edges.some((e) => e.from === id('stage') && e.to === id('c') && e.fromColumn === 'id' && e.toColumn === 'id'));
    assert.ok(g.edges.some((e) => e.from === id('c') && e.to === id('mart.totals') && !e.fromColumn));
  });

  it('scoped to one statement, with a summary line', () => {
    const g = scriptView(script, 0);
    assert.deepEqual(g.nodes.map((n) => n.label).sort(), ['raw.orders', 'stage']);
    assert.deepEqual(g.summary, ['CREATE TABLE into stage from raw.orders (2 column flows)']);
    assert.equal(describeStatement(script.statements[1]), 'INSERT into mart.totals from stage (2 column flows; CTEs: c)');
  });

  it('a plain SELECT flows into a query result node', () => {
    const g = scriptView(analyzeScript('SELECT o.id FROM orders o', { dialect: 'postgres' }));
    const result = g.nodes.find((n) => n.kind === 'result');
    assert.deepEqual(result?.columns, ['id']);
    assert.equal(g.focus, result?.id);
  });

  it('CTEs get their columns and sit on the path: table → CTE → CTE → target, no shortcut past them', () => {
    const g = scriptView(analyzeScript(
      `WITH a AS (SELECT id, amount FROM raw.orders),
        b AS (SELECT a.id, c.region, a.amount FROM a JOIN raw.customers c ON c.id = a.id),
        t AS (SELECT region, sum(amount) AS total FROM b GROUP BY region)
        INSERT INTO mart.region_totals (region, total) SELECT region, total FROM t`,
      { dialect: 'postgres' },
    ));
    const byLabel = new Map(g.nodes.map((n) => [n.label, n]));
    assert.deepEqual(byLabel.get('a')?.columns, ['id', 'amount']);
    assert.deepEqual(byLabel.get('b')?.columns, ['id', 'region', 'amount']);
    assert.deepEqual(byLabel.get('t')?.columns, ['region', 'total']);
    const id = (label: string) => byLabel.get(label)!.id;
    const tableEdges = g.edges.filter((e) => !e.fromColumn).map((e) => `${g.nodes.find((n) => n.id === e.from)!.label} -> ${g.nodes.find((n) => n.id === e.to)!.label}`).sort();
    assert.deepEqual(tableEdges, ['a -> b', 'b -> t', 'raw.customers -> b', 'raw.orders -> a', 't -> mart.region_totals']);
    const flow = (from: string, fromColumn: string, to: string, toColumn: string) =>
      g.edges.some((e) => e.from === id(from) && e.to === id(to) && e.fromColumn === fromColumn && e.toColumn === toColumn);
    assert.ok(flow('raw.orders', 'amount', 'a', 'amount'));
    assert.ok(flow('a', 'amount', 'b', 'amount'));
    assert.ok(flow('b', 'amount', 't', 'total'));
    assert.ok(flow('t', 'total', 'mart.region_totals', 'total'));
    assert.ok(flow('raw.customers', 'region', 'b', 'region'));
    assert.ok(!g.edges.some((e) => e.from === id('raw.orders') && e.to === id('mart.region_totals')), 'no edge skips the CTEs');
  });

  it('a source read by the output itself keeps its direct edge beside the CTE path', () => {
    const g = scriptView(analyzeScript('WITH a AS (SELECT id FROM raw.orders) SELECT a.id, u.name FROM a JOIN raw.users u ON u.id = a.id', { dialect: 'postgres' }));
    const label = (nodeId: string) => g.nodes.find((n) => n.id === nodeId)!.label;
    const edges = g.edges.map((e) => `${label(e.from)}${e.fromColumn ? '.' + e.fromColumn : ''} -> ${label(e.to)}${e.toColumn ? '.' + e.toColumn : ''}`).sort();
    assert.deepEqual(edges, [
      'a -> query #1 result',
      'a.id -> query #1 result.id',
      'raw.orders -> a',
      'raw.orders.id -> a.id',
      'raw.users -> query #1 result',
      'raw.users.name -> query #1 result.name',
    ]);
  });

  it('a dbt model: ref() and source() nodes flow through the model\'s CTEs', () => {
    const g = scriptView(analyzeScript(
      `{{ config(materialized='table') }}
with orders as (select id, customer_id, amount from {{ ref('stg_orders') }}),
customers as (select id, name from {{ source('crm', 'customers') }})
select c.name, sum(o.amount) as revenue from orders o join customers c on c.id = o.customer_id group by c.name`,
      { dialect: 'postgres', thisName: 'fct_revenue' },
    ));
    const byLabel = new Map(g.nodes.map((n) => [n.label, n]));
    assert.equal(byLabel.get('orders')?.kind, 'cte');
    assert.deepEqual(byLabel.get('orders')?.columns, ['id', 'customer_id', 'amount']);
    assert.deepEqual(byLabel.get('customers')?.columns, ['id', 'name']);
    // A literal column reads no table but is still one of the CTE's columns.
    const lit = scriptView(analyzeScript("WITH k AS (SELECT id, 'x' AS tag FROM t) SELECT id FROM k", { dialect: 'postgres' }));
    assert.deepEqual(lit.nodes.find((n) => n.label === 'k')?.columns, ['id', 'tag']);
    const result = g.nodes.find((n) => n.kind === 'result')!;
    assert.deepEqual(result.columns, ['name', 'revenue']);
    const id = (label: string) => byLabel.get(label)!.id;
    assert.ok(g.edges.some((e) => e.from === id('stg_orders') && e.to === id('orders') && e.fromColumn === 'amount' && e.toColumn === 'amount'));
    assert.ok(g.edges.some((e) => e.from === id('orders') && e.to === result.id && e.fromColumn === 'amount' && e.toColumn === 'revenue'));
    assert.ok(g.edges.some((e) => e.from === id('crm.customers') && e.to === id('customers') && !e.fromColumn));
    assert.ok(!g.edges.some((e) => e.from === id('stg_orders') && e.to === result.id));
  });

  it('the dbt DAG with column flows: nodes list their columns, column edges run across models', async () => {
    const project = await buildProjectGraph(join(__dirname, '../../fixtures/lineage/jaffle'));
    const plain = projectView(project, 'model.stg_orders');
    assert.ok(plain.nodes.every((n) => n.columns.length === 0), 'without a column graph the DAG is tables only');
    assert.ok(plain.edges.every((e) => e.fromColumn === undefined));
    const g = projectView(project, 'model.stg_orders', await buildColumnGraph(project));
    const node = (id: string) => g.nodes.find((n) => n.id === id)!;
    // stg_orders.sql renames id → order_id and user_id → customer_id and keeps order_date and status.
    assert.deepEqual(node('model.stg_orders').columns, ['order_id', 'customer_id', 'order_date', 'status']);
    const flows = g.edges.filter((e) => e.to === 'model.stg_orders' && e.toColumn).map((e) => `${e.from}.${e.fromColumn} -> ${e.toColumn}`).sort();
    assert.deepEqual(flows, [
      'source.raw.orders.id -> order_id',
      'source.raw.orders.order_date -> order_date',
      'source.raw.orders.status -> status',
      'source.raw.orders.user_id -> customer_id',
    ]);
    // The model-level edges are still there, and every column edge joins two nodes of the DAG.
    assert.ok(g.edges.some((e) => e.from === 'source.raw.orders' && e.to === 'model.stg_orders' && !e.fromColumn));
    const ids = new Set(g.nodes.map((n) => n.id));
    assert.ok(g.edges.every((e) => ids.has(e.from) && ids.has(e.to)));
    assert.match(g.summary[1], /^\d+ column flows across models$/);
  });

  it('splits column references at the last dot', () => {
    assert.deepEqual(splitColumnRef('db.s.t.col'), ['db.s.t', 'col']);
    assert.deepEqual(splitColumnRef('col'), [undefined, 'col']);
  });
});
