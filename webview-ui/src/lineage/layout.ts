/**
 * Left-to-right layout of a lineage graph. dagre (the maintained fork, @dagrejs/dagre) lays out graphs of up to
 * DAGRE_MAX_NODES; it minimises crossings well but its cost grows much faster than the graph (about a second at
 * 250 nodes and many seconds at 1,000 on the reference 2-core machine, measured in test/bench/lineageView.bench.ts),
 * so bigger graphs (a whole large dbt project) get a linear-time layered layout with the same look: longest-path
 * ranks, a few barycentre sweeps to order each rank, nodes placed next to their inputs.
 */
import dagre from '@dagrejs/dagre';
import type { LineageViewNode } from '../../../src/shared/protocol/lineage';
import type { GraphIndex } from './graphIndex';

export const ROW = 18;
export const HEADER = 26;
export const MIN_WIDTH = 170;
export const MAX_WIDTH = 340;
const RANK_SEP = 90;
const NODE_SEP = 22;
const MARGIN = 20;
export const DAGRE_MAX_NODES = 150;

export interface Placed {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  nodes: Map<string, Placed>;
  width: number;
  height: number;
  engine: 'dagre' | 'layered';
  ms: number;
}

/** Box size from the text it holds (character widths of the 12px UI and editor fonts, rounded up). */
export function nodeSize(n: LineageViewNode): { width: number; height: number } {
  let chars = n.label.length * 7.6 + 80;
  for (const c of n.columns) chars = Math.max(chars, c.length * 7.3 + 28);
  const width = Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, chars)));
  return { width, height: HEADER + n.columns.length * ROW + (n.columns.length ? 6 : 0) };
}

export function layout(ix: GraphIndex, visible: Set<string>): Layout {
  const t0 = performance.now();
  const ids = ix.graph.nodes.filter((n) => visible.has(n.id)).map((n) => n.id);
  const result = ids.length <= DAGRE_MAX_NODES ? dagreLayout(ix, ids, visible) : layeredLayout(ix, ids, visible);
  return { ...result, ms: Math.round(performance.now() - t0) };
}

function dagreLayout(ix: GraphIndex, ids: string[], visible: Set<string>): Omit<Layout, 'ms'> {
  const g = new dagre.graphlib.Graph();
  // network-simplex gives the tidiest ranks; on bigger graphs longest-path is several times cheaper.
  g.setGraph({ rankdir: 'LR', nodesep: NODE_SEP, ranksep: RANK_SEP, marginx: MARGIN, marginy: MARGIN, ranker: ids.length <= 80 ? 'network-simplex' : 'longest-path' });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of ids) g.setNode(id, nodeSize(ix.byId.get(id)!));
  for (const id of ids) for (const to of ix.down.get(id) ?? []) if (visible.has(to)) g.setEdge(id, to);
  dagre.layout(g);
  const nodes = new Map<string, Placed>();
  let width = 0;
  let height = 0;
  for (const id of ids) {
    const n = g.node(id) as { x: number; y: number; width: number; height: number };
    const p = { id, x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
    nodes.set(id, p);
    width = Math.max(width, p.x + p.width + MARGIN);
    height = Math.max(height, p.y + p.height + MARGIN);
  }
  return { nodes, width, height, engine: 'dagre' };
}

function layeredLayout(ix: GraphIndex, ids: string[], visible: Set<string>): Omit<Layout, 'ms'> {
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const id of ids) {
    preds.set(id, (ix.up.get(id) ?? []).filter((x) => visible.has(x)));
    succs.set(id, (ix.down.get(id) ?? []).filter((x) => visible.has(x)));
  }
  // Ranks: longest path from the sources over a DFS order that ignores back edges (lineage can have cycles, e.g.
  // UPDATE t … FROM t joined back, or two scripts writing each other's inputs).
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack: Array<[string, number]> = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = succs.get(top[0])![top[1]++];
      if (next === undefined) {
        state.set(top[0], 2);
        order.push(top[0]);
        stack.pop();
      } else if (!state.has(next)) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
    }
  }
  order.reverse(); // topological order when acyclic
  const position = new Map(order.map((id, i) => [id, i]));
  const forward = (a: string, b: string) => position.get(a)! < position.get(b)!;
  const rank = new Map<string, number>();
  for (const id of order) {
    let r = 0;
    for (const p of preds.get(id)!) if (forward(p, id)) r = Math.max(r, rank.get(p)! + 1);
    rank.set(id, r);
  }
  // Pull sources right next to their first consumer instead of leaving them all in rank 0.
  for (const id of order) {
    if (preds.get(id)!.some((p) => forward(p, id))) continue;
    const outs = succs.get(id)!.filter((s) => forward(id, s));
    if (outs.length) rank.set(id, Math.max(0, Math.min(...outs.map((s) => rank.get(s)!)) - 1));
  }
  const ranks: string[][] = [];
  for (const id of order) (ranks[rank.get(id)!] ??= []).push(id);
  for (let r = 0; r < ranks.length; r++) ranks[r] ??= [];

  // Order within ranks: barycentre of neighbours' relative positions, alternating downstream and upstream sweeps.
  const rel = new Map<string, number>();
  const setRel = (list: string[]) => list.forEach((id, i) => rel.set(id, (i + 0.5) / list.length));
  ranks.forEach(setRel);
  const bary = (id: string, links: string[]) => {
    const known = links.filter((x) => rel.has(x));
    return known.length ? known.reduce((s, x) => s + rel.get(x)!, 0) / known.length : rel.get(id)!;
  };
  for (let sweep = 0; sweep < 6; sweep++) {
    const down = sweep % 2 === 0;
    const seq = down ? ranks : [...ranks].reverse();
    for (const list of seq) {
      const key = new Map(list.map((id) => [id, bary(id, down ? preds.get(id)! : succs.get(id)!)]));
      list.sort((a, b) => key.get(a)! - key.get(b)!);
      setRel(list);
    }
  }

  // Coordinates: ranks are columns; within a rank nodes go as near the middle of their inputs as the ones above allow.
  const nodes = new Map<string, Placed>();
  let x = MARGIN;
  let height = 0;
  for (const list of ranks) {
    const sizes = list.map((id) => nodeSize(ix.byId.get(id)!));
    const colWidth = Math.max(MIN_WIDTH, ...sizes.map((s) => s.width));
    let floor = MARGIN;
    list.forEach((id, i) => {
      const placedPreds = preds.get(id)!.map((p) => nodes.get(p)).filter((p): p is Placed => !!p);
      const want = placedPreds.length ? placedPreds.reduce((s, p) => s + p.y + p.height / 2, 0) / placedPreds.length - sizes[i].height / 2 : floor;
      const y = Math.max(floor, want);
      nodes.set(id, { id, x, y, width: sizes[i].width, height: sizes[i].height });
      floor = y + sizes[i].height + NODE_SEP;
    });
    height = Math.max(height, floor - NODE_SEP + MARGIN);
    x += colWidth + RANK_SEP;
  }
  return { nodes, width: x - RANK_SEP + MARGIN, height, engine: 'layered' };
}
