/**
 * Chart messages. ChartView (webview-ui/src/charts) is embedded by the results grid and the Ask panel and also
 * runs standalone as the `charts` app; whichever host owns the webview handles `exportChart` (save dialog + write,
 * see src/core/charts/export.ts for validating the payload).
 */
import type { ChartColumn, ChartSpec } from '../../core/charts/types';

export type { ChartColumn, ChartSpec };

/** The user pressed Export PNG/SVG. PNG comes base64-encoded (no data: prefix), SVG as text. */
export interface ExportChartMessage {
  type: 'exportChart';
  format: 'png' | 'svg';
  dataBase64?: string;
  svgText?: string;
  /** A file name without directory, e.g. "revenue-by-month.png". */
  suggestedName: string;
}

/** The user edited the chart (kind, x, y, series, aggregation); hosts may persist it with the query. */
export interface ChartSpecChangedMessage {
  type: 'chartSpecChanged';
  spec: ChartSpec;
}

export type ChartsToHost = ExportChartMessage | ChartSpecChangedMessage;

/** Host → standalone charts app: (re)draw this result. */
export interface ShowChartMessage {
  type: 'showChart';
  title?: string;
  columns: ChartColumn[];
  rows: unknown[][];
  spec?: ChartSpec;
}

export type ChartsToWebview = ShowChartMessage;

/** initialState of the standalone charts app (same shape as ShowChartMessage without `type`). */
export type ChartsInitialState = Omit<ShowChartMessage, 'type'>;
