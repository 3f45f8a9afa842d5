/**
 * Column roles for charting, from the database type name first (DuckDB, PostgreSQL and Snowflake spellings) and
 * from the values when the type says nothing definite (text, JSON, unknown, or a type-less source).
 */
import type { ChartColumn, ColumnProfile, ColumnRole } from './types';
import { toNumber, toTime } from './values';

type TypeClass = ColumnRole | 'text' | 'unknown';

// Normalised (lower case, no precision/params) type names.
const NUMERIC_TYPES = new Set([
  'tinyint', 'smallint', 'integer', 'int', 'bigint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint',
  'uhugeint', 'varint', 'bignum', 'int1', 'int2', 'int4', 'int8', 'int16', 'int32', 'int64', 'int128', 'byteint', 'long', 'short', 'signed',
  'float', 'float4', 'float8', 'real', 'double', 'double precision', 'decimal', 'numeric', 'number', 'fixed', 'money',
  'smallserial', 'serial', 'bigserial', 'serial2', 'serial4', 'serial8',
]);
const INTEGER_TYPES = /^(tiny|small|big|huge|u?tiny|u?small|u?big|u?huge|u)?int(eger)?\d*$|^(small|big)?serial\d?$|^(byteint|long|short|varint|bignum)$/;
const TEMPORAL_TYPES = /^(date|datetime|timestamp(tz)?(_ns|_ms|_s|_us|_ltz|_ntz|_tz)?|timestamp with(out)? time zone|timestamp_with_time_zone|time with(out)? time zone|timetz|time)$/;
const BOOLEAN_TYPES = new Set(['boolean', 'bool', 'bit']);
const TEXT_TYPES =
  /^(varchar|text|string|char|character|character varying|bpchar|nvarchar|nchar|name|citext|uuid|enum|json|jsonb|variant|object|array|blob|bytea|binary|varbinary|interval|inet|cidr|macaddr|xml|geography|geometry)$|\[\]$/;

/** Lower case, parameters and array/list suffixes kept apart: 'DECIMAL(18,3)' → 'decimal', 'NUMBER(38,0)' → 'number'. */
export function normaliseType(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function classifyType(type: string): TypeClass {
  const t = normaliseType(type);
  if (!t || t === 'unknown' || t === 'null' || t === 'any') return 'unknown';
  if (t.endsWith('[]') || t.startsWith('struct') || t.startsWith('map') || t.startsWith('list') || t.startsWith('union')) return 'text';
  // Time of day alone is not an instant on a time axis; it is ordered text for charting.
  if (t === 'time' || t.startsWith('time with') || t === 'timetz') return 'text';
  if (TEMPORAL_TYPES.test(t)) return 'temporal';
  if (NUMERIC_TYPES.has(t)) return 'numeric';
  if (BOOLEAN_TYPES.has(t)) return 'categorical';
  if (t.startsWith('enum')) return 'categorical';
  if (TEXT_TYPES.test(t)) return 'text';
  return 'unknown';
}

// Snowflake upper-cases names, so the snake_case forms ignore case; camelCase 'customerId' must not match 'paid'.
const isIdName = (name: string) => /(^id$|_id$|^id_|_key$|^key$|_pk$|_fk$)/i.test(name) || /[a-z]Id$/.test(name);

/** Profiles every column from (a sample of) the rows. */
export function profileColumns(columns: ChartColumn[], rows: unknown[][]): ColumnProfile[] {
  return columns.map((c, index) => profileColumn(c, index, rows));
}

function profileColumn(c: ChartColumn, index: number, rows: unknown[][]): ColumnProfile {
  const cls = classifyType(c.type ?? '');
  const seen = new Set<string>();
  let nonNull = 0;
  let numeric = 0;
  let temporal = 0;
  let integers = 0;
  for (const row of rows) {
    const v = row[index];
    if (v === null || v === undefined || v === '') continue;
    nonNull++;
    if (seen.size <= 10_000) seen.add(typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
    // Only JS numbers count as numeric evidence for text columns: '02134' in a VARCHAR is a code, not a measure.
    const n = cls === 'text' ? (typeof v === 'number' ? v : null) : toNumber(v);
    if (n !== null) {
      numeric++;
      if (Number.isInteger(n)) integers++;
    } else if (toTime(v) !== null) temporal++;
  }
  let role: ColumnRole;
  if (nonNull === 0) role = 'empty';
  else if (cls === 'numeric' || cls === 'temporal' || cls === 'categorical') role = cls;
  // Text and unknown types: every non-null value has to agree before it is more than a category.
  else if (temporal === nonNull) role = 'temporal';
  else if (numeric === nonNull && cls === 'unknown') role = 'numeric';
  else role = 'categorical';
  // NUMBER(38,0) and DECIMAL keys only show they are integers through their values.
  const integerTyped = INTEGER_TYPES.test(normaliseType(c.type ?? '')) || integers === numeric;
  const identifier = role === 'numeric' && integerTyped && isIdName(c.name);
  return {
    index,
    name: c.name,
    type: c.type ?? '',
    role: identifier ? 'categorical' : role,
    distinct: seen.size,
    nonNull,
    identifier,
  };
}
