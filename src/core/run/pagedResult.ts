/** The surface the run feature and the results panel use for a stored result (the engine's ResultSet has it). */
import type { ColumnInfo } from '../connections/types';

export interface ViewSpec {
  sort?: { column: number; direction: 'asc' | 'desc' };
  /** Case-insensitive substring over all columns as text. */
  filter?: string;
}

export interface PageOptions {
  /**
   * Plain view only: answer at once with the rows stored so far instead of waiting until the whole page is there
   * (the grid shows a result while it is still streaming in and asks again when more rows arrived).
   */
  partial?: boolean;
}

export interface PagedResult {
  readonly columns: ColumnInfo[];
  /** Rows stored so far; final once `complete`. */
  readonly rowCount: number;
  /** True once every row is stored (or reading stopped). */
  readonly complete: boolean;
  /** Resolves when every row is stored; rejects with the error that stopped reading. */
  readonly done: Promise<void>;
  readonly statementType?: string;
  readonly affectedRows?: number;
  /** True when reading stopped before the end (cancelled). */
  readonly truncated?: boolean;
  page(offset: number, limit: number, view?: ViewSpec, signal?: AbortSignal, options?: PageOptions): Promise<{ rows: unknown[][]; total: number }>;
  exportTo(path: string, format: 'csv' | 'json' | 'parquet', view?: ViewSpec, signal?: AbortSignal): Promise<{ rows: number }>;
  dispose(): Promise<void>;
}
