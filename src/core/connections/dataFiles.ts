/**
 * Data files the built-in "Workspace files" DuckDB connection lists in its tree: which names count as data files,
 * the glob that finds them, how a file is written in SQL, and the statement that reads its columns.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { CatalogColumn, Connection } from './types';

/** Extensions DuckDB reads by path (also through .gz / .zst compression). */
export const DATA_FILE_EXTENSIONS = ['csv', 'tsv', 'parquet', 'pq', 'json', 'jsonl', 'ndjson'] as const;

const DATA_FILE = new RegExp(`\\.(${DATA_FILE_EXTENSIONS.join('|')})(\\.(gz|zst))?$`, 'i');

export type DataFileFormat = 'csv' | 'parquet' | 'json';

export function isDataFile(name: string): boolean {
  return DATA_FILE.test(name);
}

/** The format by extension, looking through .gz / .zst; undefined when not a data file. */
export function dataFileFormat(name: string): DataFileFormat | undefined {
  const m = DATA_FILE.exec(name);
  if (!m) return undefined;
  const ext = m[1].toLowerCase();
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  return 'json';
}

/** One glob for every data file (lower and upper case extensions), for file search and watchers. */
export function dataFileGlob(): string {
  const exts = DATA_FILE_EXTENSIONS.flatMap((e) => [e, e.toUpperCase()]);
  const names = exts.flatMap((e) => [e, `${e}.gz`, `${e}.zst`]);
  return `**/*.{${names.join(',')}}`;
}

/** Folders never worth listing (dependencies, VCS internals), in addition to the user's files.exclude. */
export const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/.git/**'];

/**
 * The exclude glob for a file search: the user's `files.exclude` patterns that are switched on (plain `true`;
 * conditional `{ when }` entries are kept too, as excluding is the safe reading) plus ALWAYS_EXCLUDED.
 */
export function excludeGlob(filesExclude: Record<string, unknown> | undefined): string {
  const patterns = Object.entries(filesExclude ?? {})
    .filter(([, v]) => v === true || (typeof v === 'object' && v !== null))
    .map(([k]) => k.replace(/[{},]/g, (c) => `\\${c}`))
    .map((k) => (k.startsWith('**/') || k.startsWith('/') ? k : `**/${k}`));
  // A folder pattern (`**/out`) must also exclude what is inside it.
  const withContents = patterns.flatMap((p) => (p.endsWith('/**') ? [p] : [p, `${p}/**`]));
  return `{${[...withContents, ...ALWAYS_EXCLUDED].join(',')}}`;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * How a file is written in SQL on the Workspace files connection: relative to the workspace root when it is under
 * it (the connection resolves those), else absolute. Always with forward slashes.
 */
export function sqlPathFor(file: string, workspaceRoot: string | undefined): string {
  if (workspaceRoot) {
    const rel = relative(workspaceRoot, file);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return file.split(sep).join('/');
}

/** The table function that reads a file (explicit, so .tsv and compressed files work like the others). */
export function readerCall(path: string): string {
  switch (dataFileFormat(path)) {
    case 'parquet':
      return `read_parquet(${sqlString(path)})`;
    case 'json':
      return `read_json_auto(${sqlString(path)})`;
    default:
      return `read_csv(${sqlString(path)})`;
  }
}

/**
 * The statement behind "Query" on a file node: plain `FROM 'path'` where DuckDB infers the reader from the name
 * (the way users write it), the explicit reader for `.pq`, which DuckDB does not recognise by name.
 */
export function queryFileSql(path: string, limit = 100): string {
  const from = /\.pq(\.(gz|zst))?$/i.test(path) ? readerCall(path) : sqlString(path);
  return `SELECT *\nFROM ${from}\nLIMIT ${Math.max(1, Math.floor(limit))};\n`;
}

/** DESCRIBE of the file's rows: column_name, column_type, null, … one row per column. */
export function describeFileSql(path: string): string {
  return `DESCRIBE SELECT * FROM ${readerCall(path)}`;
}

/** The file's columns as the tree shows them, read by DuckDB (DESCRIBE infers types from a sample of the file). */
export async function describeFile(conn: Connection, path: string, signal?: AbortSignal): Promise<CatalogColumn[]> {
  const r = await conn.query(describeFileSql(path), { signal });
  return r.rows.map(([name, type, nullable]) => ({ name: String(name), type: String(type), nullable: nullable !== 'NO', primaryKey: false }));
}
