/** Display helpers: every value becomes plain text (rendered as React children, never as HTML). */
import type { ColumnProfile } from '../../../src/shared/protocol/profile';

export function fmtNum(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  if (abs >= 1e6 || (abs > 0 && abs < 1e-3)) return n.toExponential(3);
  return Number(n.toPrecision(5)).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

export function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return fmtNum(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = n;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
}

/** A histogram edge: numbers as numbers, temporal edges (epoch seconds) as dates. */
export function fmtEdge(c: ColumnProfile, x: number): string {
  if (c.histogramUnit === 'epoch-seconds') {
    const d = new Date(x * 1000);
    return Number.isNaN(d.getTime()) ? String(x) : d.toISOString().replace('T00:00:00.000Z', '').replace('.000Z', 'Z');
  }
  return fmtNum(x);
}

export function distinctText(c: ColumnProfile): string {
  if (c.distinctIsExact) return fmtNum(c.distinctCount);
  return `≈${fmtNum(c.distinctCount)}${c.distinctErrorBound ? ` (±${Math.round(c.distinctErrorBound * 100)}%)` : ''}`;
}
