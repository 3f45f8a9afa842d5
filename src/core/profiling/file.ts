/**
 * profileFile: profiles a CSV/TSV, Parquet or JSON file by path with an in-process DuckDB. Phases:
 *  detect  — first a preview from the head bytes alone (preview.ts, before DuckDB loads), then stat, format, CSV
 *            dialect, columns/types, first rows and a row estimate from DuckDB's sniffer;
 *  load    — the one read of the file: every column grouped by value (scan.ts; bad lines are kept aside with line
 *            numbers);
 *  stats / values / histograms — exact statistics from those groups (scan.ts);
 *  findings — data-quality rules.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CancelledError, UserError, throwIfAborted } from '../errors';
import { emptyColumn } from './engine';
import { previewCsv } from './preview';
import { profileGroups, scanGroups } from './scan';
import { computeFindings } from './findings';
import { duckdbUserError, openProfileDb, type ProfileDb } from './duckdb';
import { columnKind, sqlString, type PlanColumn } from './sql';
import type { CsvDialect, FileInfo, FileProfile, Finding, ProfileOptions, ProfileRunControls } from './types';

const CSV_EXT = /\.(csv|tsv|txt|tab|psv|dat)$/i;
const PARQUET_EXT = /\.(parquet|pq)$/i;
const JSON_EXT = /\.(json|jsonl|ndjson)$/i;
/** DuckDB's default max_line_size. */
const MAX_LINE_BYTES = 2 * 1024 * 1024;

export function compressionOf(path: string): FileInfo['compression'] {
  if (/\.(gz|gzip)$/i.test(path)) return 'gzip';
  if (/\.(zst|zstd)$/i.test(path)) return 'zstd';
  return 'none';
}

/** Format by extension, looking through .gz/.zst. */
export function detectFormat(path: string): 'csv' | 'parquet' | 'json' | undefined {
  const p = path.replace(/\.(gz|gzip|zst|zstd)$/i, '');
  if (PARQUET_EXT.test(p)) return 'parquet';
  if (JSON_EXT.test(p)) return 'json';
  if (CSV_EXT.test(p)) return 'csv';
  return undefined;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Sniffs what DuckDB cannot: UTF-16 BOMs, binary content, invalid UTF-8 (→ latin-1) and an average line length. */
export function inspectHead(head: Buffer): { encoding?: string; binary: boolean; avgLineBytes?: number } {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return { encoding: 'utf-16', binary: false };
  let nul = 0;
  let control = 0;
  for (const b of head) {
    if (b === 0) nul++;
    else if (b < 9 || (b > 13 && b < 32)) control++;
  }
  if (head.length && (nul > 0 || control / head.length > 0.1)) return { binary: true };
  let encoding: string | undefined;
  try {
    // stream: a multi-byte sequence cut at the end of the sample is not an encoding error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    encoding = 'latin-1';
  }
  const lines = head.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
  return { encoding, binary: false, avgLineBytes: lines > 1 ? head.length / lines : undefined };
}

function csvOptions(d: Partial<CsvDialect>): string[] {
  const o: string[] = [];
  if (d.delimiter !== undefined) o.push(`delim=${sqlString(d.delimiter === '\\t' ? '\t' : d.delimiter)}`);
  if (d.quote !== undefined) o.push(`quote=${sqlString(d.quote)}`);
  if (d.escape !== undefined) o.push(`escape=${sqlString(d.escape)}`);
  if (d.header !== undefined) o.push(`header=${d.header ? 'true' : 'false'}`);
  if (d.encoding !== undefined && d.encoding !== 'utf-8') o.push(`encoding=${sqlString(d.encoding)}`);
  if (d.dateFormat) o.push(`dateformat=${sqlString(d.dateFormat)}`);
  if (d.timestampFormat) o.push(`timestampformat=${sqlString(d.timestampFormat)}`);
  if (d.skipRows) o.push(`skip=${Math.max(0, Math.floor(d.skipRows))}`);
  return o;
}

function unEmpty(v: unknown): string {
  return v === null || v === undefined || v === '(empty)' ? '' : String(v);
}

/** Reads a gzip stream to its end without keeping it: DuckDB stops quietly at a truncated stream, zlib does not. */
async function checkGzip(path: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    await pipeline(createReadStream(path), createGunzip(), new Writable({ write: (_c, _e, cb) => cb() }), { signal });
    return undefined;
  } catch (err) {
    if (signal.aborted) return undefined;
    return err instanceof Error ? err.message : String(err);
  }
}

