/** Messages between the lineage panel (webview-ui/src/lineage) and its host (src/features/lineage). */
import type { ViewGraph } from '../../core/lineage/view';

export type { ViewGraph as LineageViewGraph, ViewNode as LineageViewNode, ViewEdge as LineageViewEdge, ViewNodeKind as LineageViewNodeKind } from '../../core/lineage/view';

export interface LineageInitialState {
  title: string;
  /** file: a script's tables and columns; statement: one statement (Explain lineage); dbt: the project model DAG. */
  mode: 'file' | 'statement' | 'dbt';
}

export type LineageToWebview =
  | { type: 'lineageGraph'; title: string; graph: ViewGraph }
  | { type: 'lineageError'; message: string };

export type LineageToHost =
  /** Open the file or definition behind a node. */
  | { type: 'openNode'; id: string }
  /** Save an exported image: SVG text, or a PNG as a data: URL. */
  | { type: 'exportImage'; format: 'svg' | 'png'; data: string }
  /** A graph (or a new depth of it) is laid out and painted: what is shown, and how long the layout took. */
  | { type: 'rendered'; title: string; nodes: number; totalNodes: number; edges: number; layoutMs: number; engine: 'dagre' | 'layered' };
