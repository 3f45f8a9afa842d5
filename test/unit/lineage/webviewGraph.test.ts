/**
 * The lineage webview's pure parts in Node: depth neighbourhoods, column impact paths, search, both layout engines
 * (dagre up to DAGRE_MAX_NODES, the layered layout above) and the viewport arithmetic.
 */
import { strict as assert } from 'node:assert';
import { indexGraph, neighbourhood, columnPath, searchGraph, cellKey } from '../../../webview-ui/src/lineage/graphIndex';
import { layout, DAGRE_MAX_NODES, type Layout } from '../../../webview-ui/src/lineage/layout';
import { fitView, zoomAt, visibleRect, detailFor } from '../../../webview-ui/src/lineage/viewport';
import { escapeXml } from '../../../webview-ui/src/lineage/exportSvg';
import { syntheticLineageGraph } from '../../helpers/lineageGraphs';
import type { ViewGraph } from '../../../src/core/lineage/view';

/** a → b → c → d, plus a side branch x → c; column v flows a.v → b.v → c.w → d.w, x.q → c.q. */
const CHAIN: ViewGraph = {
  nodes: ['a', 'b', 'c', 'd', 'x'].map((id) => ({ id, kind: 'table' as const, label: id, columns: id === 'x' ? ['q'] : id === 'c' ? ['w', 'q'] : id === 'd' ? ['w'] : ['v'] })),
  edges: [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'c', to: 'd' },
    { from: 'x', to: 'c' },
    { from: 'a', to: 'b', fromColumn: 'v', toColumn: 'V' },
    { from: 'b', to: 'c', fromColumn: 'v', toColumn: 'w' },
    { from: 'c', to: 'd', fromColumn: 'w', toColumn: 'w' },
    { from: 'x', to: 'c', fromColumn: 'q', toColumn: 'q' },
  ],
  summary: [],
  problems: [],
};

function assertNoOverlap(l: Layout): void {
  const boxes = [...l.nodes.values()];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      assert.ok(apart, `${a.id} overlaps ${b.id}`);
    }
  }
}

describe('lineage webview: graph model and layout', () => {
  const ix = indexGraph(CHAIN);

  it('depth limits count hops upstream and downstream of the centre', () => {
    assert.deepEqual([...neighbourhood(ix, 'c', 1, 0)].sort(), ['b', 'c', 'x']);
    assert.deepEqual([...neighbourhood(ix, 'c', 0, 1)].sort(), ['c', 'd']);
    assert.deepEqual([...neighbourhood(ix, 'c', 2, Infinity)].sort(), ['a', 'b', 'c', 'd', 'x']);
    assert.deepEqual([...neighbourhood(ix, 'b', 1, 1)].sort(), ['a', 'b', 'c']);
    // No centre, or one that is not in the graph: everything.
    assert.equal(neighbourhood(ix, undefined, 1, 1).size, 5);
    assert.equal(neighbourhood(ix, 'gone', 1, 1).size, 5);
  });

  it('a column path follows flows both ways, case-insensitively, and only the edges walked', () => {
    const p = columnPath(ix, 'c', 'W');
    assert.deepEqual([...p.cells].sort(), [cellKey('a', 'v'), cellKey('b', 'v'), cellKey('c', 'w'), cellKey('d', 'w')].sort());
    assert.deepEqual([...p.edges].sort(), [4, 5, 6]);
    assert.equal(p.upstream, 2);
    assert.equal(p.downstream, 1);
    const q = columnPath(ix, 'x', 'q');
    assert.deepEqual([...q.edges], [7]);
    assert.equal(q.cells.has(cellKey('d', 'w')), false);
  });

  it('search matches labels and columns', () => {
    const r = searchGraph(ix, ' Q ');
    assert.deepEqual(r.nodes, ['c', 'x']);
    assert.deepEqual([...r.cells].sort(), [cellKey('c', 'q'), cellKey('x', 'q')].sort());
    assert.deepEqual(searchGraph(ix, '').nodes, []);
  });

  it('dagre lays a small graph out left to right without overlaps', () => {
    const l = layout(ix, new Set(['a', 'b', 'c', 'd', 'x']));
    assert.equal(l.engine, 'dagre');
    assertNoOverlap(l);
    for (const [from, to] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['x', 'c']]) assert.ok(l.nodes.get(from)!.x < l.nodes.get(to)!.x, `${from} left of ${to}`);
    for (const p of l.nodes.values()) assert.ok(p.x + p.width <= l.width && p.y + p.height <= l.height);
  });

  it('a graph over the dagre limit gets the layered layout: fast, flows left to right, no overlaps', () => {
    const g = syntheticLineageGraph(1000);
    const big = indexGraph(g);
    const all = new Set(g.nodes.map((n) => n.id));
    assert.ok(all.size > DAGRE_MAX_NODES);
    const l = layout(big, all);
    assert.equal(l.engine, 'layered');
    assert.equal(l.nodes.size, 1000);
    assert.ok(l.ms < 2000, `layered layout took ${l.ms} ms`);
    assertNoOverlap(l);
    for (const e of g.edges) assert.ok(l.nodes.get(e.from)!.x < l.nodes.get(e.to)!.x, `${e.from} left of ${e.to}`);
  });

  it('the layered layout survives cycles', () => {
    const cyc: ViewGraph = {
      nodes: Array.from({ length: DAGRE_MAX_NODES + 5 }, (_, i) => ({ id: `n${i}`, kind: 'table' as const, label: `n${i}`, columns: [] })),
      edges: [],
      summary: [],
      problems: [],
    };
    for (let i = 0; i < cyc.nodes.length; i++) cyc.edges.push({ from: `n${i}`, to: `n${(i + 1) % cyc.nodes.length}` });
    const l = layout(indexGraph(cyc), new Set(cyc.nodes.map((n) => n.id)));
    assert.equal(l.nodes.size, cyc.nodes.length);
    assertNoOverlap(l);
  });

  it('viewport: fit shows the whole graph, zoom keeps the point under the pointer, detail follows zoom', () => {
    const v = fitView(2000, 1000, 1000, 800);
    const r = visibleRect(v, 1000, 800);
    assert.ok(r.x0 <= 0 && r.y0 <= 0 && r.x1 >= 2000 && r.y1 >= 1000);
    const z = zoomAt(v, 2, 300, 200);
    const before = { x: (300 - v.x) / v.k, y: (200 - v.y) / v.k };
    const after = { x: (300 - z.x) / z.k, y: (200 - z.y) / z.k };
    assert.ok(Math.abs(before.x - after.x) < 1e-9 && Math.abs(before.y - after.y) < 1e-9);
    assert.deepEqual([detailFor(1), detailFor(0.3), detailFor(0.05)], [2, 1, 0]);
  });

  it('escapes names for the SVG export', () => {
    assert.equal(escapeXml(`<a href="x">&'\u0001`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});