interface Source {
  /** FROM-clause text reading the file. */
  reader: string;
  columns: PlanColumn[];
  dialect?: CsvDialect;
  headerNames?: string[];
}

async function detectCsv(db: ProfileDb, path: string, o: ProfileOptions, encoding: string | undefined, signal?: AbortSignal): Promise<Source> {
  const overrides: Partial<CsvDialect> = { ...(encoding ? { encoding } : {}), ...o.dialect };
  const opts = [...csvOptions(overrides), 'store_rejects=true'];
  const [s] = await db.query(`SELECT * FROM sniff_csv(${sqlString(path)}, ${opts.join(', ')})`, signal);
  if (!s) throw new UserError(`Could not detect the CSV layout of ${path}.`);
  const dialect: CsvDialect = {
    delimiter: unEmpty(s.Delimiter),
    quote: unEmpty(s.Quote),
    escape: unEmpty(s.Escape),
    header: Boolean(s.HasHeader),
    encoding: overrides.encoding ?? 'utf-8',
    dateFormat: (s.DateFormat as string | null) ?? null,
    timestampFormat: (s.TimestampFormat as string | null) ?? null,
    skipRows: Number(s.SkipRows ?? 0),
    newline: unEmpty(s.NewLineDelimiter),
  };
  const sniffed = Array.isArray(s.Columns) ? (s.Columns as { name: unknown; type: unknown }[]) : [];
  const columns = sniffed.map((c) => ({ name: String(c.name), type: String(c.type), kind: columnKind(String(c.type)) }));
  // Read with exactly what was sniffed (auto_detect=false): the sample, the load and the profile then agree on
  // columns and types, and the file is not sniffed again for each statement.
  const explicit = [
    'auto_detect=false',
    ...csvOptions({ ...dialect, dateFormat: dialect.dateFormat ?? undefined, timestampFormat: dialect.timestampFormat ?? undefined }),
    `columns={${columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ')}}`,
    'store_rejects=true',
  ];
  const reader = columns.length ? `read_csv(${sqlString(path)}, ${explicit.join(', ')})` : `read_csv(${sqlString(path)}, ${opts.join(', ')})`;
  return { reader, columns, dialect };
}

async function detectOther(db: ProfileDb, path: string, format: 'parquet' | 'json', signal?: AbortSignal): Promise<Source> {
  // Deeper JSON nesting than 3 levels is kept as JSON text rather than exploding into huge struct types.
  const reader = format === 'parquet' ? `read_parquet(${sqlString(path)})` : `read_json_auto(${sqlString(path)}, maximum_depth=3, sample_size=20480)`;
  const described = await db.query(`DESCRIBE SELECT * FROM ${reader}`, signal);
  const columns = described.map((r) => ({ name: String(r.column_name), type: String(r.column_type), kind: columnKind(String(r.column_type)) }));
  return { reader, columns };
}

/** Names DuckDB de-duplicated (`a`, `a_1`): read from the header line itself. */
function duplicateHeaderNames(head: Buffer, dialect: CsvDialect | undefined): string[] {
  if (!dialect?.header || !dialect.delimiter) return [];
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const names: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (dialect.quote && ch === dialect.quote) {
      if (quoted && line[i + 1] === dialect.quote) {
        cur += ch;
        i++;
      } else quoted = !quoted;
    } else if (!quoted && line.startsWith(dialect.delimiter, i)) {
      names.push(cur.trim());
      cur = '';
      i += dialect.delimiter.length - 1;
    } else cur += ch;
  }
  names.push(cur.trim());
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup];
}

function emptyProfile(path: string, format: FileProfile['format'], file: FileInfo): FileProfile {
  return { path, format, rowCount: 0, columns: [], findings: [], file, sample: { columns: [], rows: [] }, timings: {}, elapsedMs: 0, partial: true };
}

