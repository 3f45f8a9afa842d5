/**
 * Turns a ChartSpec and the result rows into exactly what is drawn: grouped and aggregated series (time axes
 * sorted), categories capped to the top N plus "Other", histogram bins, sampled scatter points, KPI figures.
 * Linear in the row count; a million rows take well under a second.
 */
import { throwIfAborted } from '../errors';
import { profileColumns } from './columns';
import type { Aggregation, CartesianData, ChartColumn, ChartData, ChartSpec, HistogramData, KpiData, PieData, ScatterData } from './types';
import { toLabel, toNumber, toTime } from './values';

export interface AggregateOptions {
  /** Bars/line categories before the rest is grouped as "Other" (default 20). */
  maxCategories?: number;
  /** Pie slices including "Other" (default 8). */
  maxSlices?: number;
  /** Series before the rest is grouped as "Other" (default 10). */
  maxSeries?: number;
  /** Scatter points drawn; more are sampled evenly (default 5000: the SVG renderer stays responsive). */
  maxPoints?: number;
  signal?: AbortSignal;
}

const DEFAULTS = { maxCategories: 20, maxSlices: 8, maxSeries: 10, maxPoints: 5000 };
const CHECK_EVERY = 1 << 16;
export const OTHER_LABEL = 'Other';

export function aggregateForChart(spec: ChartSpec, columns: ChartColumn[], rows: unknown[][], options: AggregateOptions = {}): ChartData {
  const o = { ...DEFAULTS, ...options };
  const index = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!index.has(c.name)) index.set(c.name, i);
  });
  const missing = [spec.x, spec.series, ...spec.y].filter((c): c is string => c !== undefined && c !== '' && !index.has(c));
  if (missing.length > 0) {
    return { kind: 'table', notes: [`Column ${missing.map((m) => `"${m}"`).join(', ')} is not in this result; pick another in the chart editor.`] };
  }
  const col = (name: string | undefined) => (name ? index.get(name) : undefined);
  switch (spec.kind) {
    case 'kpi':
      return kpi(spec, columns, rows, index);
    case 'histogram': {
      const c = col(spec.y[0] ?? spec.x);
      if (c === undefined) return needs('a numeric column');
      return histogram(columns[c].name, c, rows, spec.bins, o.signal);
    }
    case 'scatter': {
      const x = col(spec.x);
      const y = spec.y.map((n) => index.get(n)!);
      if (x === undefined || y.length === 0) return needs('an x and a y column');
      return scatter(columns, rows, x, y, col(spec.series), o);
    }
    case 'pie': {
      const x = col(spec.x);
      if (x === undefined) return needs('a category column');
      return pie(spec, columns, rows, x, col(spec.y[0]), o);
    }
    case 'line':
    case 'bar': {
      const x = col(spec.x);
      if (x === undefined) return needs('an x column');
      if (spec.y.length === 0 && spec.aggregation !== 'count') return needs('a y column (or the count aggregation)');
      return cartesian(spec, columns, rows, x, o);
    }
    default:
      return { kind: 'table', notes: [] };
  }
}

function needs(what: string): ChartData {
  return { kind: 'table', notes: [`This chart needs ${what}; pick one in the chart editor.`] };
}

// ---- accumulators -------------------------------------------------------------------------------------------

interface Acc {
  sum: number;
  n: number;
  min: number;
  max: number;
  first: number | null;
  rows: number;
}
const newAcc = (): Acc => ({ sum: 0, n: 0, min: Infinity, max: -Infinity, first: null, rows: 0 });

function add(acc: Acc, v: number | null): void {
  acc.rows++;
  if (v === null) return;
  acc.sum += v;
  acc.n++;
  if (v < acc.min) acc.min = v;
  if (v > acc.max) acc.max = v;
  if (acc.first === null) acc.first = v;
}

function merge(into: Acc, from: Acc): void {
  into.sum += from.sum;
  into.n += from.n;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
  into.rows += from.rows;
  if (into.first === null) into.first = from.first;
}

