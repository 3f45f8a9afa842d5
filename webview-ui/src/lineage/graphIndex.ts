/**
 * Lookup tables over a lineage graph, built once per graph: node by id, table-level neighbours, column rows and
 * column-flow edges by (node, column). Depth filtering, impact analysis and drawing all run on these instead of
 * scanning every edge per node, which is what keeps a 1,000-node graph interactive.
 */
import type { LineageViewGraph, LineageViewNode } from '../../../src/shared/protocol/lineage';

export const cellKey = (node: string, column: string) => `${node}\u0000${column.toLowerCase()}`;

export interface GraphIndex {
  graph: LineageViewGraph;
  byId: Map<string, LineageViewNode>;
  /** Table-level neighbours (any edge, column or table flow, counts). */
  up: Map<string, string[]>;
  down: Map<string, string[]>;
  /** Row index of a column inside its node, by cellKey. */
  row: Map<string, number>;
  /** Indexes into graph.edges of column-flow edges entering / leaving a cell, by cellKey. */
  colIn: Map<string, number[]>;
  colOut: Map<string, number[]>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function indexGraph(graph: LineageViewGraph): GraphIndex {
  const byId = new Map<string, LineageViewNode>();
  const row = new Map<string, number>();
  for (const n of graph.nodes) {
    byId.set(n.id, n);
    n.columns.forEach((c, i) => {
      const k = cellKey(n.id, c);
      if (!row.has(k)) row.set(k, i);
    });
  }
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  const colIn = new Map<string, number[]>();
  const colOut = new Map<string, number[]>();
  const seenPair = new Set<string>();
  graph.edges.forEach((e, i) => {
    if (!byId.has(e.from) || !byId.has(e.to)) return;
    const pair = `${e.from}\u0000${e.to}`;
    if (e.from !== e.to && !seenPair.has(pair)) {
      seenPair.add(pair);
      push(down, e.from, e.to);
      push(up, e.to, e.from);
    }
    if (e.fromColumn !== undefined && e.toColumn !== undefined) {
      push(colOut, cellKey(e.from, e.fromColumn), i);
      push(colIn, cellKey(e.to, e.toColumn), i);
    }
  });
  return { graph, byId, up, down, row, colIn, colOut };
}

/** Node ids within `up` hops upstream and `down` hops downstream of `focus`; every node without a focus. */
export function neighbourhood(ix: GraphIndex, focus: string | undefined, up: number, down: number): Set<string> {
  if (!focus || !ix.byId.has(focus) || (up === Infinity && down === Infinity)) return new Set(ix.byId.keys());
  const seen = new Set([focus]);
  const walk = (links: Map<string, string[]>, depth: number) => {
    let frontier = [focus];
    for (let d = 0; d < depth && frontier.length; d++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const other of links.get(id) ?? []) {
          if (!seen.has(other)) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
  };
  walk(ix.up, up);
  walk(ix.down, down);
  return seen;
}

export interface ColumnPath {
  /** Cells (cellKey) on the path, the selected one included. */
  cells: Set<string>;
  /** Indexes into graph.edges of the column flows on the path. */
  edges: Set<number>;
  upstream: number;
  downstream: number;
}

/**
 * Impact analysis for one column: everything it is computed from (walking column flows upstream) and everything
 * computed from it (downstream). Only edges actually walked are on the path, not every edge between two hot cells.
 */
export function columnPath(ix: GraphIndex, node: string, column: string): ColumnPath {
  const start = cellKey(node, column);
  const cells = new Set([start]);
  const edges = new Set<number>();
  const walk = (dir: 'up' | 'down'): number => {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) {
      const k = stack.pop()!;
      for (const i of (dir === 'up' ? ix.colIn : ix.colOut).get(k) ?? []) {
        edges.add(i);
        const e = ix.graph.edges[i];
        const next = dir === 'up' ? cellKey(e.from, e.fromColumn!) : cellKey(e.to, e.toColumn!);
        if (!seen.has(next)) {
          seen.add(next);
          cells.add(next);
          stack.push(next);
        }
      }
    }
    return seen.size - 1;
  };
  const upstream = walk('up');
  const downstream = walk('down');
  return { cells, edges, upstream, downstream };
}

export interface SearchResult {
  /** Matching node ids in graph order. */
  nodes: string[];
  /** Matching cells (cellKey). */
  cells: Set<string>;
}

/** Case-insensitive substring search over node labels and column names. */
export function searchGraph(ix: GraphIndex, query: string): SearchResult {
  const q = query.trim().toLowerCase();
  const nodes: string[] = [];
  const cells = new Set<string>();
  if (!q) return { nodes, cells };
  for (const n of ix.graph.nodes) {
    let hit = n.label.toLowerCase().includes(q);
    for (const c of n.columns) {
      if (c.toLowerCase().includes(q)) {
        cells.add(cellKey(n.id, c));
        hit = true;
      }
    }
    if (hit) nodes.push(n.id);
  }
  return { nodes, cells };
}
