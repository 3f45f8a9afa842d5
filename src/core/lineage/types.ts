/** Lineage results shared by the CLI, the VS Code feature and the webview protocol. */

export interface ColumnEdge {
  /** `table.column` (the table as written, or `path:<uri>`); `table.*` when a `*` could not be expanded. */
  source: string;
  /** `table.column` for a written table; the output column name alone for a plain SELECT. */
  target: string;
}

export interface StatementLineage {
  index: number;
  /** select, select_into, insert, update, delete, merge, create_table, create_view, alter_rename, copy, unload, … */
  type: string;
  sources: string[];
  targets: string[];
  ctes: string[];
  columnLineage: ColumnEdge[];
  /** ALTER … RENAME / RENAME TABLE: the script analysis follows a written table to its new name. */
  renames: Array<{ from: string; to: string }>;
  /** DROP TABLE/VIEW names. */
  drops: string[];
  /** Why the statement was analysed only partly (tables from the token scan, no column lineage), if it was. */
  error?: string;
  /** True when node-sql-parser could not parse the statement (see `error`). */
  partial: boolean;
  /** `table.column` references the statement uses anywhere (select list, joins, filters). */
  columnsUsed: string[];
  /** Position of the statement in the analysed text (0-based line/column, offsets into the original text). */
  range: { start: number; end: number; line: number; column: number };
  /** Parse problem position when the parser reported one (0-based, in the original text). */
  problem?: { message: string; line: number; column: number };
  /**
   * Column flow hop by hop through the statement's CTEs (present only when it has CTEs that were traced), where
   * `columnLineage` jumps from physical columns straight to the output. A CTE column is written `cte:<name>.<col>`
   * (the CTE name as written); other sources are `table.column` and other targets are named as in `columnLineage`.
   * Together the edges cover table.col → cte:a.col, cte:a.col → cte:b.col, cte:b.col → output and table.col → output
   * (a column read without any CTE). Nested WITHs share the `cte:` namespace: same-named CTEs in different scopes merge.
   * A CTE passing an unexpanded `*` through appears as `cte:<name>.*`. Not part of the CLI's JSON contract.
   */
  cteLineage?: ColumnEdge[];
  /**
   * Which relations each CTE's FROM/JOIN clauses read (`cte` = the CTE name as written; null = the statement's own
   * query): tables as written or `cte:<name>`. Present with `cteLineage`.
   */
  cteReads?: Array<{ cte: string | null; reads: string[] }>;
  /** Every traced CTE's output columns in order, also those computed from no column (literals, count(*)). */
  cteColumns?: Array<{ cte: string; columns: string[] }>;
}

export interface ScriptLineage {
  dialect: string;
  statements: StatementLineage[];
  /** Tables read that were not written earlier in the script. */
  sources: string[];
  /** Tables written and not read again later in the script. */
  targets: string[];
  /** Tables written by one statement and read by a later one. */
  intermediates: string[];
}

/** Known table → ordered column names, used to expand `*`. Keys compare case-insensitively. */
export type SchemaMap = Record<string, string[]>;
