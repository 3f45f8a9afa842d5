/**
 * The single-scan plan for files in DuckDB. Parsing the file is the expensive part (SUMMARIZE parses it once too,
 * then keeps a HyperLogLog and three t-digests per column), so the file is read ONCE: a GROUPING SETS pass groups every
 * column by value, plus a hash of each whole row, into a temp table of (value, count) per column. Every statistic is
 * then computed exactly from those groups, whose size is the number of distinct values, not rows: null count,
 * distinct count, min/max, mean/stddev and quantiles weighted by counts, top values, histograms, IQR outliers,
 * string lengths, padded and numeric-looking values, case variants and duplicate rows. DuckDB spills the grouping
 * and the temp table to disk under its memory limit, so a 10M-row file stays within a few hundred MB.
 */
import { throwIfAborted } from '../errors';
import { emptyColumn, isIntegerType, temporalToEpoch, toNumber, type RelationProfile, type SqlRunner } from './engine';
import { QUANTILE_POINTS, alias, histogramSpec, numericLike, type HistogramSpec, type PlanColumn } from './sql';
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

function groupsOf(s: Slot, nonNull = false): string {
  return `(SELECT ${s.alias} AS v, n FROM ${s.table} WHERE gid = ${s.gid}${nonNull ? ` AND ${s.alias} IS NOT NULL` : ''})`;
}

/**
 * Per-column queries are combined into one statement per phase (planning ~50 small statements cost more than
 * running them), in chunks: every part holds its own operators' memory, and 200 at once do not fit the limit.
 */
const PARTS_PER_STATEMENT = 16;

/** One-row queries side by side (aliases prefixed with the column's position), merged into one row. */
async function sideBySide(db: SqlRunner, parts: string[], signal?: AbortSignal): Promise<Record<string, unknown>> {
  const row: Record<string, unknown> = {};
  for (let k = 0; k < parts.length; k += PARTS_PER_STATEMENT) {
    throwIfAborted(signal);
    const chunk = parts.slice(k, k + PARTS_PER_STATEMENT);
    const [r] = await db.query(`SELECT * FROM ${chunk.map((p, j) => `(${p}) AS s${j}`).join(' CROSS JOIN ')}`, signal);
    Object.assign(row, r);
  }
  return row;
}

/** Scalar expressions (`expr AS alias`) in one row, chunked like sideBySide. */
async function scalars(db: SqlRunner, exprs: string[], signal?: AbortSignal): Promise<Record<string, unknown>> {
  return sideBySide(db, exprs.map((e) => `SELECT ${e}`), signal);
}

