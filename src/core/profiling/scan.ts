/**
 * The single-scan plan for files in DuckDB. Parsing the file is the expensive part (SUMMARIZE parses once, then
 * digests every column three times for its quantiles), so the file is read ONCE: a GROUPING SETS pass groups every
 * column by value, plus a hash of each whole row, into a temp table of (value, count) per column. Every statistic is
 * then computed exactly from those groups, whose size is the number of distinct values, not rows: null count,
 * distinct count, min/max, mean/stddev and quantiles weighted by counts, top values, histograms, IQR outliers,
 * string lengths, padded and numeric-looking values, case variants and duplicate rows. DuckDB spills the grouping
 * and the temp table to disk under its memory limit, so a 10M-row file stays within a few hundred MB.
 */
import { throwIfAborted } from '../errors';
import { emptyColumn, isIntegerType, temporalToEpoch, toNumber, type RelationProfile, type SqlRunner } from './engine';
import { QUANTILE_POINTS, histogramSpec, numericLike, type HistogramSpec, type PlanColumn } from './sql';
import type { ColumnProfile, HistogramBin, ProfilePhase, Quantiles } from './types';

/** DuckDB caps GROUPING at 64 arguments; wider files are grouped in several passes of this many columns. */
export const MAX_COLUMNS_PER_PASS = 32;

export interface ScanOptions {
  bins: number;
  signal?: AbortSignal;
  /** Called after each phase with the columns as known so far. */
  onPhase?: (phase: ProfilePhase, columns: ColumnProfile[], rowCount: number) => void;
}

/** Where the groups of one column live: its batch table, its grouping id there and its positional alias. */
export interface Slot {
  table: string;
  gid: number;
  alias: string;
}

const ROW_HASH = 'h';

/** The grouped value of a column: nested and binary values are grouped by their text. */
function groupExpr(q: (n: string) => string, c: PlanColumn): string {
  return c.kind === 'other' ? `CAST(${q(c.name)} AS VARCHAR)` : q(c.name);
}

/**
 * One pass over `reader` creating `table` with columns gid, c0…c(n-1), [h], n: each row is one distinct value of
 * one column (the others NULL) or, for h, one row hash seen more than once.
 */
export function buildGroupsQuery(table: string, reader: string, all: PlanColumn[], batch: PlanColumn[], q: (n: string) => string, withRowHash: boolean): string {
  const aliases = batch.map((_, j) => `c${j}`);
  const keys = withRowHash ? [...aliases, ROW_HASH] : aliases;
  const proj = batch.map((c, j) => `${groupExpr(q, c)} AS ${aliases[j]}`);
  if (withRowHash) proj.push(`hash(${all.map((c) => q(c.name)).join(', ')}) AS ${ROW_HASH}`);
  const gid = `grouping_id(${keys.join(', ')})`;
  // Only repeated row hashes are kept: the duplicate count needs no more, and unique rows would double the table.
  const having = withRowHash ? `\nHAVING ${gid} <> ${groupingId(keys.length, keys.length - 1)} OR COUNT(*) > 1` : '';
  return [
    `CREATE TEMP TABLE ${table} AS`,
    `SELECT ${gid} AS gid, ${keys.join(', ')}, COUNT(*) AS n`,
    `FROM (SELECT ${proj.join(', ')} FROM ${reader})`,
    `GROUP BY GROUPING SETS (${keys.map((k) => `(${k})`).join(', ')})${having}`,
  ].join('\n');
}

/** grouping_id of the set that groups only key `j` of `m`: every other key's bit is set (first key = high bit). */
export function groupingId(m: number, j: number): number {
  return 2 ** m - 1 - 2 ** (m - 1 - j);
}

function groupsOf(s: Slot, where = ''): string {
  return `(SELECT ${s.alias} AS v, n FROM ${s.table} WHERE gid = ${s.gid}${where ? ` AND ${where}` : ''})`;
}

