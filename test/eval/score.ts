/**
 * Execution-accuracy scoring: two results match when they hold the same rows. Order counts only when the reference
 * has a top-level ORDER BY; column order and names do not count (columns are matched by their values); numbers
 * match to 1e-6 relative (float sums differ in the last bits); decimals as strings compare as numbers.
 */
import type { QueryResult } from '../../src/core/connections/types';

function norm(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v.trim()))) {
    const n = Number(v);
    if (!Number.isFinite(n)) return String(v);
    if (Number.isInteger(n)) return String(n);
    return Number(n.toPrecision(10)).toString();
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') {
    // Timestamps at midnight and dates name the same day (date_trunc returns either depending on the input type).
    const m = /^(\d{4}-\d{2}-\d{2})(?:[T ]00:00:00(?:\.0+)?(?:Z|\+00(?::?00)?)?)?$/.exec(v.trim());
    return m ? m[1] : v.trim();
  }
  return JSON.stringify(v);
}

/** True when the reference's outermost query sorts (an ORDER BY after the last closing parenthesis). */
export function isOrdered(sql: string): boolean {
  const stripped = sql.replace(/'(?:[^']|'')*'/g, "''");
  let depth = 0;
  let last = -1;
  for (let i = 0; i < stripped.length; i++) {
    if (stripped[i] === '(') depth++;
    else if (stripped[i] === ')') depth--;
    else if (depth === 0 && /order\s+by/iy.test(stripped.slice(i, i + 12))) last = i;
  }
  return last >= 0;
}

function columnsOf(r: QueryResult): string[][] {
  return r.columns.map((_, k) => r.rows.map((row) => norm(row[k])));
}

/**
 * Reorders the predicted columns to line up with the reference by their value multisets; undefined when no
 * one-to-one mapping exists (different column count or values).
 */
function alignColumns(ref: string[][], pred: string[][]): string[][] | undefined {
  if (ref.length !== pred.length) return undefined;
  const sig = (col: string[]) => [...col].sort().join('\u0001');
  const used = new Set<number>();
  const out: string[][] = [];
  for (const rc of ref) {
    const s = sig(rc);
    // Prefer an exact positional match for identical signatures (keeps row pairing stable).
    const k = pred.findIndex((pc, i) => !used.has(i) && sig(pc) === s);
    if (k < 0) return undefined;
    used.add(k);
    out.push(pred[k]);
  }
  return out;
}

function rowsOf(cols: string[][], n: number): string[] {
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]).join('\u0002'));
}

export function sameResult(reference: QueryResult, predicted: QueryResult, ordered: boolean): boolean {
  if (reference.rows.length !== predicted.rows.length) return false;
  const ref = columnsOf(reference);
  const aligned = alignColumns(ref, columnsOf(predicted));
  if (!aligned) return false;
  const a = rowsOf(ref, reference.rows.length);
  const b = rowsOf(aligned, predicted.rows.length);
  if (!ordered) {
    a.sort();
    b.sort();
  }
  return a.every((x, i) => x === b[i]);
}
