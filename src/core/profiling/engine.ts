/**
 * Runs the profile plan against any SQL engine (a DuckDB table loaded from a file, or a warehouse table pushed
 * down through the Connection contract) and shapes the answers into ColumnProfiles. Phases report partial
 * profiles so the UI can show numbers while the rest is computed.
 */
import { throwIfAborted } from '../errors';
import {
  QUANTILE_POINTS,
  alias,
  buildDuplicatesQuery,
  buildHistogramQuery,
  buildMixedCaseQuery,
  buildNonNumericExamplesQuery,
  buildStatsQuery,
  buildValuesQuery,
  histogramSpec,
  type HistogramSpec,
  type PlanColumn,
  type SqlDialect,
} from './sql';
import type { ColumnProfile, HistogramBin, ProfilePhase, Quantiles } from './types';

/** The one thing the engine needs from a database: run SQL, get rows of JSON-safe values keyed by column name. */
export interface SqlRunner {
  readonly dialect: SqlDialect;
  query(sql: string, signal?: AbortSignal): Promise<Record<string, unknown>[]>;
}

export interface RelationProfile {
  rowCount: number;
  columns: ColumnProfile[];
  duplicateRowCount: number | null;
  /** Extra evidence for findings, gathered only for columns that need it. */
  mixedCase: Record<string, string[][]>;
  nonNumericExamples: Record<string, string[]>;
  timings: Record<string, number>;
}

export interface RelationOptions {
  bins: number;
  exactQuantileMaxRows: number;
  signal?: AbortSignal;
  /** Known row count (e.g. after loading a file); otherwise the stats query counts. */
  rowCount?: number;
  onPhase?: (phase: ProfilePhase, columns: ColumnProfile[], rowCount: number) => void;
  /** Skip the row-duplicate check (very wide relations or when the engine cannot hash rows cheaply). */
  skipDuplicates?: boolean;
}

export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

function toCount(v: unknown): number {
  return toNumber(v) ?? 0;
}

