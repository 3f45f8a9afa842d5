/**
 * Picks a sensible first chart for a result, the way an analyst would: a time column with measures → line;
 * categories with a measure → bar (pie when a few categories hold shares of a whole); two measures → scatter;
 * one row of numbers → KPI cards; a lone measure → histogram. Everything is editable afterwards.
 */
import { profileColumns } from './columns';
import type { Aggregation, ChartColumn, ChartSpec, ColumnProfile } from './types';
import { toNumber, toLabel } from './values';

export const SUGGEST_LIMITS = {
  /** Pie only for this many categories or fewer (more slices cannot be compared by eye). */
  pieMaxCategories: 8,
  /** A categorical column becomes the series split only when it has this many values or fewer. */
  seriesMaxDistinct: 12,
  /** More categories than this are unreadable as bars: chart the measure's distribution instead. */
  barMaxCategories: 50,
  /** Measures drawn by default. */
  maxMeasures: 5,
  /** KPI cards for one row with up to this many numbers. */
  kpiMaxValues: 6,
};

const SHARE_NAME = /(share|pct|percent|percentage|ratio|proportion|fraction|portion|split|mix)/i;

export function suggestChart(columns: ChartColumn[], sampleRows: unknown[][]): ChartSpec {
  if (columns.length === 0) return table('The result has no columns.');
  if (sampleRows.length === 0) return table('The result has no rows to chart.');
  const profiles = profileColumns(columns, sampleRows);
  const measures = profiles.filter((p) => p.role === 'numeric');
  const times = profiles.filter((p) => p.role === 'temporal');
  const cats = profiles.filter((p) => p.role === 'categorical');
  const n = sampleRows.length;

  if (n === 1 && measures.length >= 1 && measures.length <= SUGGEST_LIMITS.kpiMaxValues) {
    return { kind: 'kpi', y: names(measures), aggregation: 'none', reason: 'A single row of numbers reads best as figures.' };
  }

  if (times.length > 0 && measures.length > 0) {
    const x = times[0];
    const y = measures.slice(0, SUGGEST_LIMITS.maxMeasures);
    const series = y.length === 1 ? seriesCandidate(cats, [], n) : undefined;
    return withSeries(
      { kind: 'line', x: x.name, y: names(y), aggregation: repeats(sampleRows, x, series) ? 'sum' : 'none', reason: `${x.name} is a time column.` },
      series,
    );
  }

  if (cats.length > 0 && measures.length > 0) {
    const x = cats.find((c) => c.distinct <= SUGGEST_LIMITS.barMaxCategories) ?? [...cats].sort((a, b) => a.distinct - b.distinct)[0];
    if (x.distinct > SUGGEST_LIMITS.barMaxCategories) {
      if (measures.length >= 2) return scatter(measures, cats, n);
      return histogram(measures[0], n);
    }
    const y = measures.slice(0, SUGGEST_LIMITS.maxMeasures);
    const aggregation: Aggregation = repeats(sampleRows, x, undefined) ? 'sum' : 'none';
    if (y.length === 1 && cats.length === 1 && x.distinct >= 2 && x.distinct <= SUGGEST_LIMITS.pieMaxCategories && looksLikeShares(y[0], sampleRows)) {
      return { kind: 'pie', x: x.name, y: [y[0].name], aggregation, reason: `${y[0].name} looks like shares of a whole across ${x.distinct} categories.` };
    }
    const series = y.length === 1 ? seriesCandidate(cats, [x], n) : undefined;
    return withSeries(
      { kind: 'bar', x: x.name, y: names(y), aggregation: repeats(sampleRows, x, series) ? 'sum' : 'none', reason: `${x.name} is a category with ${x.distinct} values.` },
      series,
    );
  }

  if (measures.length >= 2) return scatter(measures, cats, n);
  if (measures.length === 1) return histogram(measures[0], n);

  if (times.length > 0) {
    return { kind: 'line', x: times[0].name, y: [], aggregation: 'count', reason: `Rows over ${times[0].name}.` };
  }
  const countable = cats.filter((c) => c.distinct <= SUGGEST_LIMITS.barMaxCategories).sort((a, b) => a.distinct - b.distinct);
  if (countable.length > 0 && countable[0].distinct < n) {
    return { kind: 'bar', x: countable[0].name, y: [], aggregation: 'count', reason: `Row count per ${countable[0].name}.` };
  }
  return table('No numeric, time or low-cardinality column to chart.');
}

function table(reason: string): ChartSpec {
  return { kind: 'table', y: [], aggregation: 'none', reason };
}

function names(ps: ColumnProfile[]): string[] {
  return ps.map((p) => p.name);
}

function withSeries(spec: ChartSpec, series: ColumnProfile | undefined): ChartSpec {
  return series ? { ...spec, series: series.name } : spec;
}

function scatter(measures: ColumnProfile[], cats: ColumnProfile[], n: number): ChartSpec {
  const series = seriesCandidate(cats, [], n);
  return withSeries(
    { kind: 'scatter', x: measures[0].name, y: [measures[1].name], aggregation: 'none', reason: `${measures[0].name} against ${measures[1].name}.` },
    series,
  );
}

function histogram(m: ColumnProfile, n: number): ChartSpec {
  return { kind: 'histogram', y: [m.name], aggregation: 'count', reason: `Distribution of ${m.name} over ${n} rows.` };
}

/** A small categorical column that repeats (so it really splits rows into groups). */
function seriesCandidate(cats: ColumnProfile[], exclude: ColumnProfile[], n: number): ColumnProfile | undefined {
  return cats.find((c) => !exclude.includes(c) && c.distinct >= 2 && c.distinct <= SUGGEST_LIMITS.seriesMaxDistinct && c.distinct < n);
}

/** True when some (x, series) pair occurs on more than one row: then the rows need combining. */
function repeats(rows: unknown[][], x: ColumnProfile, series: ColumnProfile | undefined): boolean {
  const seen = new Set<string>();
  for (const r of rows) {
    const key = series ? `${toLabel(r[x.index])}\u0000${toLabel(r[series.index])}` : toLabel(r[x.index]);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** Non-negative values that add up to 1 or 100 (±2%), or a column named like a share. */
function looksLikeShares(m: ColumnProfile, rows: unknown[][]): boolean {
  let total = 0;
  for (const r of rows) {
    const v = toNumber(r[m.index]);
    if (v === null) continue;
    if (v < 0) return false;
    total += v;
  }
  if (total <= 0) return false;
  if (SHARE_NAME.test(m.name)) return true;
  return Math.abs(total - 1) <= 0.02 || Math.abs(total - 100) <= 2;
}
