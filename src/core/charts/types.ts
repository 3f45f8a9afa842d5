/**
 * The chart contract shared by the suggestion rules, the aggregation, the webview ChartView and the protocol.
 * A ChartSpec names columns (by result column name), never values, so it stays valid when the query is re-run.
 */
export type ChartKind = 'line' | 'bar' | 'pie' | 'scatter' | 'kpi' | 'histogram' | 'table';
export type Aggregation = 'none' | 'sum' | 'avg' | 'count' | 'min' | 'max';

export const CHART_KINDS: readonly ChartKind[] = ['line', 'bar', 'pie', 'scatter', 'kpi', 'histogram', 'table'];
export const AGGREGATIONS: readonly Aggregation[] = ['none', 'sum', 'avg', 'count', 'min', 'max'];

export interface ChartSpec {
  kind: ChartKind;
  /** Category / time / first-measure column (scatter). Not used by kpi and histogram. */
  x?: string;
  /** Measures. Histogram uses y[0]; `count` with no y counts rows. */
  y: string[];
  /** A column whose values split the measure into one series each (line, bar, scatter). */
  series?: string;
  aggregation: Aggregation;
  /** Histogram: wanted number of bins (the bins are rounded to 1-2-5 widths); default from the row count. */
  bins?: number;
  /** Why this chart was suggested, in one sentence for the UI. */
  reason?: string;
}

export interface ChartColumn {
  name: string;
  /** The database's type name (DuckDB, PostgreSQL or Snowflake spelling); '' when unknown. */
  type: string;
}

/** What a column can be used for on a chart. */
export type ColumnRole = 'temporal' | 'numeric' | 'categorical' | 'empty';

export interface ColumnProfile {
  index: number;
  name: string;
  type: string;
  role: ColumnRole;
  /** Distinct non-null values seen in the sample. */
  distinct: number;
  nonNull: number;
  /** Integer-typed column whose name says it is a key (id, *_id): a category, not a measure. */
  identifier: boolean;
}

export interface SeriesValues {
  name: string;
  values: (number | null)[];
}

/** Line/bar: one x value per position, and one value array per series aligned with it. */
export interface CartesianData {
  kind: 'line' | 'bar';
  /** 'time': x holds epoch milliseconds (UTC), ascending; 'value': numbers ascending; 'category': labels. */
  xAxis: 'time' | 'value' | 'category';
  x: (string | number)[];
  series: SeriesValues[];
}

export interface PieData {
  kind: 'pie';
  slices: { name: string; value: number }[];
}

export interface ScatterData {
  kind: 'scatter';
  xName: string;
  yName: string;
  series: { name: string; points: [number, number][] }[];
}

export interface HistogramData {
  kind: 'histogram';
  column: string;
  /** Half-open [from, to) except the last bin, which includes its upper edge. */
  bins: { from: number; to: number; count: number }[];
}

export interface KpiData {
  kind: 'kpi';
  values: { name: string; value: number | null }[];
}

export interface TableData {
  kind: 'table';
}

export type ChartData = (CartesianData | PieData | ScatterData | HistogramData | KpiData | TableData) & {
  /** Things the user should know about what is drawn (capped categories, skipped values, sampling). */
  notes: string[];
};