/** Temporal min/max (ISO-like strings or Date) to epoch seconds for histogram edges. */
export function temporalToEpoch(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime() / 1000;
  const s = String(v);
  // DuckDB prints '2020-01-01 10:00:00' (naive = UTC) and may add '+00' offsets.
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const withZone = /[zZ]|[+-]\d{2}:\d{2}$/.test(iso) ? iso : `${iso}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : ms / 1000;
}

export function isIntegerType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|INT2|INT4|INT8|SERIAL|BIGSERIAL|BYTEINT)\b/i.test(type.trim()) || /^NUMBER\(\d+,\s*0\)$/i.test(type.trim());
}

/** A column's profile before any statistic is known (also the first streamed partial). */
export function emptyColumn(c: PlanColumn): ColumnProfile {
  return {
    name: c.name,
    type: c.type,
    kind: c.kind,
    nullCount: 0,
    nullPercent: 0,
    distinctCount: 0,
    distinctIsExact: true,
    min: null,
    max: null,
    mean: null,
    stddev: null,
    quantiles: null,
    histogram: null,
    topValues: [],
    sampleValues: [],
  };
}

function readQuantiles(row: Record<string, unknown>, i: number): Quantiles | null {
  let values: unknown[] | undefined;
  if (Array.isArray(row[alias(i, 'q')])) values = row[alias(i, 'q')] as unknown[];
  else if (alias(i, 'q0') in row) values = QUANTILE_POINTS.map((_, k) => row[alias(i, `q${k}`)]);
  if (!values || values.every((v) => v === null || v === undefined)) return null;
  const n = values.map(toNumber);
  return { p5: n[0], p25: n[1], p50: n[2], p75: n[3], p95: n[4] };
}

function elapsed(start: number): number {
  return Math.round(performance.now() - start);
}

/** Profiles `relation` (a table name or parenthesised subquery) with the columns given. */
export async function profileRelation(runner: SqlRunner, relation: string, planColumns: PlanColumn[], o: RelationOptions): Promise<RelationProfile> {
  const d = runner.dialect;
  const timings: Record<string, number> = {};
  const columns = planColumns.map(emptyColumn);
  let rowCount = o.rowCount ?? 0;

  // Phase: stats (one scan for every column).
  let t = performance.now();
  const exactQuantiles = o.rowCount !== undefined && o.rowCount <= o.exactQuantileMaxRows;
  const [stats] = await runner.query(buildStatsQuery(d, relation, planColumns, { exactQuantiles }), o.signal);
  rowCount = toCount(stats?.total);
  planColumns.forEach((c, i) => {
    const col = columns[i];
    const nn = toCount(stats?.[alias(i, 'nn')]);
    col.nullCount = rowCount - nn;
    col.nullPercent = rowCount ? (100 * col.nullCount) / rowCount : 0;
    col.min = stats?.[alias(i, 'min')] ?? null;
    col.max = stats?.[alias(i, 'max')] ?? null;
    if (c.kind === 'numeric') {
      col.min = toNumber(col.min) ?? col.min;
      col.max = toNumber(col.max) ?? col.max;
      col.mean = toNumber(stats?.[alias(i, 'mean')]);
      col.stddev = toNumber(stats?.[alias(i, 'sd')]);
      col.quantiles = readQuantiles(stats ?? {}, i);
      col.quantileMethod = exactQuantiles || d.name === 'postgres' ? 'exact' : 't-digest';
    }
    if (c.kind === 'string') {
      col.stringLength = { min: toNumber(stats?.[alias(i, 'lmin')]), max: toNumber(stats?.[alias(i, 'lmax')]), mean: toNumber(stats?.[alias(i, 'lavg')]) };
      col.whitespaceCount = toCount(stats?.[alias(i, 'ws')]);
      col.numericLikeCount = toCount(stats?.[alias(i, 'num')]);
    }
  });
  timings.stats = elapsed(t);
  o.onPhase?.('stats', columns, rowCount);
  throwIfAborted(o.signal);

  // Phase: distinct counts and top values (one grouping per column).
  t = performance.now();
  for (const [i, c] of planColumns.entries()) {
    throwIfAborted(o.signal);
    const col = columns[i];
    if (col.nullCount === rowCount) continue;
    const rows = await runner.query(buildValuesQuery(d, relation, c), o.signal);
    col.distinctCount = rows.length ? toCount(rows[0].d) : 0;
    col.topValues = rows.map((r) => ({ value: c.kind === 'numeric' ? (toNumber(r.v) ?? r.v) : r.v, count: toCount(r.n) }));
  }
  timings.values = elapsed(t);
  o.onPhase?.('values', columns, rowCount);

  // Phase: histograms and IQR outliers (one statement, one branch per numeric/temporal column).
  t = performance.now();
  const specs: HistogramSpec[] = [];
  planColumns.forEach((c, i) => {
    const col = columns[i];
    if (col.nullCount === rowCount) return;
    if (c.kind === 'numeric') {
      const lo = toNumber(col.min);
      const hi = toNumber(col.max);
      if (lo === null || hi === null) return;
      const spec = histogramSpec(i, c, lo, hi, o.bins, isIntegerType(c.type));
      if (!spec) return;
      const q = col.quantiles;
      if (q && q.p25 !== null && q.p75 !== null) {
        const iqr = Number(q.p75) - Number(q.p25);
        spec.fences = { low: Number(q.p25) - 1.5 * iqr, high: Number(q.p75) + 1.5 * iqr };
      }
      specs.push(spec);
    } else if (c.kind === 'temporal') {
      const lo = temporalToEpoch(col.min);
      const hi = temporalToEpoch(col.max);
      if (lo === null || hi === null) return;
      const spec = histogramSpec(i, c, lo, hi, o.bins, false);
      if (spec) specs.push(spec);
    }
  });
  if (specs.length) {
    const rows = await runner.query(buildHistogramQuery(d, relation, specs), o.signal);
    const byCol = new Map<number, HistogramBin[]>();
    for (const spec of specs) {
      byCol.set(
        spec.index,
        Array.from({ length: spec.bins }, (_, b) => ({ lower: spec.min + b * spec.width, upper: spec.min + (b + 1) * spec.width, count: 0 })),
      );
      if (spec.fences) columns[spec.index].outlierCount = 0;
    }
    for (const r of rows) {
      const i = toCount(r.col);
      const bins = byCol.get(i);
      const b = toNumber(r.bin);
      if (!bins || b === null) continue;
      const slot = bins[Math.max(0, Math.min(bins.length - 1, b))];
      slot.count += toCount(r.n);
      if (columns[i].outlierCount !== undefined) columns[i].outlierCount! += toCount(r.outliers);
    }
    for (const [i, bins] of byCol) {
      columns[i].histogram = bins;
      if (planColumns[i].kind === 'temporal') columns[i].histogramUnit = 'epoch-seconds';
    }
  }
  timings.histograms = elapsed(t);
  o.onPhase?.('histograms', columns, rowCount);
  throwIfAborted(o.signal);

  // Evidence for findings: duplicates, case variants, non-numeric values in numeric-looking text.
  t = performance.now();
  let duplicateRowCount: number | null = null;
  if (!o.skipDuplicates && rowCount > 1 && planColumns.length) {
    const [dup] = await runner.query(buildDuplicatesQuery(d, relation, planColumns), o.signal);
    duplicateRowCount = toCount(dup?.dup);
  }
  const mixedCase: Record<string, string[][]> = {};
  const nonNumericExamples: Record<string, string[]> = {};
  for (const [i, c] of planColumns.entries()) {
    throwIfAborted(o.signal);
    const col = columns[i];
    const nonNull = rowCount - col.nullCount;
    if (c.kind !== 'string' || nonNull === 0) continue;
    if (col.distinctCount >= 2 && col.distinctCount <= 1000) {
      const rows = await runner.query(buildMixedCaseQuery(d, relation, c), o.signal);
      if (rows.length) mixedCase[c.name] = rows.map((r) => [String(r.a), String(r.b)]);
    }
    const numeric = col.numericLikeCount ?? 0;
    if (numeric >= 0.8 * nonNull && numeric < nonNull) {
      const rows = await runner.query(buildNonNumericExamplesQuery(d, relation, c), o.signal);
      nonNumericExamples[c.name] = rows.map((r) => String(r.v));
    }
  }
  timings.evidence = elapsed(t);
  return { rowCount, columns, duplicateRowCount, mixedCase, nonNumericExamples, timings };
}
