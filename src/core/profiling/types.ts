/**
 * The profile data model. `FileProfile` is the CLI `profile --json` contract (path, format, rowCount, columns[…],
 * findings[…]); everything else is an extra field the contract allows.
 */

export type ProfileFormat = 'csv' | 'parquet' | 'json' | 'table';

/** How a delimited file is read; every field can be overridden by the user and the file re-profiled. */
export interface CsvDialect {
  delimiter: string;
  quote: string;
  escape: string;
  header: boolean;
  /** DuckDB's reader decodes utf-8, utf-16 and latin-1. */
  encoding: string;
  dateFormat?: string | null;
  timestampFormat?: string | null;
  skipRows?: number;
  newline?: string;
}

export type ColumnKind = 'numeric' | 'temporal' | 'string' | 'boolean' | 'other';

export interface Quantiles {
  p5: number | string | null;
  p25: number | string | null;
  p50: number | string | null;
  p75: number | string | null;
  p95: number | string | null;
}

export interface HistogramBin {
  lower: number;
  upper: number;
  count: number;
}

export interface TopValue {
  value: unknown;
  count: number;
}

export interface ColumnProfile {
  name: string;
  /** The engine's type name (DuckDB: BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP…). */
  type: string;
  kind: ColumnKind;
  nullCount: number;
  nullPercent: number;
  distinctCount: number;
  distinctIsExact: boolean;
  /** When distinctIsExact is false: the relative standard error of the estimate (e.g. 0.03 = ±3%). */
  distinctErrorBound?: number;
  min: unknown;
  max: unknown;
  mean: number | null;
  stddev: number | null;
  quantiles: Quantiles | null;
  /** 'exact' (interpolated over every row) or 't-digest' (approximation over every row, never a sample). */
  quantileMethod?: 'exact' | 't-digest';
  /** Equal-width bins over [min, max]; temporal columns use epoch seconds for lower/upper. */
  histogram: HistogramBin[] | null;
  /** Set for temporal histograms: lower/upper are seconds since 1970-01-01 UTC. */
  histogramUnit?: 'epoch-seconds';
  topValues: TopValue[];
  stringLength?: { min: number | null; max: number | null; mean: number | null };
  sampleValues: unknown[];
  /** Values with leading or trailing whitespace (string columns). */
  whitespaceCount?: number;
  /** Values outside [p25 − 1.5·IQR, p75 + 1.5·IQR] (numeric columns). */
  outlierCount?: number;
  /** String columns: how many non-null values parse as numbers (a mostly-numeric text column hints at bad values). */
  numericLikeCount?: number;
}

export type FindingKind =
  | 'empty-column'
  | 'constant-column'
  | 'high-nulls'
  | 'rejected-rows'
  | 'unparsable-values'
  | 'duplicate-rows'
  | 'outliers'
  | 'whitespace'
  | 'mixed-case'
  | 'candidate-key'
  | 'duplicate-column-names'
  | 'empty-file'
  | 'no-rows'
  | 'single-column'
  | 'wide-line'
  | 'truncated-input';

export interface Finding {
  column: string | null;
  kind: FindingKind;
  message: string;
  severity: 'info' | 'warning' | 'error';
  /** Example offending values or lines. */
  examples?: string[];
  /** 1-based line numbers in the file, for rejected lines. */
  lines?: number[];
}

export interface FileInfo {
  sizeBytes: number;
  mtimeMs: number;
  compression: 'none' | 'gzip' | 'zstd';
}

export interface FileProfile {
  path: string;
  format: ProfileFormat;
  rowCount: number;
  /** True while rowCount is still an estimate from the file size (first partial only). */
  rowCountIsEstimate?: boolean;
  columns: ColumnProfile[];
  findings: Finding[];
  file?: FileInfo;
  dialect?: CsvDialect;
  duplicateRowCount?: number | null;
  rejectedRowCount?: number;
  /** The first rows of the file, values JSON-safe. */
  sample: { columns: string[]; rows: unknown[][] };
  /** Milliseconds per phase, for the benchmark and the log. */
  timings: Record<string, number>;
  elapsedMs: number;
  /** True until the last phase has run (partials streamed to the UI). */
  partial?: boolean;
  /** For table profiles: the connection and table it came from. */
  source?: { connection: string; schema?: string; table: string; database?: string };
}

export type ProfilePhase = 'detect' | 'load' | 'stats' | 'values' | 'histograms' | 'findings' | 'done';

export const PHASE_LABELS: Record<ProfilePhase, string> = {
  detect: 'Detecting format and columns',
  load: 'Reading rows',
  stats: 'Computing column statistics',
  values: 'Counting distinct and top values',
  histograms: 'Building histograms and outliers',
  findings: 'Checking data quality',
  done: 'Done',
};

export interface ProfileOptions {
  /** Override the detected CSV dialect (re-profile with the user's choice). */
  dialect?: Partial<CsvDialect>;
  /** Force a format instead of going by extension. */
  format?: 'csv' | 'parquet' | 'json';
  /** Number of first rows returned as a table (default 100). */
  sampleRows?: number;
  /** Histogram bins (default 20). */
  bins?: number;
  /** Table pushdown: quantiles are exact up to this many rows, t-digest above (default 500,000). Files: always exact. */
  exactQuantileMaxRows?: number;
  /**
   * DuckDB memory limit (default '320MB'): the 10M-row bench CSV peaks at ~520 MB RSS with it; at 256MB its grouping
   * pass does not fit (then it is split, see scan.ts).
   */
  memoryLimit?: string;
  threads?: number;
  /** Directory for the temporary database and spill files (default os.tmpdir()). */
  tempDir?: string;
}

export interface ProfileRunControls {
  signal?: AbortSignal;
  /** Called after each phase with the profile as known so far (the first call has rows/columns/types). */
  onProgress?: (phase: ProfilePhase, partial: FileProfile) => void;
}
