/**
 * The profile plan as SQL. Every builder takes a dialect so the same plan runs on a DuckDB table loaded from a file
 * and pushed down to PostgreSQL, Snowflake or DuckDB through the Connection contract. Queries return one row of
 * aliased aggregates (or a few rows for top values/histograms); `shape.ts` turns them into a profile.
 */
import type { ColumnKind } from './types';

export type SqlDialectName = 'duckdb' | 'postgres' | 'snowflake';

export interface SqlDialect {
  name: SqlDialectName;
  quoteIdent(name: string): string;
}

export function defaultQuoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A column as the plan sees it. */
export interface PlanColumn {
  name: string;
  type: string;
  kind: ColumnKind;
}

/** Maps a DuckDB, PostgreSQL or Snowflake type name to how it is profiled. */
export function columnKind(type: string): ColumnKind {
  const t = type.trim().toUpperCase();
  if (/\[\]$|^(STRUCT|MAP|LIST|UNION|ARRAY|OBJECT|VARIANT|JSON|BLOB|BYTEA|BINARY|VARBINARY|GEOGRAPHY|GEOMETRY|BIT)/.test(t)) return 'other';
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UHUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC|NUMBER|INT2|INT4|INT8|FLOAT4|FLOAT8|DOUBLE PRECISION|SERIAL|BIGSERIAL|SMALLSERIAL|BYTEINT|VARINT)\b/.test(t)) return 'numeric';
  if (/^(DATE|TIMESTAMP|DATETIME|TIMESTAMPTZ|TIMESTAMP_NTZ|TIMESTAMP_LTZ|TIMESTAMP_TZ|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS)\b/.test(t)) return 'temporal';
  if (/^(BOOLEAN|BOOL)\b/.test(t)) return 'boolean';
  if (/^(VARCHAR|TEXT|STRING|CHAR|CHARACTER|BPCHAR|NAME|CITEXT|UUID|ENUM|TIME)\b/.test(t)) return 'string';
  return 'other';
}

export const QUANTILE_POINTS = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** Alias of statistic `stat` of column `i` in the stats query (positional: names may hold any character). */
export function alias(i: number, stat: string): string {
  return `c${i}_${stat}`;
}

function asDouble(d: SqlDialect, expr: string): string {
  return d.name === 'snowflake' ? `CAST(${expr} AS DOUBLE)` : `CAST(${expr} AS DOUBLE PRECISION)`;
}

function asText(d: SqlDialect, expr: string): string {
  return d.name === 'postgres' ? `CAST(${expr} AS TEXT)` : `CAST(${expr} AS VARCHAR)`;
}

/** Seconds since the epoch of a date/timestamp, as a double. */
export function epochExpr(d: SqlDialect, expr: string): string {
  if (d.name === 'duckdb') return `epoch(${expr})`;
  if (d.name === 'postgres') return `EXTRACT(EPOCH FROM ${expr})::double precision`;
  return `DATE_PART(EPOCH_SECOND, ${expr})`;
}

function lengthExpr(d: SqlDialect, expr: string): string {
  return d.name === 'postgres' ? `char_length(${expr})` : `length(${expr})`;
}

function trimmedDiffers(d: SqlDialect, expr: string): string {
  return `SUM(CASE WHEN ${expr} <> ${d.name === 'postgres' ? `btrim(${expr})` : `trim(${expr})`} THEN 1 ELSE 0 END)`;
}

/** A predicate true when a text value parses as a number. */
export function numericLike(d: SqlDialect, expr: string): string {
  if (d.name === 'duckdb') return `TRY_CAST(${expr} AS DOUBLE) IS NOT NULL`;
  if (d.name === 'snowflake') return `TRY_TO_DOUBLE(${expr}) IS NOT NULL`;
  return `${expr} ~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$'`;
}

function quantileExprs(d: SqlDialect, expr: string, i: number, exact: boolean): string[] {
  const pts = QUANTILE_POINTS.join(', ');
  if (d.name === 'duckdb') {
    // One list-valued aggregate computes all five points in a single sort / digest.
    return [`${exact ? 'quantile_cont' : 'approx_quantile'}(${expr}, [${pts}]) AS ${alias(i, 'q')}`];
  }
  if (d.name === 'postgres') {
    return [`percentile_cont(ARRAY[${pts}]::float8[]) WITHIN GROUP (ORDER BY ${expr}) AS ${alias(i, 'q')}`];
  }
  // Snowflake: APPROX_PERCENTILE is a t-digest over all rows.
  return QUANTILE_POINTS.map((p, k) => `APPROX_PERCENTILE(${expr}, ${p}) AS ${alias(i, `q${k}`)}`);
}

/**
 * One scan computing, per column: non-null count, min/max, mean/stddev/quantiles (numeric), length stats, padded
 * values and numeric-looking values (strings). `total` is the row count.
 */
