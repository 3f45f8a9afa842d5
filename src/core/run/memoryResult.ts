/**
 * A result held in memory with the same paging/sort/filter/export surface as the spilled engine ResultSet. The run
 * feature uses it only when the engine store is unavailable; it caps what it keeps (maxRows) and says so.
 */
import { writeFile } from 'node:fs/promises';
import type { ColumnInfo, Connection } from '../connections/types';
import { CancelledError, UserError } from '../errors';

export interface ViewSpec {
  sort?: { column: number; direction: 'asc' | 'desc' };
  /** Case-insensitive substring over all columns as text. */
  filter?: string;
}

export interface PagedResult {
  readonly columns: ColumnInfo[];
  readonly rowCount: number;
  readonly statementType?: string;
  readonly affectedRows?: number;
  /** True when rows beyond a cap were not kept. */
  readonly truncated?: boolean;
  page(offset: number, limit: number, view?: ViewSpec, signal?: AbortSignal): Promise<{ rows: unknown[][]; total: number }>;
  exportTo(path: string, format: 'csv' | 'json' | 'parquet', view?: ViewSpec, signal?: AbortSignal): Promise<{ rows: number }>;
  dispose(): Promise<void>;
}

export function compareValues(a: unknown, b: unknown): number {
  // NULLs last in both directions is what most grids do; callers flip only non-null comparisons.
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const na = typeof a === 'string' && a.trim() !== '' ? Number(a) : NaN;
  const nb = typeof b === 'string' && b.trim() !== '' ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return String(a).localeCompare(String(b));
}

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export class MemoryResult implements PagedResult {
  private viewCache: { key: string; rows: unknown[][] } | undefined;

  constructor(
    readonly columns: ColumnInfo[],
    private readonly rows: unknown[][],
    readonly truncated = false,
    readonly statementType?: string,
    readonly affectedRows?: number,
  ) {}

  get rowCount(): number {
    return this.rows.length;
  }

  private view(view: ViewSpec = {}): unknown[][] {
    const key = JSON.stringify(view);
    if (this.viewCache?.key === key) return this.viewCache.rows;
    let rows = this.rows;
    const f = view.filter?.trim().toLowerCase();
    if (f) rows = rows.filter((r) => r.some((v) => v !== null && v !== undefined && String(v).toLowerCase().includes(f)));
    if (view.sort && view.sort.column >= 0 && view.sort.column < this.columns.length) {
      const { column, direction } = view.sort;
      const sign = direction === 'desc' ? -1 : 1;
      rows = [...rows].sort((x, y) => {
        const a = x[column];
        const b = y[column];
        if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
        if (b === null || b === undefined) return -1;
        return sign * compareValues(a, b);
      });
    }
    this.viewCache = { key, rows };
    return rows;
  }

  async page(offset: number, limit: number, view?: ViewSpec): Promise<{ rows: unknown[][]; total: number }> {
    const rows = this.view(view);
    return { rows: rows.slice(Math.max(0, offset), Math.max(0, offset) + Math.max(0, limit)), total: rows.length };
  }

  async exportTo(path: string, format: 'csv' | 'json' | 'parquet', view?: ViewSpec, signal?: AbortSignal): Promise<{ rows: number }> {
    const rows = this.view(view);
    if (signal?.aborted) throw new CancelledError();
    if (format === 'parquet') throw new UserError('Parquet export needs the DuckDB result store, which is not available for this result.');
    const names = this.columns.map((c) => c.name);
    const text =
      format === 'csv'
        ? [names.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n'
        : JSON.stringify(rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null]))), null, 2);
    await writeFile(path, text);
    return { rows: rows.length };
  }

  async dispose(): Promise<void> {
    this.viewCache = undefined;
  }

  /** Streams one statement into memory, keeping at most maxRows rows. */
  static async fromQuery(conn: Connection, sql: string, options: { signal?: AbortSignal; timeoutMs?: number; maxRows?: number } = {}): Promise<MemoryResult> {
    const max = options.maxRows ?? 1_000_000;
    const stream = await conn.stream(sql, { signal: options.signal, timeoutMs: options.timeoutMs });
    const rows: unknown[][] = [];
    let truncated = false;
    try {
      for (let batch = await stream.next(); batch; batch = await stream.next()) {
        for (const r of batch) {
          if (rows.length >= max) {
            truncated = true;
            break;
          }
          rows.push(r);
        }
        if (truncated) break;
      }
    } finally {
      await stream.close();
    }
    return new MemoryResult(stream.columns, rows, truncated, stream.statementType, stream.affectedRows);
  }
}