/**
 * Profiles a file. `controls.onProgress` receives a partial profile after each phase; the first (phase 'detect')
 * has columns, types, the first rows and an estimated row count. Throws UserError (one line) when the file cannot
 * be read, CancelledError when the signal aborts (DuckDB is interrupted).
 */
export async function profileFile(path: string, options: ProfileOptions = {}, controls: ProfileRunControls = {}): Promise<FileProfile> {
  const started = performance.now();
  const { signal, onProgress } = controls;
  throwIfAborted(signal);
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `Cannot read ${path}: no such file.` : `Cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (st.isDirectory()) throw new UserError(`Cannot profile ${path}: it is a directory, not a file.`);
  const file: FileInfo = { sizeBytes: st.size, mtimeMs: st.mtimeMs, compression: compressionOf(path) };
  const format = options.format ?? detectFormat(path) ?? 'csv';
  const profile = emptyProfile(path, format, file);
  const timings = profile.timings;
  const mark = (phase: string, t: number) => (timings[phase] = Math.round(performance.now() - t));

  if (st.size === 0) {
    profile.findings = computeFindings({ rowCount: 0, columns: [], duplicateRowCount: null, mixedCase: {}, nonNumericExamples: {}, fileSizeBytes: 0 });
    profile.partial = false;
    profile.elapsedMs = Math.round(performance.now() - started);
    onProgress?.('done', profile);
    return profile;
  }

  let t = performance.now();
  const head = await readHead(path, format === 'csv' ? MAX_LINE_BYTES : 256 * 1024);
  const headInfo = file.compression === 'none' ? inspectHead(head.subarray(0, 256 * 1024)) : { binary: false } as ReturnType<typeof inspectHead>;
  if (headInfo.binary && format !== 'parquet') {
    throw new UserError(`Cannot profile ${path}: it looks like binary data, not ${format.toUpperCase()} text.`);
  }
  if (format === 'csv' && file.compression === 'none' && st.size > MAX_LINE_BYTES && !head.subarray(0, MAX_LINE_BYTES).includes(10)) {
    // DuckDB's reader caps a line at 2 MB; say so at once instead of letting the sniffer grind through it.
    throw new UserError(`Cannot profile ${path}: its first line is longer than 2 MB, so it is not a delimited table (minified JSON or binary?).`);
  }

  // A first partial from the head alone, before DuckDB loads (seconds on a busy machine); detect replaces it.
  if (format === 'csv' && file.compression === 'none' && !headInfo.encoding && (options.dialect?.encoding ?? 'utf-8') === 'utf-8' && onProgress) {
    const preview = previewCsv(head, st.size, options.dialect, headInfo.avgLineBytes);
    if (preview) {
      onProgress('detect', clone({ ...profile, rowCount: preview.rowEstimate, rowCountIsEstimate: true, columns: preview.columns.map(emptyColumn) }));
    }
  }

  const db = await openProfileDb({ memoryLimit: options.memoryLimit, threads: options.threads, tempDir: options.tempDir });
  const gzipAbort = new AbortController();
  const onOuterAbort = () => gzipAbort.abort();
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    // Phase: detect.
    let source: Source;
    try {
      source = format === 'csv' ? await detectCsv(db, path, options, headInfo.encoding, signal) : await detectOther(db, path, format, signal);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      throw duckdbUserError(`Cannot read ${path} as ${format.toUpperCase()}`, err);
    }
    profile.dialect = source.dialect;
    const sampleRows = options.sampleRows ?? 100;
    try {
      profile.sample = await db.queryRows(`SELECT * FROM ${source.reader} LIMIT ${sampleRows}`, signal);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      profile.sample = { columns: source.columns.map((c) => c.name), rows: [] };
    }
    if (format === 'parquet') {
      const [m] = await db.query(`SELECT COALESCE(SUM(num_rows), 0) AS n FROM parquet_file_metadata(${sqlString(path)})`, signal);
      profile.rowCount = Number(m?.n ?? 0);
    } else if (headInfo.avgLineBytes && file.compression === 'none') {
      profile.rowCount = Math.max(0, Math.round(st.size / headInfo.avgLineBytes) - (source.dialect?.header ? 1 : 0));
      profile.rowCountIsEstimate = true;
    } else {
      profile.rowCountIsEstimate = true;
    }
    profile.columns = source.columns.map((c, i) => ({ ...emptyColumn(c), sampleValues: sampleValuesOf(profile.sample.rows, i) }));
    mark('detect', t);
    onProgress?.('detect', clone(profile));

    // Phase: load — the one read of the file, grouping every column by value (see scan.ts).
    t = performance.now();
    const gzipCheck = file.compression === 'gzip' ? checkGzip(path, gzipAbort.signal) : Promise.resolve(undefined);
    let groups;
    try {
      groups = await scanGroups(db, source.reader, source.columns, { signal });
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      throw duckdbUserError(`Cannot read ${path}`, err);
    }
    profile.rowCount = groups.rowCount;
    profile.rowCountIsEstimate = false;
    const rejected = format === 'csv' ? await readRejects(db, signal) : undefined;
    profile.rejectedRowCount = rejected?.count ?? 0;
    mark('load', t);
    onProgress?.('load', clone(profile));

    // Phases: stats, values, histograms.
    const rel = await profileGroups(db, groups, source.columns, {
      bins: options.bins ?? 20,
      signal,
      onPhase: (phase, columns) => {
        profile.columns = columns.map((c, i) => ({ ...c, sampleValues: profile.columns[i]?.sampleValues ?? [] }));
        onProgress?.(phase, clone(profile));
      },
    });
    Object.assign(timings, rel.timings);
    profile.columns = rel.columns.map((c, i) => ({ ...c, sampleValues: sampleValuesOf(profile.sample.rows, i) }));
    profile.duplicateRowCount = rel.duplicateRowCount;

    // Phase: findings.
    t = performance.now();
    const gzipError = await gzipCheck;
    const findings: Finding[] = [];
    if (gzipError) {
      findings.push({
        column: null,
        kind: 'truncated-input',
        severity: 'error',
        message: `The compressed file is damaged or truncated (${gzipError}); only the rows before the damage were read.`,
      });
    }
    findings.push(
      ...computeFindings({
        rowCount: profile.rowCount,
        columns: profile.columns,
        duplicateRowCount: rel.duplicateRowCount,
        mixedCase: rel.mixedCase,
        nonNumericExamples: rel.nonNumericExamples,
        rejected,
        duplicateColumnNames: format === 'csv' && file.compression === 'none' ? duplicateHeaderNames(head, source.dialect) : [],
        format,
      }),
    );
    profile.findings = findings;
    mark('findings', t);
    profile.partial = false;
    profile.elapsedMs = Math.round(performance.now() - started);
    onProgress?.('done', clone(profile));
    return profile;
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
    gzipAbort.abort();
    await db.close();
  }
}

async function readRejects(db: ProfileDb, signal?: AbortSignal) {
  try {
    // Only the load scan's errors: sniffing and DESCRIBE record scans too.
    const rows = await db.query(
      `WITH e AS (SELECT * FROM reject_errors WHERE scan_id = (SELECT max(scan_id) FROM reject_errors))
       SELECT (SELECT COUNT(DISTINCT line) FROM e) AS n, line, csv_line, error_message FROM e ORDER BY line LIMIT 200`,
      signal,
    );
    if (!rows.length) return { count: 0, lines: [], examples: [], messages: [] };
    const lines = [...new Set(rows.map((r) => Number(r.line)))];
    const examples = [...new Set(rows.map((r) => String(r.csv_line ?? '').slice(0, 200)))];
    const messages = [...new Set(rows.map((r) => String(r.error_message ?? '').split('\n')[0]))];
    return { count: Number(rows[0].n), lines, examples, messages };
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    return undefined;
  }
}

function sampleValuesOf(rows: unknown[][], i: number): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const v = r[i];
    if (v === null || v === undefined) continue;
    const k = JSON.stringify(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
    if (out.length >= 5) break;
  }
  return out;
}

function clone(p: FileProfile): FileProfile {
  return structuredClone(p);
}
