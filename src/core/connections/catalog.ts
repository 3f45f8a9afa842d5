/** Catalog pieces the adapters share: the column rows their catalog queries return, and ANSI identifier quoting. */
import type { CatalogColumn } from './types';

/** Rows of `[name, type, nullable, primaryKey, comment]`, as the DuckDB and PostgreSQL catalog queries select them. */
export function catalogColumns(rows: unknown[][]): CatalogColumn[] {
  return rows.map(([name, type, nullable, pk, comment]) => ({
    name: String(name),
    type: String(type),
    nullable: Boolean(nullable),
    primaryKey: Boolean(pk),
    ...(comment ? { comment: String(comment) } : {}),
  }));
}

/** `"name"` with embedded double quotes doubled (DuckDB, PostgreSQL and Snowflake all quote this way). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
