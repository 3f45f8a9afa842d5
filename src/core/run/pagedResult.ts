/** The surface the run feature and the results panel use for a stored result (the engine's ResultSet has it). */
import type { ColumnInfo } from '../connections/types';

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
