/**
 * Checks generated SQL before anyone runs it: one statement, names that exist in the catalog (static check with
 * node-sql-parser, which resolves aliases), then a dry run (EXPLAIN) on the connection, which catches everything
 * the parser cannot (types, functions, dialect syntax). Problems come back as text for the repair prompt.
 */
import { classifyStatement, type StatementClass } from '../connections/classify';
import { splitStatements } from '../connections/splitter';
import type { Connection } from '../connections/types';
import type { CatalogSnapshot, SnapshotTable } from './schemaContext';
import { userMessage } from '../errors';

export interface StaticCheck {
  /** False when node-sql-parser could not parse the dialect-specific SQL (the dry run decides then). */
  parsed: boolean;
  problems: string[];
  tables: string[];
}

function parserDatabase(dialect: string): string {
  const d = dialect.toLowerCase();
  if (d === 'snowflake') return 'snowflake';
  if (d === 'mysql') return 'mysql';
  if (d === 'bigquery') return 'bigquery';
  // DuckDB's syntax is closest to PostgreSQL's.
  return 'postgresql';
}

const lastPart = (s: string) => s.split('.').pop()!.replace(/^"|"$/g, '');

function collectCteNames(ast: any, out: Set<string>): void {
  if (!ast || typeof ast !== 'object') return;
  if (Array.isArray(ast)) {
    for (const a of ast) collectCteNames(a, out);
    return;
  }
  if (Array.isArray(ast.with)) {
    for (const w of ast.with) {
      const n = typeof w?.name === 'string' ? w.name : w?.name?.value;
      if (n) out.add(String(n).toLowerCase());
    }
  }
  for (const v of Object.values(ast)) if (v && typeof v === 'object') collectCteNames(v, out);
}

/** Static check against the catalog. Never throws. */
export function checkAgainstCatalog(sql: string, snapshot: CatalogSnapshot): StaticCheck {
  let result: { tableList: string[]; columnList: string[]; ast: unknown };
  try {
    const { Parser } = require('node-sql-parser');
    result = new Parser().parse(sql, { database: parserDatabase(snapshot.dialect) });
  } catch {
    return { parsed: false, problems: [], tables: [] };
  }
  const ctes = new Set<string>();
  collectCteNames(result.ast, ctes);
  // Any alias the query defines (columns, derived tables, CTE column lists) may be referenced unqualified.
  const aliases = new Set([...sql.matchAll(/\bas\s+("?)([A-Za-z_][A-Za-z0-9_$]*)\1/gi)].map((m) => m[2].toLowerCase()));
  const byName = new Map<string, SnapshotTable[]>();
  for (const t of snapshot.tables) byName.set(t.name.toLowerCase(), [...(byName.get(t.name.toLowerCase()) ?? []), t]);

  const problems: string[] = [];
  const used: SnapshotTable[] = [];
  const tables: string[] = [];
  for (const entry of result.tableList) {
    const [, schemaRaw, nameRaw] = entry.split('::');
    const name = nameRaw.replace(/^"|"$/g, '').toLowerCase();
    if (ctes.has(name)) continue;
    const schema = schemaRaw && schemaRaw !== 'null' ? lastPart(schemaRaw).toLowerCase() : undefined;
    const candidates = (byName.get(name) ?? []).filter((t) => !schema || t.schema.toLowerCase() === schema);
    if (!candidates.length) {
      const display = schema ? `${schema}.${name}` : name;
      const near = snapshot.tables.filter((t) => t.name.toLowerCase().includes(name) || name.includes(t.name.toLowerCase())).slice(0, 3);
      problems.push(`Unknown table ${display}.${near.length ? ` Did you mean ${near.map((t) => `${t.schema}.${t.name}`).join(' or ')}?` : ''}`);
      continue;
    }
    used.push(...candidates);
    tables.push(...candidates.map((t) => `${t.schema}.${t.name}`));
  }
  if (!problems.length) {
    for (const entry of result.columnList) {
      const [, tableRaw, colRaw] = entry.split('::');
      if (!colRaw || colRaw === '(.*)' || colRaw === '*') continue;
      const col = colRaw.replace(/^"|"$/g, '').toLowerCase();
      if (aliases.has(col)) continue;
      const table = tableRaw && tableRaw !== 'null' ? lastPart(tableRaw).toLowerCase() : undefined;
      if (table && ctes.has(table)) continue;
      const scope = table ? used.filter((t) => t.name.toLowerCase() === table) : used;
      // A qualifier we cannot resolve (derived table alias) or no catalog tables in scope: leave it to the dry run.
      if (!scope.length) continue;
      if (!scope.some((t) => t.columns.some((c) => c.name.toLowerCase() === col))) {
        if (!table && (ctes.size > 0 || /\(\s*select\b/i.test(sql))) continue; // could come from a subquery
        const where = table ? ` in ${scope[0].schema}.${scope[0].name}` : ` in ${[...new Set(scope.map((t) => `${t.schema}.${t.name}`))].join(', ')}`;
        const near = scope.flatMap((t) => t.columns.map((c) => c.name)).filter((c) => c.toLowerCase().includes(col) || col.includes(c.toLowerCase())).slice(0, 3);
        problems.push(`Unknown column ${col}${where}.${near.length ? ` Did you mean ${near.join(' or ')}?` : ''}`);
      }
    }
  }
  return { parsed: true, problems: [...new Set(problems)], tables: [...new Set(tables)] };
}

export interface Validation {
  ok: boolean;
  problems: string[];
  statement: StatementClass;
  tables: string[];
}

/** One statement only: several would make "run" and the read-only promise ambiguous. */
export function statementCount(sql: string, dialect: string): number {
  return splitStatements(sql, { dialect }).length;
}

/**
 * Full check: shape, catalog names, then EXPLAIN on the connection (which does not execute the statement).
 * `dryRun: false` skips the EXPLAIN (e.g. when the connection is gone).
 */
export async function validateSql(
  sql: string,
  connection: Connection,
  snapshot: CatalogSnapshot,
  o: { signal?: AbortSignal; dryRun?: boolean } = {},
): Promise<Validation> {
  const dialect = connection.dialect;
  const statement = classifyStatement(sql, dialect);
  const n = statementCount(sql, dialect);
  if (n !== 1) return { ok: false, problems: [n === 0 ? 'The answer contained no SQL statement.' : `Write exactly one statement, not ${n}.`], statement, tables: [] };
  const stat = checkAgainstCatalog(sql, snapshot);
  if (stat.problems.length) return { ok: false, problems: stat.problems, statement, tables: stat.tables };
  if (o.dryRun !== false) {
    try {
      await connection.query(`EXPLAIN ${sql}`, { signal: o.signal, maxRows: 1, timeoutMs: 20_000 });
    } catch (err) {
      if (o.signal?.aborted) throw err;
      return { ok: false, problems: [`The database rejected it: ${userMessage(err)}`], statement, tables: stat.tables };
    }
  }
  return { ok: true, problems: [], statement, tables: stat.tables };
}
