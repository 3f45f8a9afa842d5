/**
 * Synthetic lineage view graphs shaped like a large dbt project: sources, staging, intermediate and mart layers,
 * each model reading 1–3 models of the layers before it, with column flows between them. Deterministic (seeded).
 */
import type { LineageViewGraph, LineageViewNode, LineageViewEdge } from '../../src/shared/protocol/lineage';

export function syntheticLineageGraph(nodeCount: number, options: { columns?: boolean; seed?: number } = {}): LineageViewGraph {
  let s = options.seed ?? 7;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const layers = 8;
  const byLayer: number[][] = Array.from({ length: layers }, () => []);
  const nodes: LineageViewNode[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const layer = i < nodeCount * 0.2 ? 0 : 1 + Math.floor(rnd() * (layers - 1));
    byLayer[layer].push(i);
    const columns = options.columns === false ? [] : Array.from({ length: 2 + Math.floor(rnd() * 6) }, (_, c) => `col_${c}`);
    nodes.push({ id: layer === 0 ? `source.raw.t${i}` : `model.m${i}`, kind: layer === 0 ? 'source' : 'model', label: layer === 0 ? `raw.t${i}` : `m${i}`, columns });
  }
  const edges: LineageViewEdge[] = [];
  for (let layer = 1; layer < layers; layer++) {
    for (const i of byLayer[layer]) {
      const parents = 1 + Math.floor(rnd() * 3);
      for (let j = 0; j < parents; j++) {
        const from = rnd() < 0.8 ? layer - 1 : Math.max(0, layer - 2 - Math.floor(rnd() * 2));
        const pool = byLayer[from].length ? byLayer[from] : byLayer[0];
        const p = pool[Math.floor(rnd() * pool.length)];
        edges.push({ from: nodes[p].id, to: nodes[i].id });
        const shared = Math.min(nodes[p].columns.length, nodes[i].columns.length);
        for (let c = 0; c < shared; c++) if (rnd() < 0.5) edges.push({ from: nodes[p].id, to: nodes[i].id, fromColumn: nodes[p].columns[c], toColumn: nodes[i].columns[c] });
      }
    }
  }
  return { nodes, edges, focus: nodes[nodes.length - 1].id, summary: [`${nodes.length} nodes, ${edges.length} edges`], problems: [] };
}