export function buildStatsQuery(d: SqlDialect, relation: string, columns: PlanColumn[], o: { exactQuantiles: boolean }): string {
  const parts: string[] = ['COUNT(*) AS total'];
  columns.forEach((c, i) => {
    const q = d.quoteIdent(c.name);
    parts.push(`COUNT(${q}) AS ${alias(i, 'nn')}`);
    if (c.kind === 'numeric') {
      const x = asDouble(d, q);
      parts.push(`MIN(${q}) AS ${alias(i, 'min')}`, `MAX(${q}) AS ${alias(i, 'max')}`);
      parts.push(`AVG(${x}) AS ${alias(i, 'mean')}`, `STDDEV_SAMP(${x}) AS ${alias(i, 'sd')}`);
      parts.push(...quantileExprs(d, x, i, o.exactQuantiles || d.name === 'postgres'));
    } else if (c.kind === 'temporal' || c.kind === 'boolean') {
      if (c.kind === 'boolean' && d.name === 'postgres') {
        parts.push(`bool_and(${q}) AS ${alias(i, 'min')}`, `bool_or(${q}) AS ${alias(i, 'max')}`);
      } else {
        parts.push(`MIN(${q}) AS ${alias(i, 'min')}`, `MAX(${q}) AS ${alias(i, 'max')}`);
      }
    } else if (c.kind === 'string') {
      const s = asText(d, q);
      parts.push(`MIN(${s}) AS ${alias(i, 'min')}`, `MAX(${s}) AS ${alias(i, 'max')}`);
      const len = lengthExpr(d, s);
      parts.push(`MIN(${len}) AS ${alias(i, 'lmin')}`, `MAX(${len}) AS ${alias(i, 'lmax')}`, `AVG(${len}) AS ${alias(i, 'lavg')}`);
      parts.push(`${trimmedDiffers(d, s)} AS ${alias(i, 'ws')}`);
      parts.push(`SUM(CASE WHEN ${numericLike(d, s)} THEN 1 ELSE 0 END) AS ${alias(i, 'num')}`);
    }
  });
  return `SELECT ${parts.join(',\n  ')}\nFROM ${relation}`;
}

/**
 * Exact distinct count and the 10 most frequent values of one column in one grouping: the groups are counted and
 * the top ones kept, so distinct counts cost one hash aggregate (which spills to disk in DuckDB) instead of a sketch.
 */
export function buildValuesQuery(d: SqlDialect, relation: string, column: PlanColumn, limit = 10): string {
  const q = d.quoteIdent(column.name);
  const v = column.kind === 'other' ? asText(d, q) : q;
  return [
    `WITH g AS (SELECT ${v} AS v, COUNT(*) AS n FROM ${relation} WHERE ${q} IS NOT NULL GROUP BY ${v})`,
    `SELECT v, n, (SELECT COUNT(*) FROM g) AS d FROM g ORDER BY n DESC, v LIMIT ${limit}`,
  ].join('\n');
}

export interface HistogramSpec {
  index: number;
  column: PlanColumn;
  /** Lower edge of bin 0, in the histogram unit (number, or epoch seconds). */
  min: number;
  width: number;
  bins: number;
  /** IQR fences for outliers (numeric only). */
  fences?: { low: number; high: number };
}

/** Equal-width bins computed from min/max: integer columns with a small range get one bin per value. */
export function histogramSpec(index: number, column: PlanColumn, min: number, max: number, maxBins: number, integer: boolean): HistogramSpec | null {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  if (max === min) return { index, column, min, width: 1, bins: 1 };
  if (integer && max - min + 1 <= maxBins) return { index, column, min, width: 1, bins: max - min + 1 };
  return { index, column, min, width: (max - min) / maxBins, bins: maxBins };
}

/** All histograms (and IQR outlier counts) in one statement: one UNION ALL branch per column. */
export function buildHistogramQuery(d: SqlDialect, relation: string, specs: HistogramSpec[]): string {
  const branches = specs.map((s) => {
    const q = d.quoteIdent(s.column.name);
    const x = s.column.kind === 'temporal' ? epochExpr(d, q) : asDouble(d, q);
    const bin = `LEAST(FLOOR((${x} - (${s.min})) / (${s.width})), ${s.bins - 1})`;
    const out = s.fences ? `SUM(CASE WHEN ${x} < ${s.fences.low} OR ${x} > ${s.fences.high} THEN 1 ELSE 0 END)` : '0';
    return `SELECT ${s.index} AS col, ${bin} AS bin, COUNT(*) AS n, ${out} AS outliers FROM ${relation} WHERE ${q} IS NOT NULL GROUP BY ${bin}`;
  });
  return branches.join('\nUNION ALL\n');
}

/** Rows that are an exact copy of an earlier row. */
export function buildDuplicatesQuery(d: SqlDialect, relation: string, columns: PlanColumn[]): string {
  if (d.name === 'duckdb') {
    // A 64-bit hash per row: collisions are ~n²/2⁶⁵ (≈3·10⁻⁶ for 10M rows) and the aggregate stays small.
    const cols = columns.map((c) => d.quoteIdent(c.name)).join(', ');
    return `SELECT COUNT(*) - COUNT(DISTINCT hash(${cols})) AS dup FROM ${relation}`;
  }
  if (d.name === 'snowflake') return `SELECT COUNT(*) - COUNT(DISTINCT HASH(*)) AS dup FROM ${relation}`;
  return `SELECT (SELECT COUNT(*) FROM ${relation}) - (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM ${relation}) AS d) AS dup`;
}

/** Values of a low-cardinality text column that differ only in case or surrounding spaces. */
export function buildMixedCaseQuery(d: SqlDialect, relation: string, column: PlanColumn): string {
  const s = asText(d, d.quoteIdent(column.name));
  const key = d.name === 'postgres' ? `lower(btrim(${s}))` : `lower(trim(${s}))`;
  return `SELECT ${key} AS k, COUNT(DISTINCT ${s}) AS variants, MIN(${s}) AS a, MAX(${s}) AS b FROM ${relation} WHERE ${s} IS NOT NULL GROUP BY ${key} HAVING COUNT(DISTINCT ${s}) > 1 ORDER BY 2 DESC, 1 LIMIT 5`;
}

/** Examples of text values that are not numbers, in a column that is otherwise numeric. */
export function buildNonNumericExamplesQuery(d: SqlDialect, relation: string, column: PlanColumn, limit = 5): string {
  const s = asText(d, d.quoteIdent(column.name));
  return `SELECT DISTINCT ${s} AS v FROM ${relation} WHERE ${s} IS NOT NULL AND NOT (${numericLike(d, s)}) LIMIT ${limit}`;
}
