/**
 * Turns analysis results into the node/edge graph the lineage webview draws: tables (sources, intermediates,
 * targets, paths), CTEs and query results as nodes with their columns; table-flow and column-flow edges. Pure data,
 * shared by the VS Code feature and tests.
 */
import type { ColumnGraph } from './crossModel';
import type { ProjectGraph } from './dbt';
import type { ScriptLineage, StatementLineage } from './types';

export type ViewNodeKind = 'source' | 'target' | 'intermediate' | 'cte' | 'result' | 'path' | 'model' | 'seed' | 'table';

export interface ViewNode {
  id: string;
  kind: ViewNodeKind;
  label: string;
  columns: string[];
  /** File to open on click (dbt models, seeds, sources' yml) — absolute or project-relative. */
  path?: string;
  /** 0-based line of the defining statement in the analysed file (CTEs, targets). */
  line?: number;
}

export interface ViewEdge {
  from: string;
  to: string;
  /** Column flow: `fromColumn` of `from` feeds `toColumn` of `to`. */
  fromColumn?: string;
  toColumn?: string;
}

export interface ViewGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** Node to centre on (the current model / statement target). */
  focus?: string;
  /** Short text summary lines (for "Explain lineage"). */
  summary: string[];
  /** Statements analysed only partly, with the reason. */
  problems: string[];
}

const key = (name: string) => name.toLowerCase();

/** `a.b.col` → [`a.b`, `col`]; a bare `col` (plain SELECT output) → [undefined, `col`]. */
export function splitColumnRef(ref: string): [string | undefined, string] {
  const i = ref.lastIndexOf('.');
  return i < 0 ? [undefined, ref] : [ref.slice(0, i), ref.slice(i + 1)];
}

export function scriptView(script: ScriptLineage, only?: number): ViewGraph {
  const statements = only === undefined ? script.statements : script.statements.filter((s) => s.index === only);
  const nodes = new Map<string, ViewNode>();
  const edges: ViewEdge[] = [];
  const edgeKeys = new Set<string>();
  const intermediates = new Set(script.intermediates.map(key));
  const targets = new Set(script.targets.map(key));
  const node = (name: string, kind: ViewNodeKind, line?: number): ViewNode => {
    const id = `t:${key(name)}`;
    let n = nodes.get(id);
    if (!n) {
      const k: ViewNodeKind = name.startsWith('path:') ? 'path' : kind;
      n = { id, kind: k, label: name, columns: [], ...(line !== undefined ? { line } : {}) };
      nodes.set(id, n);
    }
    return n;
  };
  const kindOf = (name: string): ViewNodeKind => (intermediates.has(key(name)) ? 'intermediate' : targets.has(key(name)) ? 'target' : 'source');
  const addColumn = (n: ViewNode, col: string) => {
    if (!n.columns.some((c) => c.toLowerCase() === col.toLowerCase())) n.columns.push(col);
  };
  const edge = (e: ViewEdge) => {
    const k = `${e.from}|${e.to}|${e.fromColumn ?? ''}|${e.toColumn ?? ''}`.toLowerCase();
    if (!edgeKeys.has(k)) {
      edgeKeys.add(k);
      edges.push(e);
    }
  };
  const summary: string[] = [];
  const problems: string[] = [];
  let focus: string | undefined;
  for (const st of statements) {
    const line = st.range.line;
    const outs = st.targets.length ? st.targets.map((t) => node(t, kindOf(t), line)) : [];
    if (!outs.length && st.type.startsWith('select')) {
      const r: ViewNode = { id: `r:${st.index}`, kind: 'result', label: `query #${st.index + 1} result`, columns: [], line };
      nodes.set(r.id, r);
      outs.push(r);
    }
    for (const o of outs) {
      if (o.kind === 'source') o.kind = kindOf(o.label);
    }
    const ins = st.sources.map((s) => node(s, kindOf(s)));
    const cteNode = (name: string): ViewNode => {
      const id = `c:${st.index}:${key(name)}`;
      let n = nodes.get(id);
      if (!n) {
        n = { id, kind: 'cte', label: name, columns: [], line };
        nodes.set(id, n);
      }
      return n;
    };
    for (const c of st.ctes) cteNode(c);
    // A `cte:<name>` reference is that statement's CTE node; anything else a table (see StatementLineage.cteLineage).
    const relation = (name: string): ViewNode => (name.startsWith('cte:') ? cteNode(name.slice(4)) : node(name, kindOf(name)));
    for (const c of st.cteColumns ?? []) for (const col of c.columns) addColumn(cteNode(c.cte), col);
    if (st.cteReads) {
      // Tables flow through the CTEs that read them; a table the traced FROM clauses never named keeps its direct edge.
      const named = new Set<string>();
      for (const r of st.cteReads) {
        const tos = r.cte === null ? outs : [cteNode(r.cte)];
        for (const read of r.reads) {
          const from = relation(read);
          named.add(from.id);
          for (const to of tos) if (from.id !== to.id) edge({ from: from.id, to: to.id });
        }
      }
      for (const i of ins) if (!named.has(i.id)) for (const o of outs) if (i.id !== o.id) edge({ from: i.id, to: o.id });
    } else {
      for (const i of ins) for (const o of outs) if (i.id !== o.id) edge({ from: i.id, to: o.id });
      for (const c of st.ctes) for (const o of outs) edge({ from: cteNode(c).id, to: o.id });
    }
    for (const e of st.cteLineage ?? st.columnLineage) {
      const [st1, sc] = splitColumnRef(e.source);
      const [tt, tc] = splitColumnRef(e.target);
      if (!st1) continue;
      const from = relation(st1);
      const to = tt ? relation(tt) : outs[0];
      if (!to) continue;
      addColumn(from, sc);
      addColumn(to, tc);
      edge({ from: from.id, to: to.id, fromColumn: sc, toColumn: tc });
    }
    if (!focus && outs[0]) focus = outs[0].id;
    summary.push(describe(st));
    if (st.error) problems.push(`statement ${st.index + 1} (line ${st.range.line + 1}): ${st.error}`);
  }
  return { nodes: [...nodes.values()], edges, focus, summary, problems };
}