/** Counts, min/max, the weighted mean and (text) lengths, padding and numeric-looking values: one row. */
export function buildGroupStatsQuery(s: Slot, c: PlanColumn): string {
  const parts = ['COALESCE(SUM(n), 0) AS total', 'COALESCE(SUM(n) FILTER (WHERE v IS NOT NULL), 0) AS nn', 'COUNT(v) AS d'];
  if (c.kind !== 'other') parts.push('MIN(v) AS min', 'MAX(v) AS max');
  if (c.kind === 'numeric') parts.push('SUM(n * CAST(v AS DOUBLE)) / SUM(n) FILTER (WHERE v IS NOT NULL) AS mean');
  if (c.kind === 'string') {
    const t = 'CAST(v AS VARCHAR)';
    parts.push(
      `MIN(length(${t})) AS lmin`,
      `MAX(length(${t})) AS lmax`,
      `SUM(n * length(${t})) / SUM(n) FILTER (WHERE v IS NOT NULL) AS lavg`,
      `COALESCE(SUM(n) FILTER (WHERE ${t} <> trim(${t})), 0) AS ws`,
      `COALESCE(SUM(n) FILTER (WHERE ${numericLike({ name: 'duckdb', quoteIdent: (x) => x }, t)}), 0) AS num`,
    );
  }
  return `SELECT ${parts.join(', ')} FROM ${groupsOf(s)}`;
}

/** Quantile positions as quantile_cont defines them: (N−1)·p between the floor and ceiling ranks. */
function ranks(nn: number): { h: number; lo: number; hi: number }[] {
  return QUANTILE_POINTS.map((p) => {
    const h = (nn - 1) * p;
    return { h, lo: Math.floor(h), hi: Math.ceil(h) };
  });
}

/**
 * Standard deviation around a known mean and the values at the quantile ranks, from a running count over the
 * values in order: exact, like quantile_cont over every row, at the cost of sorting the distinct values only.
 */
export function buildSpreadQuery(s: Slot, nn: number, mean: number): string {
  const r = ranks(nn);
  const at = r.flatMap((x, k) => [`MIN(x) FILTER (WHERE cum > ${x.lo}) AS q${k}lo`, `MIN(x) FILTER (WHERE cum > ${x.hi}) AS q${k}hi`]);
  const sd = nn > 1 ? `SQRT(SUM(n * (x - (${mean})) * (x - (${mean}))) / ${nn - 1}) AS sd` : 'NULL AS sd';
  return [
    `SELECT ${sd}, ${at.join(', ')}`,
    `FROM (SELECT CAST(v AS DOUBLE) AS x, n, SUM(n) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum FROM ${groupsOf(s, `${s.alias} IS NOT NULL`)})`,
  ].join('\n');
}

function readSpread(row: Record<string, unknown> | undefined, nn: number): { sd: number | null; quantiles: Quantiles | null } {
  if (!row || nn === 0) return { sd: null, quantiles: null };
  const vals = ranks(nn).map((x, k) => {
    const lo = toNumber(row[`q${k}lo`]);
    const hi = toNumber(row[`q${k}hi`]);
    if (lo === null || hi === null) return lo ?? hi;
    return lo + (hi - lo) * (x.h - x.lo);
  });
  return { sd: toNumber(row.sd), quantiles: { p5: vals[0], p25: vals[1], p50: vals[2], p75: vals[3], p95: vals[4] } };
}

/** Bin counts (and IQR outliers) weighted by the group counts. */
export function buildGroupHistogramQuery(s: Slot, spec: HistogramSpec): string {
  const x = spec.column.kind === 'temporal' ? 'epoch(v)' : 'CAST(v AS DOUBLE)';
  const bin = `LEAST(FLOOR((x - (${spec.min})) / (${spec.width})), ${spec.bins - 1})`;
  const out = spec.fences ? `COALESCE(SUM(n) FILTER (WHERE x < ${spec.fences.low} OR x > ${spec.fences.high}), 0)` : '0';
  return `SELECT ${bin} AS bin, SUM(n) AS n, ${out} AS outliers FROM (SELECT ${x} AS x, n FROM ${groupsOf(s, `${s.alias} IS NOT NULL`)}) GROUP BY bin`;
}

export function buildTopValuesQuery(s: Slot, limit = 10): string {
  return `SELECT v, n FROM ${groupsOf(s, `${s.alias} IS NOT NULL`)} ORDER BY n DESC, v LIMIT ${limit}`;
}

