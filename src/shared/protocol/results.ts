/**
 * Messages between the results panel (webview-ui/src/results) and its host (src/features/run/resultsPanel.ts).
 * The webview never holds a whole result: it asks for pages by offset; sorting and filtering run on the host's
 * DuckDB store, so 1,000,000-row results cost the webview only the rows on screen.
 */

/** How the grid formats and aligns a column. */
export type ResultColumnKind = 'number' | 'boolean' | 'date' | 'string' | 'other';

export interface ResultColumn {
  name: string;
  /** The database's type name. */
  type: string;
  kind: ResultColumnKind;
}

/** JSON cell values: null is SQL NULL (shown as NULL), '' is an empty string (shown empty). */
export type ResultCell = string | number | boolean | null;

export interface ResultSetSummary {
  /** Unique per result set; pages and exports refer to it. */
  id: string;
  /** Tab label, e.g. "1: SELECT * FROM orders". */
  title: string;
  sql: string;
  connectionName: string;
  status: 'running' | 'ok' | 'error' | 'cancelled' | 'refused';
  columns: ResultColumn[];
  /** Total rows in the result (before filtering); while `fetching`, the rows stored so far. */
  rowCount: number;
  elapsedMs: number;
  /** Rows are still streaming into the store: the grid already pages through what is there. */
  fetching?: boolean;
  /** Reading stopped before the end (cancelled, or failed with `error`, while fetching): rowCount is what was kept. */
  truncated?: boolean;
  /** DML statements: rows changed. */
  affectedRows?: number;
  statementType?: string;
  error?: string;
}

export type SortDirection = 'asc' | 'desc';

export interface ResultSort {
  column: number;
  direction: SortDirection;
}

export interface ResultView {
  sort?: ResultSort;
  /** Case-insensitive substring over all columns (as text); '' or undefined = no filter. */
  filter?: string;
}

export type ExportFormat = 'csv' | 'json' | 'parquet';

/** Host → webview */
export type ResultsToWebview =
  | { type: 'results/reset'; sets: ResultSetSummary[]; activeId?: string }
  | { type: 'results/set'; set: ResultSetSummary }
  | {
      type: 'results/page';
      setId: string;
      requestId: number;
      offset: number;
      rows: ResultCell[][];
      /** Rows matching the current filter. */
      totalRows: number;
    }
  | { type: 'results/pageError'; setId: string; requestId: number; message: string }
  | { type: 'results/chartRows'; setId: string; requestId: number; rows: ResultCell[][]; truncated: boolean };

/** Webview → host */
export type ResultsToHost =
  | ({ type: 'results/requestPage'; setId: string; requestId: number; offset: number; limit: number } & ResultView)
  | ({ type: 'results/export'; setId: string; format: ExportFormat } & ResultView)
  | ({
      type: 'results/copyRange';
      setId: string;
      /** Inclusive row range in the current (sorted/filtered) view. */
      rowStart: number;
      rowEnd: number;
      /** Inclusive column range. */
      colStart: number;
      colEnd: number;
      withHeader: boolean;
    } & ResultView)
  | ({ type: 'results/requestChartRows'; setId: string; requestId: number; limit: number } & ResultView)
  | { type: 'results/rerun'; setId: string };

/** Maps a database type name to how the grid shows it. */
export function columnKindOf(type: string): ResultColumnKind {
  const t = type.toLowerCase();
  if (/^(tiny|small|big|huge|u?)?int|^u(tiny|small|big|huge)?int|integer|numeric|decimal|double|float|real|number|serial|money/.test(t)) return 'number';
  if (/^bool/.test(t)) return 'boolean';
  if (/date|time/.test(t) && !/interval/.test(t)) return 'date';
  if (/char|text|string|varchar|uuid|enum|name|json/.test(t)) return 'string';
  return 'other';
}