/** `count` with no measure counts rows; every other aggregation of no values is null (a gap, not a zero). */
function finish(acc: Acc | undefined, agg: Aggregation, countRows: boolean): number | null {
  if (!acc) return agg === 'count' ? 0 : null;
  if (agg === 'count') return countRows ? acc.rows : acc.n;
  if (acc.n === 0) return null;
  switch (agg) {
    case 'sum':
      return acc.sum;
    case 'avg':
      return acc.sum / acc.n;
    case 'min':
      return acc.min;
    case 'max':
      return acc.max;
    default:
      return acc.first;
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

// ---- line / bar ---------------------------------------------------------------------------------------------

function cartesian(spec: ChartSpec, columns: ChartColumn[], rows: unknown[][], xi: number, o: typeof DEFAULTS & AggregateOptions): ChartData {
  const notes: string[] = [];
  const agg = spec.aggregation;
  const countRows = spec.y.length === 0;
  const yIdx = countRows ? [] : spec.y.map((n) => columns.findIndex((c) => c.name === n));
  const measureNames = countRows ? ['count'] : spec.y;
  const M = measureNames.length;
  const si = spec.series ? columns.findIndex((c) => c.name === spec.series) : -1;

  const role = profileColumns([columns[xi]], rows.slice(0, 1000).map((r) => [r[xi]]))[0].role;
  const xAxis: CartesianData['xAxis'] = role === 'temporal' ? 'time' : role === 'numeric' ? 'value' : 'category';
  const parse = xAxis === 'time' ? toTime : xAxis === 'value' ? toNumber : toLabel;
  // Query results repeat x values (days, months) over many rows: parse each distinct string once.
  const parsed = new Map<unknown, string | number | null>();
  const keyOf = (v: unknown) => {
    if (typeof v !== 'string' || xAxis === 'category') return parse(v);
    let k = parsed.get(v);
    if (k === undefined) {
      k = parse(v);
      if (parsed.size < 100_000) parsed.set(v, k);
    }
    return k;
  };

  const xPos = new Map<string | number, number>();
  const xVals: (string | number)[] = [];
  const sPos = new Map<string, number>();
  const sNames: string[] = [];
  const cells: Map<number, Acc[]>[] = []; // [series] → x position → one Acc per measure
  if (si < 0) {
    // One unnamed series even for an empty result, so the legend and axes still show the measure.
    sPos.set('', 0);
    sNames.push('');
    cells.push(new Map());
  }
  let droppedX = 0;
  let nonNumeric = 0;
  let duplicates = false;

  for (let r = 0; r < rows.length; r++) {
    if ((r & (CHECK_EVERY - 1)) === 0) throwIfAborted(o.signal);
    const row = rows[r];
    const xk = keyOf(row[xi]);
    if (xk === null) {
      droppedX++;
      continue;
    }
    let xp = xPos.get(xk);
    if (xp === undefined) {
      xp = xVals.length;
      xPos.set(xk, xp);
      xVals.push(xk);
    }
    const sk = si >= 0 ? toLabel(row[si]) : '';
    let sp = si >= 0 ? sPos.get(sk) : 0;
    if (sp === undefined) {
      sp = sNames.length;
      sPos.set(sk, sp);
      sNames.push(sk);
      cells.push(new Map());
    }
    let accs = cells[sp].get(xp);
    if (!accs) {
      accs = Array.from({ length: M }, newAcc);
      cells[sp].set(xp, accs);
    } else duplicates = true;
    for (let m = 0; m < M; m++) {
      if (countRows) {
        add(accs[m], null);
        continue;
      }
      const raw = row[yIdx[m]];
      const v = toNumber(raw);
      if (v === null && raw !== null && raw !== undefined && raw !== '') nonNumeric++;
      add(accs[m], v);
    }
  }
  if (droppedX > 0) notes.push(`${fmt(droppedX)} rows with an empty or unreadable ${spec.x} were left out.`);
  if (nonNumeric > 0) notes.push(`${fmt(nonNumeric)} non-numeric values were skipped.`);
  if (duplicates && agg === 'none') notes.push(`Several rows share the same ${spec.x}; the first is shown. Pick an aggregation to combine them.`);

  // Too many series: keep the largest, fold the rest into "Other" (or drop them when there is nothing to combine).
  let seriesOrder = sNames.map((_, i) => i);
  let otherSeries: Map<number, Acc[]> | undefined;
  if (sNames.length > o.maxSeries) {
    const magnitude = (s: number) => {
      let t = 0;
      for (const accs of cells[s].values()) t += Math.abs(finish(accs[0], agg, countRows) ?? 0);
      return t;
    };
    const ranked = [...seriesOrder].sort((a, b) => magnitude(b) - magnitude(a) || a - b);
    seriesOrder = ranked.slice(0, o.maxSeries - 1).sort((a, b) => a - b);
    const rest = ranked.slice(o.maxSeries - 1);
    if (agg !== 'none') {
      otherSeries = new Map();
      for (const s of rest) {
        for (const [xp, accs] of cells[s]) {
          const into = otherSeries.get(xp) ?? Array.from({ length: M }, newAcc);
          accs.forEach((a, m) => merge(into[m], a));
          otherSeries.set(xp, into);
        }
      }
      notes.push(`${fmt(rest.length)} smaller ${spec.series} series are grouped as "${OTHER_LABEL}".`);
    } else notes.push(`Only the ${o.maxSeries - 1} largest of ${fmt(sNames.length)} ${spec.series} series are shown.`);
  }
  const seriesCells: { name: string; cells: Map<number, Acc[]> }[] = seriesOrder.map((s) => ({ name: sNames[s], cells: cells[s] }));
  if (otherSeries) seriesCells.push({ name: uniqueLabel(OTHER_LABEL, sNames), cells: otherSeries });

  // X order: time and numbers ascending; categories as the query returned them unless capped.
  let positions = xVals.map((_, i) => i);
  let otherX: Acc[][] | undefined; // [series][measure]
  if (xAxis !== 'category') {
    positions.sort((a, b) => (xVals[a] as number) - (xVals[b] as number));
  } else if (xVals.length > o.maxCategories) {
    const total = (xp: number) => {
      let t = 0;
      for (const s of seriesCells) {
        const accs = s.cells.get(xp);
        if (accs) for (const a of accs) t += Math.abs(finish(a, agg, countRows) ?? 0);
      }
      return t;
    };
    const totals = positions.map(total);
    const ranked = [...positions].sort((a, b) => totals[b] - totals[a] || a - b);
    positions = ranked.slice(0, o.maxCategories - 1);
    const rest = ranked.slice(o.maxCategories - 1);
    if (agg !== 'none') {
      otherX = seriesCells.map((s) => {
        const into = Array.from({ length: M }, newAcc);
        for (const xp of rest) s.cells.get(xp)?.forEach((a, m) => merge(into[m], a));
        return into;
      });
      notes.push(`Showing the top ${o.maxCategories - 1} of ${fmt(xVals.length)} ${spec.x} values; the other ${fmt(rest.length)} are grouped as "${OTHER_LABEL}".`);
    } else notes.push(`Showing the top ${o.maxCategories - 1} of ${fmt(xVals.length)} ${spec.x} values.`);
  }

  const x: (string | number)[] = positions.map((p) => xVals[p]);
  if (otherX) x.push(uniqueLabel(OTHER_LABEL, xVals as string[]));
  const series = seriesCells.flatMap((s, sIdx) =>
    measureNames.map((mName, m) => ({
      name: si < 0 ? mName : M === 1 ? s.name : `${s.name} · ${mName}`,
      values: [
        ...positions.map((p) => finish(s.cells.get(p)?.[m], agg, countRows)),
        ...(otherX ? [finish(otherX[sIdx][m], agg, countRows)] : []),
      ],
    })),
  );
  return { kind: spec.kind as 'line' | 'bar', xAxis, x, series, notes };
}

/** "Other", or "Other (grouped)" when a real category is already called Other. */
function uniqueLabel(label: string, existing: readonly (string | number)[]): string {
  return existing.includes(label) ? `${label} (grouped)` : label;
}

// ---- pie ----------------------------------------------------------------------------------------------------

function pie(spec: ChartSpec, columns: ChartColumn[], rows: unknown[][], xi: number, yi: number | undefined, o: typeof DEFAULTS & AggregateOptions): ChartData {
  const notes: string[] = [];
  const agg: Aggregation = spec.aggregation === 'none' ? 'sum' : spec.aggregation;
  const countRows = yi === undefined;
  if (countRows && agg !== 'count') return needs('a measure (or the count aggregation)');
  const groups = new Map<string, Acc>();
  for (let r = 0; r < rows.length; r++) {
    if ((r & (CHECK_EVERY - 1)) === 0) throwIfAborted(o.signal);
    const k = toLabel(rows[r][xi]);
    let a = groups.get(k);
    if (!a) groups.set(k, (a = newAcc()));
    add(a, countRows ? null : toNumber(rows[r][yi]));
  }
  if (spec.aggregation === 'none' && [...groups.values()].some((a) => a.rows > 1)) notes.push(`Rows with the same ${spec.x} are summed.`);
  const all = [...groups].map(([name, acc]) => ({ name, acc, value: finish(acc, agg, countRows) }));
  const drawable = all.filter((s) => s.value !== null && s.value > 0);
  const negative = all.filter((s) => s.value !== null && s.value < 0).length;
  if (negative > 0) notes.push(`${fmt(negative)} negative values cannot be pie slices and were left out; a bar chart shows them.`);
  drawable.sort((a, b) => b.value! - a.value!);
  let slices = drawable.map((s) => ({ name: s.name, value: s.value! }));
  if (drawable.length > o.maxSlices) {
    const rest = drawable.slice(o.maxSlices - 1);
    const other = newAcc();
    for (const s of rest) merge(other, s.acc);
    slices = slices.slice(0, o.maxSlices - 1);
    // min/max/avg of the rest would not be a share of the whole; the rest's sum (or count) is.
    const otherValue = agg === 'count' ? finish(other, 'count', countRows)! : rest.reduce((t, s) => t + s.value!, 0);
    slices.push({ name: uniqueLabel(OTHER_LABEL, slices.map((s) => s.name)), value: otherValue });
    notes.push(`The ${fmt(rest.length)} smallest of ${fmt(drawable.length)} slices are grouped as "${OTHER_LABEL}".`);
  }
  const data: PieData = { kind: 'pie', slices };
  return { ...data, notes };
}

// ---- scatter ------------------------------------------------------------------------------------------------

function scatter(columns: ChartColumn[], rows: unknown[][], xi: number, yIdx: number[], si: number | undefined, o: typeof DEFAULTS & AggregateOptions): ChartData {
  const notes: string[] = [];
  const num = (v: unknown) => toNumber(v) ?? toTime(v);
  const groups = new Map<string, [number, number][]>();
  let skipped = 0;
  for (let r = 0; r < rows.length; r++) {
    if ((r & (CHECK_EVERY - 1)) === 0) throwIfAborted(o.signal);
    const row = rows[r];
    const x = num(row[xi]);
    for (const yi of yIdx) {
      const y = num(row[yi]);
      if (x === null || y === null) {
        skipped++;
        continue;
      }
      const base = si !== undefined ? toLabel(row[si]) : '';
      const key = yIdx.length === 1 ? (si !== undefined ? base : columns[yi].name) : base ? `${base} · ${columns[yi].name}` : columns[yi].name;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push([x, y]);
    }
  }
  if (skipped > 0) notes.push(`${fmt(skipped)} rows without two numbers were left out.`);
  let series = [...groups].map(([name, points]) => ({ name, points }));
  if (series.length > o.maxSeries) {
    series.sort((a, b) => b.points.length - a.points.length);
    const rest = series.slice(o.maxSeries - 1);
    series = series.slice(0, o.maxSeries - 1);
    series.push({ name: uniqueLabel(OTHER_LABEL, series.map((s) => s.name)), points: rest.flatMap((s) => s.points) });
    notes.push(`${fmt(rest.length)} smaller series are grouped as "${OTHER_LABEL}".`);
  }
  const total = series.reduce((t, s) => t + s.points.length, 0);
  if (total > o.maxPoints) {
    // Even stride per series keeps each series' shape and the proportions between series.
    series = series.map((s) => ({ name: s.name, points: sampleEvenly(s.points, Math.max(1, Math.round((s.points.length * o.maxPoints) / total))) }));
    const shown = series.reduce((t, s) => t + s.points.length, 0);
    notes.push(`Showing ${fmt(shown)} of ${fmt(total)} points, sampled evenly.`);
  }
  const data: ScatterData = { kind: 'scatter', xName: columns[xi].name, yName: yIdx.map((i) => columns[i].name).join(', '), series };
  return { ...data, notes };
}

function sampleEvenly<T>(items: T[], k: number): T[] {
  if (items.length <= k) return items;
  const out: T[] = [];
  const step = items.length / k;
  for (let i = 0; i < k; i++) out.push(items[Math.floor(i * step)]);
  return out;
}

// ---- histogram ----------------------------------------------------------------------------------------------

/** 1, 2 or 5 × 10^k, the smallest such width ≥ raw: bin edges people can read. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const f = raw / base;
  const nice = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
  return nice * base;
}

/** Sturges' rule, kept between 5 and 30 bins. */
export function defaultBinCount(n: number): number {
  return Math.min(30, Math.max(5, Math.ceil(Math.log2(Math.max(1, n)) + 1)));
}

const clean = (v: number) => Number(v.toPrecision(12));

export function histogram(name: string, ci: number, rows: unknown[][], wanted?: number, signal?: AbortSignal): ChartData {
  const notes: string[] = [];
  const values: number[] = [];
  let nonNumeric = 0;
  let nulls = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < rows.length; r++) {
    if ((r & (CHECK_EVERY - 1)) === 0) throwIfAborted(signal);
    const raw = rows[r][ci];
    const v = toNumber(raw);
    if (v === null) {
      if (raw === null || raw === undefined || raw === '') nulls++;
      else nonNumeric++;
      continue;
    }
    values.push(v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (nulls > 0) notes.push(`${fmt(nulls)} empty values are not counted.`);
  if (nonNumeric > 0) notes.push(`${fmt(nonNumeric)} non-numeric values are not counted.`);
  if (values.length === 0) {
    const data: HistogramData = { kind: 'histogram', column: name, bins: [] };
    return { ...data, notes: [...notes, `${name} has no numeric values.`] };
  }
  if (min === max) {
    const data: HistogramData = { kind: 'histogram', column: name, bins: [{ from: min, to: max, count: values.length }] };
    return { ...data, notes };
  }
  const target = Math.max(1, Math.min(200, Math.round(wanted ?? defaultBinCount(values.length))));
  const step = niceStep((max - min) / target);
  const start = clean(Math.floor(min / step) * step);
  const count = Math.max(1, Math.ceil(clean((max - start) / step)));
  // The top edge belongs to the last bin; a max exactly on an edge would otherwise open an empty extra bin.
  const counts = new Array<number>(count).fill(0);
  for (const v of values) {
    // The epsilon puts values that sit on an edge (0.6 / 0.2 = 2.9999999999999996) into the bin they open.
    let b = Math.floor((v - start) / step + 1e-9);
    if (b >= count) b = count - 1;
    if (b < 0) b = 0;
    counts[b]++;
  }
  const bins = counts.map((c, i) => ({ from: clean(start + i * step), to: clean(start + (i + 1) * step), count: c }));
  const data: HistogramData = { kind: 'histogram', column: name, bins };
  return { ...data, notes };
}

// ---- KPI ----------------------------------------------------------------------------------------------------

function kpi(spec: ChartSpec, columns: ChartColumn[], rows: unknown[][], index: Map<string, number>): ChartData {
  const notes: string[] = [];
  let names = spec.y;
  if (names.length === 0) names = profileColumns(columns, rows.slice(0, 1000)).filter((p) => p.role === 'numeric').map((p) => p.name);
  if (names.length === 0) return needs('a numeric column');
  if (spec.aggregation === 'none' && rows.length > 1) notes.push(`The result has ${fmt(rows.length)} rows; the first is shown. Pick an aggregation to combine them.`);
  const values = names.map((name) => {
    const ci = index.get(name)!;
    if (spec.aggregation === 'none') return { name, value: rows.length ? toNumber(rows[0][ci]) : null };
    const acc = newAcc();
    for (const r of rows) add(acc, toNumber(r[ci]));
    return { name: spec.aggregation === 'count' ? `count(${name})` : `${spec.aggregation}(${name})`, value: finish(acc, spec.aggregation, false) };
  });
  const data: KpiData = { kind: 'kpi', values };
  return { ...data, notes };
}
