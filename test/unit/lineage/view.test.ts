/** The graph the lineage webview draws, built from analysis results. */
import { strict as assert } from 'node:assert';
import { analyzeScript } from '../../../src/core/lineage';
import { scriptView, describe as describeStatement, splitColumnRef } from '../../../src/core/lineage/view';

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

  it('splits column references at the last dot', () => {
    assert.deepEqual(splitColumnRef('db.s.t.col'), ['db.s.t', 'col']);
    assert.deepEqual(splitColumnRef('col'), [undefined, 'col']);
  });
});
