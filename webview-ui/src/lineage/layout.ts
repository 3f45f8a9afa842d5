/** dagre layout of a lineage graph: node boxes sized by label and column count, left-to-right flow. */
import dagre from '@dagrejs/dagre';
import type { LineageViewGraph } from '../../../src/shared/protocol/lineage';

export const ROW = 18;
export const HEADER = 26;
export const WIDTH = 220;

export interface Placed {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export function layout(graph: LineageViewGraph, visible: Set<string>): Map<string, Placed> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 80, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    if (!visible.has(n.id)) continue;
    g.setNode(n.id, { width: WIDTH, height: HEADER + n.columns.length * ROW + 6 });
  }
  for (const e of graph.edges) if (visible.has(e.from) && visible.has(e.to) && e.from !== e.to) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const out = new Map<string, Placed>();
  for (const id of g.nodes()) {
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    out.set(id, { id, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height });
  }
  return out;
}

/** Node ids within `depth` hops upstream and downstream of `focus` (all nodes when depth is Infinity). */
export function neighbourhood(graph: LineageViewGraph, focus: string | undefined, up: number, down: number): Set<string> {
  if (!focus || (up === Infinity && down === Infinity)) return new Set(graph.nodes.map((n) => n.id));
  const seen = new Set([focus]);
  const walk = (dir: 'up' | 'down', depth: number) => {
    let frontier = [focus];
    for (let d = 0; d < depth && frontier.length; d++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const e of graph.edges) {
          const other = dir === 'up' ? (e.to === id ? e.from : undefined) : e.from === id ? e.to : undefined;
          if (other && !seen.has(other)) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
  };
  walk('up', up);
  walk('down', down);
  return seen;
}

/** Column-level impact: every (node, column) reachable upstream and downstream from one column. */
export function columnPath(graph: LineageViewGraph, node: string, column: string): Set<string> {
  const key = (n: string, c: string) => `${n}\u0000${c.toLowerCase()}`;
  const out = new Set([key(node, column)]);
  const go = (up: boolean) => {
    const stack = [[node, column]];
    while (stack.length) {
      const [n, c] = stack.pop()!;
      for (const e of graph.edges) {
        if (!e.fromColumn || !e.toColumn) continue;
        const match = up ? e.to === n && e.toColumn.toLowerCase() === c.toLowerCase() : e.from === n && e.fromColumn.toLowerCase() === c.toLowerCase();
        if (!match) continue;
        const [nn, cc] = up ? [e.from, e.fromColumn] : [e.to, e.toColumn];
        const k = key(nn, cc);
        if (!out.has(k)) {
          out.add(k);
          stack.push([nn, cc]);
        }
      }
    }
  };
  go(true);
  go(false);
  return out;
}