/** Counts, min/max, the weighted mean and (text) lengths, padding and numeric-looking values: one row. */
export function buildGroupStatsQuery(s: Slot, c: PlanColumn, i: number): string {
  const a = (stat: string) => alias(i, stat);
  const parts = [`COALESCE(SUM(n), 0) AS ${a('total')}`, `COALESCE(SUM(n) FILTER (WHERE v IS NOT NULL), 0) AS ${a('nn')}`, `COUNT(v) AS ${a('d')}`];
  if (c.kind !== 'other') parts.push(`MIN(v) AS ${a('min')}`, `MAX(v) AS ${a('max')}`);
  if (c.kind === 'numeric') parts.push(`SUM(n * CAST(v AS DOUBLE)) / SUM(n) FILTER (WHERE v IS NOT NULL) AS ${a('mean')}`);
  if (c.kind === 'string') {
    const t = 'CAST(v AS VARCHAR)';
    parts.push(
      `MIN(length(${t})) AS ${a('lmin')}`,
      `MAX(length(${t})) AS ${a('lmax')}`,
      `SUM(n * length(${t})) / SUM(n) FILTER (WHERE v IS NOT NULL) AS ${a('lavg')}`,
      `COALESCE(SUM(n) FILTER (WHERE ${t} <> trim(${t})), 0) AS ${a('ws')}`,
      `COALESCE(SUM(n) FILTER (WHERE ${numericLike({ name: 'duckdb', quoteIdent: (x) => x }, t)}), 0) AS ${a('num')}`,
    );
  }
  // The 10 most frequent values ride along: a top-N over the groups, kept as a list of {v, n}.
  const top = `SELECT v, n FROM ${groupsOf(s, true)} ORDER BY n DESC, v LIMIT 10`;
  parts.push(`(SELECT list({'v': v, 'n': n} ORDER BY n DESC, v) FROM (${top})) AS ${a('top')}`);
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
export function buildSpreadQuery(s: Slot, i: number, nn: number, mean: number): string {
  const a = (stat: string) => alias(i, stat);
  const at = ranks(nn).flatMap((x, k) => [`MIN(x) FILTER (WHERE cum > ${x.lo}) AS ${a(`q${k}lo`)}`, `MIN(x) FILTER (WHERE cum > ${x.hi}) AS ${a(`q${k}hi`)}`]);
  const sd = nn > 1 ? `SQRT(SUM(n * (x - (${mean})) * (x - (${mean}))) / ${nn - 1})` : 'NULL';
  return [
    `SELECT ${sd} AS ${a('sd')}, ${at.join(', ')}`,
    `FROM (SELECT CAST(v AS DOUBLE) AS x, n, SUM(n) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum FROM ${groupsOf(s, true)})`,
  ].join('\n');
}

function readSpread(row: Record<string, unknown>, i: number, nn: number): { sd: number | null; quantiles: Quantiles | null } {
  const vals = ranks(nn).map((x, k) => {
    const lo = toNumber(row[alias(i, `q${k}lo`)]);
    const hi = toNumber(row[alias(i, `q${k}hi`)]);
    if (lo === null || hi === null) return lo ?? hi;
    return lo + (hi - lo) * (x.h - x.lo);
  });
  return { sd: toNumber(row[alias(i, 'sd')]), quantiles: { p5: vals[0], p25: vals[1], p50: vals[2], p75: vals[3], p95: vals[4] } };
}

/** Bin counts (and IQR outliers) weighted by the group counts, as a list of {b, n, o}. */
export function buildGroupHistogramExpr(s: Slot, spec: HistogramSpec): string {
  const x = spec.column.kind === 'temporal' ? 'epoch(v)' : 'CAST(v AS DOUBLE)';
  const bin = `LEAST(FLOOR((x - (${spec.min})) / (${spec.width})), ${spec.bins - 1})`;
  const out = spec.fences ? `COALESCE(SUM(n) FILTER (WHERE x < ${spec.fences.low} OR x > ${spec.fences.high}), 0)` : '0';
  const bins = `SELECT ${bin} AS b, SUM(n) AS n, ${out} AS o FROM (SELECT ${x} AS x, n FROM ${groupsOf(s, true)}) GROUP BY b`;
  return `(SELECT list({'b': b, 'n': n, 'o': o}) FROM (${bins}))`;
}

/** Values that differ only in case or surrounding spaces (the groups are distinct values, so COUNT(*) counts variants). */
export function buildGroupMixedCaseExpr(s: Slot): string {
  const t = 'CAST(v AS VARCHAR)';
  const variants = `SELECT lower(trim(${t})) AS k, COUNT(*) AS variants, MIN(${t}) AS a, MAX(${t}) AS b FROM ${groupsOf(s, true)} GROUP BY k HAVING COUNT(*) > 1 ORDER BY 2 DESC, 1 LIMIT 5`;
  return `(SELECT list({'a': a, 'b': b} ORDER BY variants DESC, k) FROM (${variants}))`;
}

/** The most frequent values that are not numbers, in a text column that is otherwise numeric. */
export function buildGroupNonNumericExpr(s: Slot, limit = 5): string {
  const t = 'CAST(v AS VARCHAR)';
  const bad = `SELECT ${t} AS v, n FROM ${groupsOf(s, true)} WHERE TRY_CAST(${t} AS DOUBLE) IS NULL ORDER BY n DESC, v LIMIT ${limit}`;
  return `(SELECT list(v ORDER BY n DESC, v) FROM (${bad}))`;
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

/** DuckDB could not fit a grouping pass in its memory limit (it spills, but every grouping set keeps a minimum). */
function outOfMemory(err: unknown): boolean {
  return err instanceof Error && /out of memory|failed to (pin|allocate)|could not allocate/i.test(err.message);
}

interface Pass {
  /** Positions in planColumns. */
  columns: number[];
  hashed: boolean;
}

/**
 * Reads `reader` (a DuckDB FROM-clause text) once per 32 columns, grouping every column by value. A pass that
 * does not fit the memory limit (many high-cardinality columns in a big file) is split in two and read again,
 * down to one column per pass: slower, but the profile completes within the limit.
 */
export async function scanGroups(db: SqlRunner, reader: string, planColumns: PlanColumn[], o: { signal?: AbortSignal; skipDuplicates?: boolean } = {}): Promise<Groups> {
  const q = (n: string) => db.dialect.quoteIdent(n);
  const slots: Slot[] = [];
  let rowHash: Groups['rowHash'];
  const positions = planColumns.map((_, i) => i);
  const passes: Pass[] = [];
  for (let b = 0; b * MAX_COLUMNS_PER_PASS < positions.length; b++) passes.push({ columns: positions.slice(b * MAX_COLUMNS_PER_PASS, (b + 1) * MAX_COLUMNS_PER_PASS), hashed: false });
  if (passes.length && !o.skipDuplicates) passes[0].hashed = true;
  for (let n = 0; passes.length; n++) {
    throwIfAborted(o.signal);
    const pass = passes.shift()!;
    const table = `profile_groups_${n}`;
    try {
      await db.query(buildGroupsQuery(table, reader, planColumns, pass.columns.map((i) => planColumns[i]), q, pass.hashed), o.signal);
    } catch (err) {
      if (!outOfMemory(err) || pass.columns.length + (pass.hashed ? 1 : 0) <= 1) throw err;
      await db.query(`DROP TABLE IF EXISTS ${table}`, o.signal);
      const half = Math.ceil(pass.columns.length / 2);
      const split: Pass[] =
        pass.columns.length > 1
          ? [{ columns: pass.columns.slice(0, half), hashed: pass.hashed }, { columns: pass.columns.slice(half), hashed: false }]
          : [{ columns: pass.columns, hashed: false }, { columns: [], hashed: true }];
      passes.unshift(...split);
      continue;
    }
    const m = pass.columns.length + (pass.hashed ? 1 : 0);
    pass.columns.forEach((i, j) => (slots[i] = { table, gid: groupingId(m, j), alias: `c${j}` }));
    if (pass.hashed) rowHash = { table, gid: groupingId(m, m - 1) };
  }
  const [r] = slots.length
    ? await db.query(`SELECT COALESCE(SUM(n), 0) AS n FROM ${slots[0].table} WHERE gid = ${slots[0].gid}`, o.signal)
    : await db.query(`SELECT COUNT(*) AS n FROM ${reader}`, o.signal);
  return { slots, rowCount: count(r?.n), rowHash };
}

/** Every statistic of every column from the groups of `scanGroups`, in four statements. */
export async function profileGroups(db: SqlRunner, groups: Groups, planColumns: PlanColumn[], o: ScanOptions): Promise<RelationProfile> {
  const timings: Record<string, number> = {};
  const columns = planColumns.map(emptyColumn);
  const { slots, rowCount } = groups;
  const nonNull = planColumns.map(() => 0);
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);

  // Phase: statistics and top values, then spread and quantiles of numeric columns.
  let t = performance.now();
  const stats = await sideBySide(db, planColumns.map((c, i) => buildGroupStatsQuery(slots[i], c, i)), o.signal);
  const spreads: string[] = [];
  for (const [i, c] of planColumns.entries()) {
    const col = columns[i];
    const a = (stat: string) => stats[alias(i, stat)];
    const nn = count(a('nn'));
    nonNull[i] = nn;
    col.nullCount = rowCount - nn;
    col.nullPercent = rowCount ? (100 * col.nullCount) / rowCount : 0;
    col.distinctCount = count(a('d'));
    col.min = a('min') ?? null;
    col.max = a('max') ?? null;
    col.topValues = list(a('top')).map((r) => ({ value: c.kind === 'numeric' ? (toNumber(r.v) ?? r.v) : r.v, count: count(r.n) }));
    if (c.kind === 'numeric') {
      col.min = toNumber(col.min) ?? col.min;
      col.max = toNumber(col.max) ?? col.max;
      col.mean = toNumber(a('mean'));
      col.quantileMethod = 'exact';
      if (nn > 0 && col.mean !== null) spreads.push(buildSpreadQuery(slots[i], i, nn, col.mean));
    }
    if (c.kind === 'string') {
      col.stringLength = { min: toNumber(a('lmin')), max: toNumber(a('lmax')), mean: toNumber(a('lavg')) };
      col.whitespaceCount = count(a('ws'));
      col.numericLikeCount = count(a('num'));
    }
  }
  if (spreads.length) {
    throwIfAborted(o.signal);
    const row = await sideBySide(db, spreads, o.signal);
    planColumns.forEach((c, i) => {
      if (c.kind !== 'numeric' || !(alias(i, 'sd') in row)) return;
      const spread = readSpread(row, i, nonNull[i]);
      columns[i].stddev = spread.sd;
      columns[i].quantiles = spread.quantiles;
    });
  }
  timings.stats = elapsed(t);
  o.onPhase?.('stats', columns, rowCount);
  o.onPhase?.('values', columns, rowCount);
  throwIfAborted(o.signal);

  // Phase: histograms and IQR outliers.
  t = performance.now();
  const specs: HistogramSpec[] = [];
  for (const [i, c] of planColumns.entries()) {
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
    if (spec) specs.push(spec);
  }
  if (specs.length) {
    const row = await scalars(db, specs.map((sp) => `${buildGroupHistogramExpr(slots[sp.index], sp)} AS ${alias(sp.index, 'hist')}`), o.signal);
    for (const spec of specs) {
      const col = columns[spec.index];
      const bins: HistogramBin[] = Array.from({ length: spec.bins }, (_, b) => ({ lower: spec.min + b * spec.width, upper: spec.min + (b + 1) * spec.width, count: 0 }));
      let outliers = 0;
      for (const r of list(row[alias(spec.index, 'hist')])) {
        const b = toNumber(r.b);
        if (b === null) continue;
        bins[Math.max(0, Math.min(bins.length - 1, b))].count += count(r.n);
        outliers += count(r.o);
      }
      col.histogram = bins;
      if (spec.fences) col.outlierCount = outliers;
      if (spec.column.kind === 'temporal') col.histogramUnit = 'epoch-seconds';
    }
  }
  timings.histograms = elapsed(t);
  o.onPhase?.('histograms', columns, rowCount);
  throwIfAborted(o.signal);

  // Evidence for findings: duplicate rows, case variants, non-numbers in numeric-looking text.
  t = performance.now();
  const evidence: string[] = [];
  if (groups.rowHash && rowCount > 1) evidence.push(`(SELECT COALESCE(SUM(n - 1), 0) FROM ${groups.rowHash.table} WHERE gid = ${groups.rowHash.gid}) AS dup`);
  for (const [i, c] of planColumns.entries()) {
    const col = columns[i];
    const nn = nonNull[i];
    if (c.kind !== 'string' || nn === 0) continue;
    if (col.distinctCount >= 2 && col.distinctCount <= 1000) evidence.push(`${buildGroupMixedCaseExpr(slots[i])} AS ${alias(i, 'mixed')}`);
    const numeric = col.numericLikeCount ?? 0;
    if (numeric >= 0.8 * nn && numeric < nn) evidence.push(`${buildGroupNonNumericExpr(slots[i])} AS ${alias(i, 'bad')}`);
  }
  const ev = evidence.length ? await scalars(db, evidence, o.signal) : undefined;
  const duplicateRowCount = ev && 'dup' in ev ? count(ev.dup) : null;
  const mixedCase: Record<string, string[][]> = {};
  const nonNumericExamples: Record<string, string[]> = {};
  planColumns.forEach((c, i) => {
    const mixed = list(ev?.[alias(i, 'mixed')]);
    if (mixed.length) mixedCase[c.name] = mixed.map((r) => [String(r.a), String(r.b)]);
    if (ev && alias(i, 'bad') in ev) nonNumericExamples[c.name] = (Array.isArray(ev[alias(i, 'bad')]) ? (ev[alias(i, 'bad')] as unknown[]) : []).map(String);
  });
  timings.evidence = elapsed(t);
  return { rowCount, columns, duplicateRowCount, mixedCase, nonNumericExamples, timings };
}
