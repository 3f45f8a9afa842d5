/**
 * Deterministic taxi-like CSV for the profiling benchmark: 13 columns (integers, doubles, timestamps, categories,
 * free text with quoted commas), realistic nulls, and a few malformed lines (ragged rows, a non-numeric fare).
 * About 100 bytes per row: 10M rows ≈ 1 GB. Same seed → byte-identical file.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export const TAXI_COLUMNS = [
  'vendor_id',
  'pickup_at',
  'dropoff_at',
  'passenger_count',
  'trip_distance',
  'rate_code',
  'store_and_fwd',
  'pu_location',
  'do_location',
  'payment_type',
  'fare_amount',
  'tip_amount',
  'note',
] as const;

/** Lines (1-based, counting the header as line 1) that are deliberately malformed. */
export function malformedLines(rows: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= 5; i++) out.push(Math.floor((rows * i) / 6) + 1);
  return out;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    // xorshift32: fast, deterministic, good enough for synthetic data.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const PAYMENTS = ['Credit card', 'Cash', 'Credit card', 'Credit card', 'No charge', 'Dispute', 'cash', 'Unknown'];
const NOTES = ['', '', '', '', 'Airport, terminal 4', 'Luggage', 'Called ahead, waited 5 min', 'Toll road', ' Late night', 'Round trip, two stops'];
const BASE = Date.UTC(2024, 0, 1) / 1000;

function ts(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes `rows` data rows to `path` (via a temp file, so a half-written file is never reused). */
export async function writeTaxiCsv(path: string, rows: number, seed = 20240101): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.part`;
  const out = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  const r = rng(seed);
  const bad = new Set(malformedLines(rows));
  let buf = TAXI_COLUMNS.join(',') + '\n';
  for (let i = 1; i <= rows; i++) {
    const line = i + 1;
    if (bad.has(line)) {
      buf += line % 2 ? `2,${ts(BASE)},oops\n` : `1,${ts(BASE)},${ts(BASE + 60)},1,1.5,1,N,10,20,Cash,twelve,0,\n`;
    } else {
      const pickup = BASE + Math.floor(r() * 366 * 86400);
      const minutes = 2 + Math.floor(-Math.log(1 - r()) * 14);
      const distance = Math.round(-Math.log(1 - r()) * 3.2 * 100) / 100;
      const fare = Math.round((3 + distance * 2.5 + minutes * 0.5 + (r() < 0.001 ? 400 : 0)) * 100) / 100;
      const payment = PAYMENTS[Math.floor(r() * PAYMENTS.length)];
      const tip = payment.startsWith('Credit') ? String(Math.round(fare * r() * 0.3 * 100) / 100) : r() < 0.5 ? '' : '0';
      buf +=
        `${r() < 0.7 ? 2 : 1},${ts(pickup)},${ts(pickup + minutes * 60)},${r() < 0.03 ? '' : 1 + Math.floor(-Math.log(1 - r()) * 0.8)},` +
        `${distance},${r() < 0.95 ? 1 : 2 + Math.floor(r() * 5)},${r() < 0.99 ? 'N' : 'Y'},${1 + Math.floor(r() * 265)},${1 + Math.floor(r() * 265)},` +
        `${payment},${fare},${tip},${csvField(NOTES[Math.floor(r() * NOTES.length)])}\n`;
    }
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((res) => out.once('drain', () => res()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  renameSync(tmp, path);
}

/** The file for `rows` under `dir`, generated once and reused. */
export async function ensureTaxiCsv(dir: string, rows: number): Promise<string> {
  const path = `${dir}/taxi-${rows}.csv`;
  if (!existsSync(path) || statSync(path).size === 0) await writeTaxiCsv(path, rows);
  return path;
}
