/**
 * Lineage of a SQL script: per statement (tables from the token scan, columns from node-sql-parser's AST) and for
 * the whole script, where a table written and then read again is an intermediate rather than a source.
 */
import { splitStatements } from '../connections/splitter';
import { throwIfAborted } from '../errors';
import { parseDialect, type Dialect } from './dialects';
import { renderJinja } from './jinja';
import { tokenize } from './tokens';
import { scanTables } from './tables';
import { analyzeColumns } from './columns';
import { isMovement, movementColumns } from './movement';
import type { ScriptLineage, SchemaMap, StatementLineage } from './types';

export interface AnalyzeOptions {
  dialect?: string;
  /** Known table columns, used to expand `*`. */
  schema?: SchemaMap;
  /** What `{{ this }}` means in a dbt model. */
  thisName?: string;
  /** Skip column lineage (the project graph only needs tables). */
  tablesOnly?: boolean;
  signal?: AbortSignal;
}

function uniq(list: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of list) {
    const k = s.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(s);
    }
  }
  return out;
}

export function analyzeStatement(text: string, index: number, dialect: Dialect, options: AnalyzeOptions = {}): StatementLineage {
  try {
    return analyzeStatementUnsafe(text, index, dialect, options);
  } catch (err) {
    // Lineage must never take the caller down: an unexpected failure becomes this statement's error.
    return {
      index, type: 'unknown', sources: [], targets: [], ctes: [], renames: [], drops: [], columnLineage: [], partial: true,
      columnsUsed: [], range: { start: 0, end: text.length, line: 0, column: 0 },
      error: `not analysed: ${(err as Error)?.message ?? String(err)}`,
    };
  }
}

function analyzeStatementUnsafe(text: string, index: number, dialect: Dialect, options: AnalyzeOptions): StatementLineage {
  const scan = scanTables(tokenize(text, { dialect }));
  const ctes = scan.ctes;
  const sources = uniq(scan.reads.map((r) => r.name));
  const targets = uniq(scan.writes.map((r) => r.name));
  const st: StatementLineage = {
    index,
    type: scan.type,
    sources,
    targets,
    ctes,
    renames: scan.renames,
    drops: scan.drops,
    columnLineage: [],
    partial: false,
    columnsUsed: [],
    range: { start: 0, end: text.length, line: 0, column: 0 },
  };
  if (!options.tablesOnly) {
    const ctx = { type: scan.type, sources, targets, schema: options.schema };
    const cols = isMovement(scan.type, targets, text, dialect) ? movementColumns(text, dialect, scan.type, ctx) : analyzeColumns(text, dialect, ctx);
    st.columnLineage = cols.edges;
    st.columnsUsed = cols.columnsUsed;
    if ('cteEdges' in cols && cols.cteEdges) {
      st.cteLineage = cols.cteEdges;
      st.cteReads = cols.cteReads;
      st.cteColumns = cols.cteColumns;
    }
    if (cols.error) {
      st.partial = true;
      st.error = cols.error;
      if (cols.problem) st.problem = cols.problem;
    }
  }
  return st;
}

export function analyzeScript(text: string, options: AnalyzeOptions = {}): ScriptLineage {
  const dialect = parseDialect(options.dialect);
  const rendered = renderJinja(text, { thisName: options.thisName });
  // T-SQL batch separators (`GO` alone on a line) end statements; same length keeps offsets.
  const sql = dialect === 'tsql' ? rendered.sql.replace(/^([ \t]*)GO([ \t]*)$/gim, '$1; $2') : rendered.sql;
  const ranges = splitStatements(sql, { dialect });
  const statements: StatementLineage[] = [];
  for (const r of ranges) {
    throwIfAborted(options.signal);
    const st = analyzeStatement(r.text, statements.length, dialect, options);
    st.range = { start: r.start, end: r.end, line: r.line, column: r.column };
    if (st.problem) {
      // Parser positions are relative to the statement; make them absolute.
      st.problem = {
        message: st.problem.message,
        line: r.line + st.problem.line,
        column: st.problem.line === 0 ? r.column + st.problem.column : st.problem.column,
      };
    }
    statements.push(st);
  }
  return { dialect, statements, ...scriptTables(statements) };
}

/**
 * Script semantics, in statement order: a read of a table not written before is a source; a written table is a
 * target until a later statement reads it, which makes it an intermediate; ALTER … RENAME carries a table written in
 * the script over to its new name.
 */
export function scriptTables(statements: StatementLineage[]): Pick<ScriptLineage, 'sources' | 'targets' | 'intermediates'> {
  const written = new Map<string, string>();
  /** Tables some statement filled with data read from elsewhere (a DROP does not erase their lineage). */
  const fed = new Set<string>();
  const sources = new Map<string, string>();
  const targets = new Map<string, string>();
  const intermediates = new Map<string, string>();
  const relabel = (m: Map<string, string>, from: string, to: string) => {
    if (m.delete(from.toLowerCase())) m.set(to.toLowerCase(), to);
  };
  for (const st of statements) {
    for (const { from, to } of st.renames) {
      const key = from.toLowerCase();
      if (!written.has(key)) continue;
      relabel(written, from, to);
      relabel(targets, from, to);
      relabel(intermediates, from, to);
      if (fed.delete(key)) fed.add(to.toLowerCase());
    }
    for (const s of st.sources) {
      const key = s.toLowerCase();
      if (written.has(key)) {
        targets.delete(key);
        intermediates.set(key, written.get(key)!);
      } else if (!sources.has(key)) sources.set(key, s);
    }
    for (const t of st.targets) {
      const key = t.toLowerCase();
      if (!written.has(key)) written.set(key, t);
      if (st.sources.length) fed.add(key);
      if (!intermediates.has(key)) targets.set(key, t);
    }
    // A table created empty and dropped again in the script leaves no lineage behind.
    for (const d of st.drops) {
      const key = d.toLowerCase();
      if (written.has(key) && !fed.has(key) && !intermediates.has(key)) {
        written.delete(key);
        targets.delete(key);
      }
    }
  }
  return { sources: [...sources.values()], targets: [...targets.values()], intermediates: [...intermediates.values()] };
}