/** Values that differ only in case or surrounding spaces; the groups are distinct values, so COUNT(*) counts variants. */
export function buildGroupMixedCaseQuery(s: Slot): string {
  const t = 'CAST(v AS VARCHAR)';
  return `SELECT lower(trim(${t})) AS k, COUNT(*) AS variants, MIN(${t}) AS a, MAX(${t}) AS b FROM ${groupsOf(s, `${s.alias} IS NOT NULL`)} GROUP BY k HAVING COUNT(*) > 1 ORDER BY 2 DESC, 1 LIMIT 5`;
}

export function buildGroupNonNumericQuery(s: Slot, limit = 5): string {
  const t = 'CAST(v AS VARCHAR)';
  return `SELECT ${t} AS v FROM ${groupsOf(s, `${s.alias} IS NOT NULL`)} WHERE TRY_CAST(${t} AS DOUBLE) IS NULL ORDER BY n DESC, v LIMIT ${limit}`;
}

function count(v: unknown): number {
  return toNumber(v) ?? 0;
}

function elapsed(start: number): number {
  return Math.round(performance.now() - start);
}

/** The grouped file: where each column's groups are, the row count and where repeated row hashes are. */
export interface Groups {
  slots: Slot[];
  rowCount: number;
  /** The table and grouping id of the repeated row hashes, when duplicates are counted. */
  rowHash?: { table: string; gid: number };
}

/** Reads `reader` (a DuckDB FROM-clause text) once per 32 columns, grouping every column by value. */
export async function scanGroups(db: SqlRunner, reader: string, planColumns: PlanColumn[], o: { signal?: AbortSignal; skipDuplicates?: boolean } = {}): Promise<Groups> {
  const q = (n: string) => db.dialect.quoteIdent(n);
  const withDup = !o.skipDuplicates && planColumns.length > 0;
  const slots: Slot[] = [];
  let rowHash: Groups['rowHash'];
  for (let b = 0; b * MAX_COLUMNS_PER_PASS < planColumns.length; b++) {
    throwIfAborted(o.signal);
    const batch = planColumns.slice(b * MAX_COLUMNS_PER_PASS, (b + 1) * MAX_COLUMNS_PER_PASS);
    const table = `profile_groups_${b}`;
    const hashed = withDup && b === 0;
    await db.query(buildGroupsQuery(table, reader, planColumns, batch, q, hashed), o.signal);
    const m = batch.length + (hashed ? 1 : 0);
    batch.forEach((_, j) => slots.push({ table, gid: groupingId(m, j), alias: `c${j}` }));
    if (hashed) rowHash = { table, gid: groupingId(m, m - 1) };
  }
  const [r] = slots.length
    ? await db.query(`SELECT COALESCE(SUM(n), 0) AS n FROM ${slots[0].table} WHERE gid = ${slots[0].gid}`, o.signal)
    : await db.query(`SELECT COUNT(*) AS n FROM ${reader}`, o.signal);
  return { slots, rowCount: count(r?.n), rowHash };
}

