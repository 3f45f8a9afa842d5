/**
 * JSON-safe values, the same for every adapter (the CLI --json contract and the results grid):
 *   integers (incl. BIGINT/HUGEINT) → number when within ±2^53, else a decimal string;
 *   DECIMAL/NUMERIC → number when the number prints back exactly (1.50 → 1.5), else the exact string;
 *   NaN/±Infinity → "NaN"/"Infinity"/"-Infinity"; dates → "YYYY-MM-DD"; timestamps → ISO 8601
 *   ("2024-01-02T03:04:05.123", with an offset when the type has a time zone); blobs/bytea → base64;
 *   lists/arrays → arrays, structs → objects, maps → [{key, value}]; uuid/interval/time → strings; NULL → null.
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

const MAX_EXACT_DECIMAL = 999_999_999_999_999n;

export function bigintJson(v: bigint): number | string {
  return v <= MAX_SAFE && v >= MIN_SAFE ? Number(v) : v.toString();
}

/** A decimal text as a number when that loses nothing, else the text itself. */
export function decimalJson(text: string): number | string {
  const t = text.trim();
  if (!/^[-+]?\d+(\.\d+)?$/.test(t)) return t === 'NaN' ? 'NaN' : t;
  const n = Number(t);
  if (!Number.isFinite(n)) return t;
  let canon = t.replace(/^\+/, '');
  const neg = canon.startsWith('-');
  if (neg) canon = canon.slice(1);
  canon = canon.replace(/^0+(?=\d)/, '');
  if (canon.includes('.')) canon = canon.replace(/0+$/, '').replace(/\.$/, '');
  if (canon === '0') return 0;
  return String(n) === (neg ? '-' : '') + canon ? n : t;
}

export function numberJson(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

/** `2024-01-02 03:04:05.123+00` (SQL text) → `2024-01-02T03:04:05.123+00:00`. Other text is returned unchanged. */
export function isoTimestamp(text: string): string {
  const m = /^(-?\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:([+-]\d{2})(?::?(\d{2}))?(?::?\d{2})?|Z)?( BC)?$/.exec(text);
  if (!m) return text;
  const zone = m[3] !== undefined ? `${m[3]}:${m[4] ?? '00'}` : /Z$/.test(text) ? 'Z' : '';
  return `${m[1]}T${m[2]}${zone === '+00:00' ? 'Z' : zone}${m[5] ?? ''}`;
}

/** Converts any driver value (pg, snowflake-sdk, @duckdb/node-api) to the JSON-safe form above. */
export function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'bigint':
      return bigintJson(v);
    case 'number':
      return numberJson(v);
    case 'string':
    case 'boolean':
      return v;
    case 'object':
      break;
    default:
      return String(v);
  }
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (Array.isArray(v)) return v.map(jsonValue);
  const name = (v as object).constructor?.name ?? '';
  if (name.startsWith('DuckDB')) return duckDbValueJson(name, v as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = jsonValue(x);
  return out;
}

function duckDbValueJson(name: string, v: Record<string, unknown>): unknown {
  switch (name) {
    case 'DuckDBDecimalValue': {
      // Fast path: up to 15 significant digits, value / 10^scale is the correctly rounded double and prints back
      // exactly (what decimalJson would decide from the text, without formatting the text first).
      const raw = v.value as bigint;
      const scale = v.scale as number;
      if (typeof raw === 'bigint' && raw <= MAX_EXACT_DECIMAL && raw >= -MAX_EXACT_DECIMAL && scale <= 22) return Number(raw) / 10 ** scale + 0;
      return decimalJson(String(v));
    }
    case 'DuckDBDateValue': {
      const days = v.days as number;
      // 0000-01-01 … 9999-12-31 format like toISOString; other (and infinite) dates keep DuckDB's own text.
      if (Number.isInteger(days) && days >= -719528 && days <= 2932896) return new Date(days * 86_400_000).toISOString().slice(0, 10);
      return String(v);
    }
    case 'DuckDBTimestampValue':
    case 'DuckDBTimestampTZValue':
    case 'DuckDBTimestampMillisecondsValue':
    case 'DuckDBTimestampSecondsValue':
    case 'DuckDBTimestampNanosecondsValue':
      return isoTimestamp(String(v));
    case 'DuckDBBlobValue':
    case 'DuckDBBitValue':
      return v.bytes instanceof Uint8Array ? Buffer.from(v.bytes).toString('base64') : String(v);
    case 'DuckDBListValue':
    case 'DuckDBArrayValue':
      return (v.items as unknown[]).map(jsonValue);
    case 'DuckDBStructValue': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v.entries as Record<string, unknown>)) out[k] = jsonValue(x);
      return out;
    }
    case 'DuckDBMapValue':
      return (v.entries as { key: unknown; value: unknown }[]).map((e) => ({ key: jsonValue(e.key), value: jsonValue(e.value) }));
    case 'DuckDBUnionValue':
      return jsonValue(v.value);
    default:
      return String(v);
  }
}