/** One line per statement: "INSERT into mart.t from raw.a, raw.b (3 column flows; CTEs: x, y)". */
export function describe(st: StatementLineage): string {
  const kind = st.type.replace(/_/g, ' ').toUpperCase();
  const parts = [`${kind}`];
  if (st.targets.length) parts.push(`into ${st.targets.join(', ')}`);
  if (st.sources.length) parts.push(`from ${st.sources.join(', ')}`);
  if (!st.targets.length && !st.sources.length) parts.push('(no data movement)');
  const extra: string[] = [];
  if (st.columnLineage.length) extra.push(`${st.columnLineage.length} column flow${st.columnLineage.length === 1 ? '' : 's'}`);
  if (st.ctes.length) extra.push(`CTEs: ${st.ctes.join(', ')}`);
  if (st.partial) extra.push('analysed only partly');
  return parts.join(' ') + (extra.length ? ` (${extra.join('; ')})` : '');
}

/**
 * The dbt model DAG as a view graph (ids kept: `model.x`, `source.s.t`, `seed.x`); with `columns` (crossModel's
 * buildColumnGraph), each node lists its columns and column flows run across models.
 */
export function projectView(graph: ProjectGraph, focus?: string, columns?: ColumnGraph): ViewGraph {
  const known = new Set(graph.nodes.map((n) => n.id));
  const columnEdges: ViewEdge[] = [];
  for (const e of columns?.columnEdges ?? []) {
    const [from, fromColumn] = splitColumnRef(e.from);
    const [to, toColumn] = splitColumnRef(e.to);
    if (from && to && known.has(from) && known.has(to)) columnEdges.push({ from, to, fromColumn, toColumn });
  }
  const summary = [`${graph.nodes.length} nodes, ${graph.edges.length} edges`];
  if (columns) summary.push(`${columnEdges.length} column flow${columnEdges.length === 1 ? '' : 's'} across models`);
  return {
    nodes: graph.nodes.map((n) => ({ id: n.id, kind: n.kind, label: n.name, columns: columns?.columns[n.id] ?? [], ...(n.path ? { path: n.path } : {}) })),
    edges: [...graph.edges.map((e) => ({ from: e.from, to: e.to })), ...columnEdges],
    focus,
    summary,
    problems: [
      ...graph.problems.map((p) => `${p.path}: ${p.message}`),
      ...(columns?.problems ?? []).map((p) => `${p.node}: columns traced only partly: ${p.message}`),
    ],
  };
}