/** Every statistic of every column from the groups of `scanGroups`, phase by phase. */
export async function profileGroups(db: SqlRunner, groups: Groups, planColumns: PlanColumn[], o: ScanOptions): Promise<RelationProfile> {
  const timings: Record<string, number> = {};
  const columns = planColumns.map(emptyColumn);
  const { slots, rowCount } = groups;
  let t: number;

  // Phase: per-column statistics from the groups.
  t = performance.now();
  const nonNull: number[] = [];
  for (const [i, c] of planColumns.entries()) {
    throwIfAborted(o.signal);
    const col = columns[i];
    const [s] = await db.query(buildGroupStatsQuery(slots[i], c), o.signal);
    const nn = count(s?.nn);
    nonNull.push(nn);
    col.nullCount = rowCount - nn;
    col.nullPercent = rowCount ? (100 * col.nullCount) / rowCount : 0;
    col.distinctCount = count(s?.d);
    col.min = s?.min ?? null;
    col.max = s?.max ?? null;
    if (c.kind === 'numeric') {
      col.min = toNumber(col.min) ?? col.min;
      col.max = toNumber(col.max) ?? col.max;
      col.mean = toNumber(s?.mean);
      col.quantileMethod = 'exact';
      if (nn > 0 && col.mean !== null) {
        const [sp] = await db.query(buildSpreadQuery(slots[i], nn, col.mean), o.signal);
        const spread = readSpread(sp, nn);
        col.stddev = spread.sd;
        col.quantiles = spread.quantiles;
      }
    }
    if (c.kind === 'string') {
      col.stringLength = { min: toNumber(s?.lmin), max: toNumber(s?.lmax), mean: toNumber(s?.lavg) };
      col.whitespaceCount = count(s?.ws);
      col.numericLikeCount = count(s?.num);
    }
  }
  timings.stats = elapsed(t);
  o.onPhase?.('stats', columns, rowCount);

  // Phase: top values.
  t = performance.now();
  for (const [i, c] of planColumns.entries()) {
    throwIfAborted(o.signal);
    if (nonNull[i] === 0) continue;
    const rows = await db.query(buildTopValuesQuery(slots[i]), o.signal);
    columns[i].topValues = rows.map((r) => ({ value: c.kind === 'numeric' ? (toNumber(r.v) ?? r.v) : r.v, count: count(r.n) }));
  }
  timings.values = elapsed(t);
  o.onPhase?.('values', columns, rowCount);

  // Phase: histograms and IQR outliers.
  t = performance.now();
  for (const [i, c] of planColumns.entries()) {
    throwIfAborted(o.signal);
    const col = columns[i];
    if (nonNull[i] === 0) continue;
    let spec: HistogramSpec | null = null;
    if (c.kind === 'numeric') {
      const lo = toNumber(col.min);
      const hi = toNumber(col.max);
      if (lo === null || hi === null) continue;
      spec = histogramSpec(i, c, lo, hi, o.bins, isIntegerType(c.type));
      const qt = col.quantiles;
      if (spec && qt && qt.p25 !== null && qt.p75 !== null) {
        const iqr = Number(qt.p75) - Number(qt.p25);
        spec.fences = { low: Number(qt.p25) - 1.5 * iqr, high: Number(qt.p75) + 1.5 * iqr };
      }
    } else if (c.kind === 'temporal') {
      const lo = temporalToEpoch(col.min);
      const hi = temporalToEpoch(col.max);
      if (lo === null || hi === null) continue;
      spec = histogramSpec(i, c, lo, hi, o.bins, false);
    }
    if (!spec) continue;
    const bins: HistogramBin[] = Array.from({ length: spec.bins }, (_, b) => ({ lower: spec.min + b * spec.width, upper: spec.min + (b + 1) * spec.width, count: 0 }));
    let outliers = 0;
    for (const r of await db.query(buildGroupHistogramQuery(slots[i], spec), o.signal)) {
      const b = toNumber(r.bin);
      if (b === null) continue;
      bins[Math.max(0, Math.min(bins.length - 1, b))].count += count(r.n);
      outliers += count(r.outliers);
    }
    col.histogram = bins;
    if (spec.fences) col.outlierCount = outliers;
    if (c.kind === 'temporal') col.histogramUnit = 'epoch-seconds';
  }
  timings.histograms = elapsed(t);
  o.onPhase?.('histograms', columns, rowCount);

  // Evidence for findings.
  t = performance.now();
  let duplicateRowCount: number | null = null;
  if (groups.rowHash && rowCount > 1) {
    const [d] = await db.query(`SELECT COALESCE(SUM(n - 1), 0) AS dup FROM ${groups.rowHash.table} WHERE gid = ${groups.rowHash.gid}`, o.signal);
    duplicateRowCount = count(d?.dup);
  }
  const mixedCase: Record<string, string[][]> = {};
  const nonNumericExamples: Record<string, string[]> = {};
  for (const [i, c] of planColumns.entries()) {
    throwIfAborted(o.signal);
    const col = columns[i];
    const nn = nonNull[i];
    if (c.kind !== 'string' || nn === 0) continue;
    if (col.distinctCount >= 2 && col.distinctCount <= 1000) {
      const rows = await db.query(buildGroupMixedCaseQuery(slots[i]), o.signal);
      if (rows.length) mixedCase[c.name] = rows.map((r) => [String(r.a), String(r.b)]);
    }
    const numeric = col.numericLikeCount ?? 0;
    if (numeric >= 0.8 * nn && numeric < nn) {
      const rows = await db.query(buildGroupNonNumericQuery(slots[i]), o.signal);
      nonNumericExamples[c.name] = rows.map((r) => String(r.v));
    }
  }
  timings.evidence = elapsed(t);
  return { rowCount, columns, duplicateRowCount, mixedCase, nonNumericExamples, timings };
}
