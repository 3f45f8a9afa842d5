/**
 * A first look at a delimited file from the bytes already read for format checks, before DuckDB is even loaded
 * (loading it and sniffing take seconds on a busy machine): the delimiter, the header's column names, a type per
 * column from the first lines and a row estimate from the average line length. It only feeds the first streamed
 * partial; DuckDB's sniffer decides what is actually read, and the next partial replaces this one. When the head is
 * not clearly a table (one field per line, ragged lines, unbalanced quotes), there is no preview.
 */
import { columnKind, type PlanColumn } from './sql';
import type { CsvDialect } from './types';

const DELIMITERS = [',', '\t', ';', '|'];
/** Enough lines to guess types; the head holds up to 2 MB. */
const MAX_LINES = 200;

export interface CsvPreview {
  delimiter: string;
  header: boolean;
  columns: PlanColumn[];
  rowEstimate: number;
}

/** Splits one line on `delim`, honouring double quotes; undefined when a quote is left open. */
function splitLine(line: string, delim: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (!quoted && ch === delim) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) return undefined;
  out.push(cur);
  return out;
}

const INT = /^[-+]?\d{1,18}$/;
const NUM = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const BOOL = /^(true|false)$/i;

/** DuckDB's name for the narrowest type every non-empty value fits. */
function typeOf(values: string[]): string {
  const xs = values.map((v) => v.trim()).filter((v) => v !== '');
  if (!xs.length) return 'VARCHAR';
  if (xs.every((v) => BOOL.test(v))) return 'BOOLEAN';
  if (xs.every((v) => INT.test(v))) return 'BIGINT';
  if (xs.every((v) => NUM.test(v))) return 'DOUBLE';
  if (xs.every((v) => DATE.test(v))) return 'DATE';
  if (xs.every((v) => TIMESTAMP.test(v))) return 'TIMESTAMP';
  return 'VARCHAR';
}

/**
 * The preview of `head` (the first bytes of a UTF-8 file of `sizeBytes`), honouring the user's dialect choices.
 * `avgLineBytes` (over the whole head, see inspectHead) makes the row estimate the same as the next partial's.
 */
export function previewCsv(head: Buffer, sizeBytes: number, dialect: Partial<CsvDialect> = {}, avgLineBytes?: number): CsvPreview | undefined {
  const text = head.subarray(0, 256 * 1024).toString('utf8').replace(/^\uFEFF/, '');
  const all = text.split(/\r?\n/);
  // The last line may be cut by the read; keep it only when the head is the whole file.
  const lines = (head.length < sizeBytes ? all.slice(0, -1) : all).filter((l) => l !== '').slice(0, MAX_LINES + 1);
  if (lines.length < 2 || (dialect.quote !== undefined && dialect.quote !== '"') || dialect.skipRows) return undefined;
  const candidates = dialect.delimiter ? [dialect.delimiter === '\\t' ? '\t' : dialect.delimiter] : DELIMITERS;
  let best: { delim: string; rows: string[][] } | undefined;
  for (const delim of candidates) {
    if (delim.length !== 1) continue;
    const rows = lines.map((l) => splitLine(l, delim));
    if (rows.some((r) => r === undefined)) continue;
    const width = rows[0]!.length;
    if (width < 2 || rows.some((r) => r!.length !== width)) continue;
    if (!best || width > best.rows[0].length) best = { delim, rows: rows as string[][] };
  }
  if (!best) return undefined;
  const [first, ...rest] = best.rows;
  const restTypes = first.map((_, j) => typeOf(rest.map((r) => r[j])));
  // A header when some first-line field does not fit its column's type (a name over numbers, dates…), or when all
  // is text and nothing tells (most such files have one).
  const header =
    dialect.header ?? (first.some((v, j) => restTypes[j] !== 'VARCHAR' && typeOf([v]) !== restTypes[j] && v.trim() !== '') || restTypes.every((t) => t === 'VARCHAR'));
  const body = header ? rest : best.rows;
  const types = header ? restTypes : first.map((_, j) => typeOf(body.map((r) => r[j])));
  const columns = first.map((v, j) => {
    const name = header ? v.trim() || `column${j}` : `column${j}`;
    return { name, type: types[j], kind: columnKind(types[j]) };
  });
  const eol = text.includes('\r\n') ? 2 : 1;
  const lineBytes = avgLineBytes ?? lines.reduce((n, l) => n + Buffer.byteLength(l) + eol, 0) / lines.length;
  const rowEstimate = Math.max(0, Math.round(sizeBytes / lineBytes) - (header ? 1 : 0));
  return { delimiter: best.delim, header, columns, rowEstimate };
}
