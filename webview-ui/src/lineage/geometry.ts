/** Where edges run on a laid-out graph, shared by the canvas and the SVG export so both draw the same picture. */
import type { LineageViewEdge } from '../../../src/shared/protocol/lineage';
import { cellKey, type GraphIndex } from './graphIndex';
import { HEADER, ROW, type Layout } from './layout';

export interface EdgeShape {
  /** Index into graph.edges; -1 for a table-level edge implied by column flows. */
  index: number;
  column: boolean;
  d: string;
  /** Bounding box, for culling. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** y of a column's row centre, or of the header when the node does not list that column. */
export function rowY(ix: GraphIndex, layout: Layout, node: string, column?: string): number {
  const p = layout.nodes.get(node)!;
  const row = column === undefined ? undefined : ix.row.get(cellKey(node, column));
  return p.y + (row === undefined ? HEADER / 2 : HEADER + row * ROW + ROW / 2);
}

export function edgeShape(ix: GraphIndex, layout: Layout, e: LineageViewEdge, index: number): EdgeShape | undefined {
  const a = layout.nodes.get(e.from);
  const b = layout.nodes.get(e.to);
  if (!a || !b || e.from === e.to) return undefined;
  const column = e.fromColumn !== undefined && e.toColumn !== undefined;
  const x1 = a.x + a.width;
  const y1 = rowY(ix, layout, e.from, column ? e.fromColumn : undefined);
  const x2 = b.x;
  const y2 = rowY(ix, layout, e.to, column ? e.toColumn : undefined);
  // Backward edges (cycles) bend out further so they do not hide under the boxes.
  const bend = Math.max(40, Math.abs(x2 - x1) / 2, x2 < x1 ? 120 : 0);
  const r = (n: number) => Math.round(n * 10) / 10;
  return {
    index,
    column,
    // Table flows end in a small chevron (one path per edge, so thousands of edges can share one <path>).
    d: `M${r(x1)} ${r(y1)}C${r(x1 + bend)} ${r(y1)} ${r(x2 - bend)} ${r(y2)} ${r(x2)} ${r(y2)}` + (column ? '' : `M${r(x2 - 7)} ${r(y2 - 4)}L${r(x2)} ${r(y2)}L${r(x2 - 7)} ${r(y2 + 4)}`),
    x0: Math.min(x1, x2 - bend),
    y0: Math.min(y1, y2),
    x1: Math.max(x2, x1 + bend),
    y1: Math.max(y1, y2),
  };
}

/** Every drawable edge of the layout; table-level edges once per node pair (column flows imply them). */
export function edgeShapes(ix: GraphIndex, layout: Layout): EdgeShape[] {
  const out: EdgeShape[] = [];
  const pairs = new Set<string>();
  ix.graph.edges.forEach((e, i) => {
    const column = e.fromColumn !== undefined && e.toColumn !== undefined;
    if (!column) {
      const pair = `${e.from}\u0000${e.to}`;
      if (pairs.has(pair)) return;
      pairs.add(pair);
    }
    const s = edgeShape(ix, layout, e, i);
    if (s) out.push(s);
  });
  // Node pairs linked only by column flows still get a table-level edge, drawn when columns are hidden.
  for (const [from, tos] of ix.down) {
    for (const to of tos) {
      if (pairs.has(`${from}\u0000${to}`)) continue;
      const s = edgeShape(ix, layout, { from, to }, -1);
      if (s) out.push(s);
    }
  }
  return out;
}
