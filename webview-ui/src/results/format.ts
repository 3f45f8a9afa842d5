/**
 * How one cell looks in the grid, decided from its value and column kind. Pure (no DOM) so it is unit-tested.
 * NULL is a distinct marker, never the same as an empty string; newlines and tabs are made visible so a row stays
 * one line high.
 */
import type { ResultCell, ResultColumnKind } from '../../../src/shared/protocol/results';

export interface CellDisplay {
  text: string;
  className: string;
  /** Full value for the tooltip when the cell may be cut off. */
  title?: string;
}

const MIDNIGHT_UTC = /^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.0+)?Z$/;
const DECIMAL_SCALE = /^(?:decimal|numeric|number)\s*\(\s*\d+\s*,\s*(\d+)\s*\)$/i;
const ISO_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/;

export function formatCell(value: ResultCell | undefined, kind: ResultColumnKind, type = ''): CellDisplay {
  if (value === undefined) return { text: '', className: 'cell loading' };
  if (value === null) return { text: 'NULL', className: 'cell null' };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', className: 'cell bool' };
  if (typeof value === 'number') {
    // A decimal column shows its declared scale (232275.40, not 232275.4), as the database itself prints it.
    const scale = DECIMAL_SCALE.exec(type)?.[1];
    if (scale !== undefined && Number.isFinite(value) && Math.abs(value) < 1e15) return { text: value.toFixed(Math.min(20, Number(scale))), className: 'cell num' };
    return { text: Number.isInteger(value) ? String(value) : formatFloat(value), className: 'cell num' };
  }
  // Strings: big integers and decimals arrive as strings to keep precision; they still align right.
  if (kind === 'number') return { text: value, className: 'cell num' };
  if (kind === 'date') {
    const t = type.toLowerCase();
    const midnight = MIDNIGHT_UTC.exec(value);
    if (midnight && t === 'date') return { text: midnight[1], className: 'cell date' };
    const m = ISO_TIMESTAMP.exec(value);
    if (m) {
      const zone = m[3] && m[3] !== 'Z' ? ` ${m[3]}` : m[3] === 'Z' && /time zone|tz/.test(t) ? ' UTC' : '';
      return { text: `${m[1]} ${m[2]}${zone}`, className: 'cell date', title: value };
    }
    return { text: value, className: 'cell date' };
  }
  if (value === '') return { text: '', className: 'cell empty', title: '(empty string)' };
  const visible = value.length > 500 ? `${value.slice(0, 500)}…` : value;
  return { text: visible.replace(/\r?\n/g, '↵').replace(/\t/g, '→'), className: 'cell', title: value.length > 30 ? value.slice(0, 2000) : undefined };
}

function formatFloat(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  // Up to 10 significant digits without exponent noise for ordinary magnitudes.
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e15)) return v.toExponential(6);
  return String(Number(v.toPrecision(12)));
}

/** Default column width in px from the header and kind. */
export function defaultWidth(name: string, kind: ResultColumnKind): number {
  const byName = name.length * 8 + 36;
  const byKind = kind === 'number' ? 100 : kind === 'date' ? 170 : kind === 'boolean' ? 70 : 160;
  return Math.max(70, Math.min(320, Math.max(byName, byKind)));
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
