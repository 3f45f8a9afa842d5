/**
 * Column-level lineage over node-sql-parser's AST: every output column of a query is traced to the physical
 * `table.column`s it is computed from, through CTEs, subqueries, aliases, UNION branches, window and aggregate
 * expressions, and `*` (expanded when a schema is known, otherwise reported as `table.*`).
 *
 * node-sql-parser's AST is loosely typed and differs between grammars, so every accessor here is defensive; when the
 * grammar rejects a statement we retry a few normalised spellings, and otherwise report why (tables still come from
 * the token scan, see tables.ts).
 */
import type { Dialect } from './dialects';
import { PARSER_DATABASE } from './dialects';
import { DATE_FUNCTION, DATE_PARTS, fastParse } from './fastSelect';
import { matchParen, tokenize } from './tokens';
import type { ColumnEdge, SchemaMap } from './types';

// node-sql-parser's AST is untyped JSON.
type Node = any;

interface ParserLike {
  astify(sql: string, opt: { database: string; parseOptions?: { includeLocations?: boolean } }): Node;
}

/** Statements larger than this skip the parser (PEG parsing is super-linear on pathological input). */
export const MAX_PARSE_CHARS = 200_000;

/** The parser recurses per nesting level; deeper statements would exhaust the stack slowly. */
export const MAX_PARSE_DEPTH = 100;

const parsers = new Map<string, ParserLike>();

/** Loads only the grammar a dialect needs, on first use (the full bundle is several MB). */
function parserFor(database: string): ParserLike {
  let p = parsers.get(database);
  if (p) return p;
  let mod: { Parser: new () => ParserLike };
  switch (database) {
    case 'Snowflake': mod = require('node-sql-parser/build/snowflake'); break;
    case 'BigQuery': mod = require('node-sql-parser/build/bigquery'); break;
    case 'MySQL': mod = require('node-sql-parser/build/mysql'); break;
    case 'MariaDB': mod = require('node-sql-parser/build/mariadb'); break;
    case 'TransactSQL': mod = require('node-sql-parser/build/transactsql'); break;
    case 'Redshift': mod = require('node-sql-parser/build/redshift'); break;
    case 'Hive': mod = require('node-sql-parser/build/hive'); break;
    case 'Trino': mod = require('node-sql-parser/build/trino'); break;
    case 'Sqlite': mod = require('node-sql-parser/build/sqlite'); break;
    case 'DB2': mod = require('node-sql-parser/build/db2'); break;
    default: mod = require('node-sql-parser/build/postgresql');
  }
  p = new mod.Parser();
  parsers.set(database, p);
  return p;
}

export interface ColumnContext {
  type: string;
  /** Source tables from the token scan, as written (used to name AST tables the same way). */
  sources: string[];
  targets: string[];
  schema?: SchemaMap;
}

export interface ColumnResult {
  edges: ColumnEdge[];
  columnsUsed: string[];
  /** Hop-by-hop edges through CTEs (see StatementLineage.cteLineage); only when the statement has CTEs. */
  cteEdges?: ColumnEdge[];
  cteReads?: Array<{ cte: string | null; reads: string[] }>;
  cteColumns?: Array<{ cte: string; columns: string[] }>;
  error?: string;
  problem?: { message: string; line: number; column: number };
}

/** Statement kinds whose AST we can trace; others carry no column flow (DDL, DELETE, …). */
const TRACED = new Set(['select', 'select_into', 'insert', 'update', 'create_table', 'create_view']);

export function analyzeColumns(sql: string, dialect: Dialect, ctx: ColumnContext): ColumnResult {
  // MERGE, COPY, UNLOAD, EXPORT and LOAD are traced piece by piece in movement.ts.
  if (!TRACED.has(ctx.type)) return { edges: [], columnsUsed: [] };
  if (sql.length > MAX_PARSE_CHARS) {
    return { edges: [], columnsUsed: [], error: `statement longer than ${MAX_PARSE_CHARS} characters: tables found by token scan, no column lineage` };
  }
  let depth = 0;
  let maxDepth = 0;
  for (let k = 0; k < sql.length; k++) {
    const c = sql.charCodeAt(k);
    if (c === 40) maxDepth = Math.max(maxDepth, ++depth);
    else if (c === 41) depth--;
  }
  if (maxDepth > MAX_PARSE_DEPTH) {
    return { edges: [], columnsUsed: [], error: `statement nested more than ${MAX_PARSE_DEPTH} parentheses deep: tables found by token scan, no column lineage` };
  }
  // Hops through CTEs are recorded beside the end-to-end lineage, only when a WITH can be there.
  const tracer = new Tracer(ctx, /\bwith\b/i.test(sql) ? newHops() : undefined);
  try {
    // dbt models are long chains of CTEs and the PEG parser is super-linear in statement length, so a leading WITH
    // list is parsed one CTE body at a time and the traced columns are handed to the main statement.
    const split = splitLeadingCtes(sql, dialect);
    const env: Env = new Map();
    const problems: Problem[] = [];
    let main = sql;
    let mainOffset = 0;
    if (split) {
      for (const c of split.ctes) {
        const parsed = parse(c.body, dialect);
        if ('problem' in parsed) {
          problems.push(at(sql, c.offset, parsed.problem, `CTE ${c.name}: `));
          env.set(c.name.toLowerCase(), tracer.defineCte(c.name, []));
          continue;
        }
        tracer.sql = parsed.text;
        let outs = tracer.inCte(c.name, () => tracer.query(firstStatement(parsed.ast), env));
        if (c.columns.length) outs = outs.map((o, k) => ({ name: c.columns[k] || o.name, sources: o.sources, hops: o.hops }));
        env.set(c.name.toLowerCase(), tracer.defineCte(c.name, outs));
      }
      main = split.rest;
      mainOffset = split.restOffset;
    }
    const parsed = parse(main, dialect);
    if ('problem' in parsed) problems.unshift(at(sql, mainOffset, parsed.problem, ''));
    const result: ColumnResult = { edges: [], columnsUsed: [] };
    if (!('problem' in parsed)) {
      tracer.sql = parsed.text;
      Object.assign(result, tracer.statement(firstStatement(parsed.ast), env));
      const hops = tracer.hopState;
      if (hops?.names.size) {
        result.cteEdges = hops.edges;
        result.cteReads = hops.reads;
        result.cteColumns = hops.columns;
      }
    }
    if (problems.length) {
      const p = problems[0];
      result.problem = { message: p.message, line: p.line, column: p.column };
      result.error = 'problem' in parsed
        ? `partly analysed: ${p.message}; tables found by token scan, no column lineage`
        : `partly analysed: ${p.message}; columns from that CTE are not traced`;
    }
    return result;
  } catch (err) {
    return { edges: [], columnsUsed: [], error: `column lineage failed: ${(err as Error).message}` };
  }
}

export interface QueryTrace {
  /** Output columns in order, each with the physical `table.column`s it is computed from. */
  columns: Array<{ name: string; sources: string[] }>;
  columnsUsed: string[];
}

/**
 * Output columns of one query text (a SELECT, possibly with WITH), for statements whose data flow is assembled from
 * pieces (MERGE branches, COPY/UNLOAD queries, multi-table INSERT). Returns the parse problem when it cannot be read.
 */
export function traceQuery(sql: string, dialect: Dialect, ctx: ColumnContext): QueryTrace | { problem: string; offset: number } {
  const parsed = parse(sql, dialect);
  if ('problem' in parsed) return { problem: parsed.problem.message, offset: parsed.problem.offset };
  const tracer = new Tracer(ctx);
  tracer.sql = parsed.text;
  const ast = firstStatement(parsed.ast);
  if (ast?.type !== 'select' && !ast?.ast) return { problem: 'not a query', offset: 0 };
  const columns = tracer.query(ast, new Map()).map((c) => ({ name: c.name, sources: [...c.sources] }));
  return { columns, columnsUsed: tracer.usedColumns() };
}

interface Problem {
  message: string;
  line: number;
  column: number;
}

function firstStatement(ast: Node): Node {
  return Array.isArray(ast) ? ast[0] : ast;
}

type ParseOutcome = { ast: Node; text: string } | { problem: { message: string; offset: number } };

/**
 * Parse results by (dialect, text), least recently used evicted. node-sql-parser needs milliseconds per CTE, so when
 * a model is edited only the CTEs whose text changed are parsed again. The tracer never mutates an AST.
 */
const PARSE_CACHE_SIZE = 2000;
const parseCache = new Map<string, ParseOutcome>();

export function clearParseCache(): void {
  parseCache.clear();
}

let fastSelectEnabled = true;

/** Tests compare the fast SELECT reader with node-sql-parser by turning it off; the parse cache is emptied. */
export function setFastSelect(enabled: boolean): void {
  fastSelectEnabled = enabled;
  parseCache.clear();
}

function parse(sql: string, dialect: Dialect): ParseOutcome {
  const key = `${dialect}\u0000${sql}`;
  const hit = parseCache.get(key);
  if (hit) {
    parseCache.delete(key);
    parseCache.set(key, hit);
    return hit;
  }
  const outcome = parseUncached(sql, dialect);
  parseCache.set(key, outcome);
  if (parseCache.size > PARSE_CACHE_SIZE) parseCache.delete(parseCache.keys().next().value as string);
  return outcome;
}

/** Parses with the dialect's grammar, retrying normalised spellings; reports the first failure's position. */
function parseUncached(sql: string, dialect: Dialect): ParseOutcome {
  const database = PARSER_DATABASE[dialect];
  let first: { message: string; offset: number } | undefined;
  // The hand-written reader covers most dbt/ETL SELECTs in a fraction of the PEG parser's time; it returns
  // undefined for anything it does not fully understand, and the grammar decides.
  const fast = fastSelectEnabled ? fastParse(sql, dialect) : undefined;
  if (fast) return { ast: fast, text: sql };
  const bare = bareSelect(sql, dialect);
  if (bare) return { problem: bare };
  for (const candidate of normalisations(sql, dialect)) {
    const fastNormalised = fastSelectEnabled && candidate !== sql ? fastParse(candidate, dialect) : undefined;
    if (fastNormalised) return { ast: fastNormalised, text: candidate };
    try {
      const ast = parserFor(database).astify(candidate, { database, parseOptions: { includeLocations: true } });
      if (ast) return { ast, text: candidate };
    } catch (err) {
      if (!first) first = parseProblem(err);
    }
  }
  return { problem: first ?? { message: 'unparseable statement', offset: 0 } };
}

/** Tokens after which SELECT can only start a subquery in parentheses. */
const NOT_BEFORE_SELECT = new Set(['SELECT', 'CASE', 'WHEN', 'THEN', 'ELSE', 'AND', 'OR', 'NOT', 'FROM', 'WHERE', 'ON', 'BY', 'HAVING']);

/**
 * A bare SELECT where only a parenthesised subquery may stand (`SELECT SELECT`, `CASE SELECT`, `, SELECT`, `= SELECT`):
 * half-typed SQL that sends node-sql-parser's backtracking into seconds or minutes, so it is reported without it.
 */
function bareSelect(sql: string, dialect: Dialect): { message: string; offset: number } | undefined {
  const t = tokenize(sql, { dialect });
  for (let i = 1; i < t.length; i++) {
    if (t[i].upper !== 'SELECT') continue;
    const prev = t[i - 1];
    const misplaced = prev.kind === 'word' ? NOT_BEFORE_SELECT.has(prev.upper) : prev.kind === 'punct' && prev.value !== '(' && prev.value !== ')';
    if (misplaced) return { message: `unexpected 'SELECT'`, offset: t[i].start };
  }
  return undefined;
}

/** A problem at `offset` inside a piece starting at `pieceOffset` of `sql`, as a 0-based line/column of `sql`. */
function at(sql: string, pieceOffset: number, p: { message: string; offset: number }, prefix: string): Problem {
  const abs = Math.min(sql.length, pieceOffset + p.offset);
  const before = sql.slice(0, abs);
  const line = before.split('\n').length - 1;
  const column = abs - (before.lastIndexOf('\n') + 1);
  return { message: `${prefix}${p.message} at line ${line + 1}, column ${column + 1}`, line, column };
}

/**
 * `WITH a AS (…), b (x) AS (…) <rest>` → the CTE bodies (with their offsets) and the rest. Recursive CTEs refer to
 * themselves, so they are left to the whole-statement parse.
 */
function splitLeadingCtes(sql: string, dialect: Dialect): { ctes: Array<{ name: string; columns: string[]; body: string; offset: number }>; rest: string; restOffset: number } | undefined {
  const t = tokenize(sql, { dialect });
  if (t[0]?.upper !== 'WITH' || t[1]?.upper === 'RECURSIVE') return undefined;
  const ctes: Array<{ name: string; columns: string[]; body: string; offset: number }> = [];
  let i = 1;
  for (;;) {
    const name = t[i];
    if (!name || (name.kind !== 'word' && name.kind !== 'qident')) return undefined;
    i++;
    const columns: string[] = [];
    if (t[i]?.kind === 'punct' && t[i].value === '(') {
      const close = matchParen(t, i);
      for (let k = i + 1; k < close; k++) if (t[k].kind === 'word' || t[k].kind === 'qident') columns.push(t[k].value);
      i = close + 1;
    }
    if (t[i]?.upper !== 'AS') return undefined;
    i++;
    if (t[i]?.upper === 'NOT') i++;
    if (t[i]?.upper === 'MATERIALIZED') i++;
    if (!(t[i]?.kind === 'punct' && t[i].value === '(')) return undefined;
    const close = matchParen(t, i);
    if (close >= t.length) return undefined;
    ctes.push({ name: name.value, columns, body: sql.slice(t[i].end, t[close].start), offset: t[i].end });
    i = close + 1;
    if (t[i]?.kind === 'punct' && t[i].value === ',') {
      i++;
      continue;
    }
    break;
  }
  if (!t[i]) return undefined;
  return { ctes, rest: sql.slice(t[i].start), restOffset: t[i].start };
}

function parseProblem(err: unknown): { message: string; offset: number } {
  const e = err as { message?: string; location?: { start?: { offset: number } }; found?: string };
  const loc = e.location?.start;
  if (!loc) return { message: (e.message ?? 'parse error').split('\n')[0].slice(0, 160), offset: 0 };
  const found = e.found !== undefined && e.found !== null ? `unexpected '${e.found}'` : 'syntax not supported by the parser';
  return { message: found, offset: loc.offset };
}

/**
 * Spellings of the same statement the grammars accept more often: `WITH … INSERT` → `INSERT … WITH …`, Hive's
 * `INSERT OVERWRITE TABLE t PARTITION (…)` → `INSERT INTO t`, `LATERAL VIEW` clauses dropped, trailing `;` removed.
 */
function normalisations(sql: string, dialect: Dialect): string[] {
  const out = [sql];
  let s = sql;
  const toks = tokenize(s, { dialect });
  // WITH … INSERT INTO t (cols) SELECT … → INSERT INTO t (cols) WITH … SELECT …
  if (toks[0]?.upper === 'WITH') {
    let depth = 0;
    let insertAt = -1;
    let selectAt = -1;
    for (let k = 0; k < toks.length; k++) {
      const tk = toks[k];
      if (tk.kind === 'punct' && tk.value === '(') depth++;
      else if (tk.kind === 'punct' && tk.value === ')') depth--;
      else if (depth === 0 && insertAt < 0 && (tk.upper === 'INSERT')) insertAt = k;
      else if (depth === 0 && insertAt >= 0 && (tk.upper === 'SELECT' || tk.upper === 'WITH')) {
        selectAt = k;
        break;
      }
    }
    if (insertAt > 0 && selectAt > 0) {
      s = s.slice(toks[insertAt].start, toks[selectAt].start) + ' ' + s.slice(0, toks[insertAt].start) + s.slice(toks[selectAt].start);
      out.push(s);
    }
  }
  let h = s
    .replace(/\bINSERT\s+OVERWRITE\s+TABLE\b/gi, 'INSERT INTO')
    .replace(/\bINSERT\s+OVERWRITE\b/gi, 'INSERT INTO')
    .replace(/\bINSERT\s+INTO\s+TABLE\b/gi, 'INSERT INTO')
    .replace(/\bLATERAL\s+VIEW\s+(OUTER\s+)?\w+\s*\([^()]*\)\s*\w*\s*(AS\s+)?\w+(\s*,\s*\w+)*/gi, ' ')
    .replace(/\bCREATE\s+(OR\s+REPLACE\s+)?(TEMP|TEMPORARY|TRANSIENT|VOLATILE)\s+TABLE\b/gi, 'CREATE TABLE')
    .replace(/\bCREATE\s+OR\s+REPLACE\s+TABLE\b/gi, 'CREATE TABLE');
  h = h.replace(/(INSERT\s+INTO\s+[\w.`"]+\s+)PARTITION\s*\([^()]*\)/gi, '$1');
  if (h !== s) out.push(h);
  return out;
}

// ---- tracing -----------------------------------------------------------------------------------------------------

interface OutCol {
  name: string;
  sources: Set<string>;
  /**
   * While recording hops: what the column is computed from one step back, a CTE column being `cte:<name>.<col>`
   * (subqueries are transparent). Undefined means the same as `sources`.
   */
  hops?: Set<string>;
}

const hopsOf = (c: OutCol): Set<string> => c.hops ?? c.sources;

interface Relation {
  /** Alias or name used to qualify its columns (lower-case). */
  key: string;
  /** Physical table as named in the result, when it is one. */
  table?: string;
  /** Known columns: a derived table's outputs, or a physical table's schema. */
  columns?: OutCol[];
  /** Table functions (UNNEST, LATERAL VIEW explode, FLATTEN): any column of theirs comes from these sources. */
  anyColumn?: Set<string>;
  /** Right side of a semi/anti join: filters rows, contributes no columns to the select list. */
  semi?: boolean;
  /** The CTE it reads, as defined (only while recording hops). */
  cte?: string;
  /** `anyColumn` one step back (see OutCol.hops). */
  anyHops?: Set<string>;
}

type Env = Map<string, OutCol[]>;

/** What the hop-recording tracer collects (see StatementLineage.cteLineage / cteReads). */
interface HopState {
  edges: ColumnEdge[];
  seen: Set<string>;
  reads: Array<{ cte: string | null; reads: string[] }>;
  /** CTE being traced, innermost last; null for the statement's own query. */
  owners: Array<string | null>;
  /** CTE names as defined, by lower-case name. */
  names: Map<string, string>;
  columns: Array<{ cte: string; columns: string[] }>;
  /** Recursive CTEs whose body is being traced (lower-case name → as defined): there the name reads the CTE itself. */
  recursive: Map<string, string>;
}

function newHops(): HopState {
  return { edges: [], seen: new Set(), reads: [], owners: [null], names: new Map(), columns: [], recursive: new Map() };
}

function addHop(h: HopState, sources: Iterable<string>, target: string): void {
  for (const s of sources) {
    // Exact spelling: the same edge differing only in case is rare, and the view compares case-insensitively anyway.
    const k = `${s}\u0000${target}`;
    if (h.seen.has(k)) continue;
    h.seen.add(k);
    h.edges.push({ source: s, target });
  }
}

function text(x: Node): string | undefined {
  if (x === null || x === undefined) return undefined;
  if (typeof x === 'string') return x;
  if (typeof x === 'number') return String(x);
  if (typeof x.value === 'string') return x.value;
  if (x.expr !== undefined) return text(x.expr);
  return undefined;
}

class Tracer {
  private readonly used = new Set<string>();
  /** FROM relations of the enclosing SELECTs, innermost last: correlated subqueries and LATERAL read them. */
  private readonly scopes: Relation[][] = [];
  /** The text the current AST was parsed from: unaliased expressions are named by their source text, as written. */
  sql = '';
  constructor(private readonly ctx: ColumnContext, readonly hopState?: HopState) {}

  /** Traces a CTE body with its reads attributed to that CTE. */
  inCte<T>(name: string, f: () => T, recursive = false): T {
    const h = this.hopState;
    if (!h) return f();
    h.owners.push(name);
    const key = name.toLowerCase();
    const outer = h.recursive.get(key);
    if (recursive) h.recursive.set(key, name);
    else h.recursive.delete(key);
    try {
      return f();
    } finally {
      h.owners.pop();
      if (outer !== undefined) h.recursive.set(key, outer);
      else h.recursive.delete(key);
    }
  }

  /** The env entry of a traced CTE; recording hops, its columns' one-step sources become edges into it. */
  defineCte(name: string, outs: OutCol[]): OutCol[] {
    const h = this.hopState;
    if (!h) return outs;
    h.names.set(name.toLowerCase(), name);
    h.columns.push({ cte: name, columns: outs.map((o) => o.name) });
    for (const o of outs) addHop(h, hopsOf(o), `cte:${name}.${o.name}`);
    return outs;
  }

  private hopSet(): Set<string> | undefined {
    return this.hopState ? new Set() : undefined;
  }

  /** A relation's column one step back: the CTE column itself, or what a subquery's column is computed from. */
  private hopsVia(r: Relation, c: OutCol): Set<string> | undefined {
    if (!this.hopState) return undefined;
    return r.cte ? new Set([`cte:${r.cte}.${c.name}`]) : new Set(hopsOf(c));
  }

  private read(relation: string): void {
    const h = this.hopState;
    if (!h) return;
    const owner = h.owners[h.owners.length - 1];
    let entry = h.reads.find((r) => r.cte === owner);
    if (!entry) h.reads.push((entry = { cte: owner, reads: [] }));
    if (!entry.reads.some((r) => r.toLowerCase() === relation.toLowerCase())) entry.reads.push(relation);
  }

  usedColumns(): string[] {
    return [...this.used];
  }

  statement(stmt: Node, env: Env = new Map()): ColumnResult {
    const edges: ColumnEdge[] = [];
    const seen = new Set<string>();
    const add = (sources: Iterable<string>, target: string) => {
      for (const s of sources) {
        const key = `${s}\u0000${target}`.toLowerCase();
        if (!seen.has(key)) {
          seen.add(key);
          edges.push({ source: s, target });
        }
      }
    };
    const hop = (from: Set<string>, to: string) => {
      if (this.hopState) addHop(this.hopState, from, to);
    };
    const target = this.ctx.targets[0];
    switch (stmt?.type) {
      case 'select': {
        const outs = this.query(stmt, env);
        const into = target && (stmt.into?.expr || this.ctx.type === 'select_into');
        for (const c of outs) {
          add(c.sources, into ? `${target}.${c.name}` : c.name);
          hop(hopsOf(c), into ? `${target}.${c.name}` : c.name);
        }
        break;
      }
      case 'insert':
      case 'replace': {
        const values = stmt.values;
        const q = values?.type === 'select' ? values : values?.ast ?? (values?.type !== 'values' ? values : undefined);
        if (!q || q.type !== 'select' || !target) break;
        const outs = this.query(q, env);
        const cols: string[] | undefined = Array.isArray(stmt.columns) && stmt.columns.length ? stmt.columns.map((c: Node) => text(c) ?? '?') : this.schemaOf(target)?.map((c) => c.name);
        outs.forEach((c, k) => {
          const name = cols ? cols[k] : c.name;
          if (name !== undefined) {
            add(c.sources, `${target}.${name}`);
            hop(hopsOf(c), `${target}.${name}`);
          }
        });
        break;
      }
      case 'create': {
        const q = stmt.query_expr ?? stmt.select ?? stmt.as?.ast;
        if (!q || typeof q !== 'object' || !target) break;
        const outs = this.query(q.ast ?? q, env);
        const cols: string[] | undefined = Array.isArray(stmt.columns) && stmt.columns.length ? stmt.columns.map((c: Node) => text(c) ?? '?') : undefined;
        outs.forEach((c, k) => {
          add(c.sources, `${target}.${cols ? cols[k] ?? c.name : c.name}`);
          hop(hopsOf(c), `${target}.${cols ? cols[k] ?? c.name : c.name}`);
        });
        break;
      }
      case 'update': {
        if (!target) break;
        const rels = this.fromRelations([...(stmt.table ?? []), ...(stmt.from ?? [])], env);
        for (const s of stmt.set ?? []) {
          const col = text(s.column);
          if (!col) continue;
          const hs = this.hopSet();
          add(this.exprSources(s.value, rels, env, hs), `${target}.${col}`);
          if (hs) hop(hs, `${target}.${col}`);
        }
        this.clauseRefs(stmt.where, rels, env);
        break;
      }
    }
    return { edges, columnsUsed: [...this.used] };
  }

  /** Output columns of a SELECT (with its UNION/INTERSECT branches merged by position). */
  query(q: Node, outer: Env): OutCol[] {
    if (!q || typeof q !== 'object') return [];
    if (q.ast) return this.query(q.ast, outer);
    const env: Env = new Map(outer);
    for (const w of q.with ?? []) {
      const name = text(w.name);
      if (!name) continue;
      const body = w.stmt?.ast ?? w.stmt;
      let outs = this.inCte(name, () => this.query(body, env), !!w.recursive);
      const renamed = (w.columns ?? []).map((c: Node) => text(c.column ?? c) ?? '');
      if (renamed.length) outs = outs.map((o, k) => ({ name: renamed[k] || o.name, sources: o.sources, hops: o.hops }));
      env.set(name.toLowerCase(), this.defineCte(name, outs));
    }
    const outs = this.select(q, env);
    let next = q._next;
    while (next) {
      const branch = this.select(next, env);
      branch.forEach((b, k) => {
        if (!outs[k]) return;
        // Hops first: an undefined `hops` shares the `sources` set about to grow.
        if (this.hopState) outs[k].hops = new Set([...hopsOf(outs[k]), ...hopsOf(b)]);
        for (const s of b.sources) outs[k].sources.add(s);
      });
      next = next._next;
    }
    return outs;
  }

  private select(q: Node, env: Env): OutCol[] {
    if (q.type !== 'select') return q.ast ? this.query(q.ast, env) : [];
    const rels: Relation[] = [];
    this.scopes.push(rels);
    try {
      return this.selectIn(q, env, rels);
    } finally {
      this.scopes.pop();
    }
  }

  private selectIn(q: Node, env: Env, rels: Relation[]): OutCol[] {
    this.fromRelations(q.from ?? [], env, rels);
    const outs: OutCol[] = [];
    const columns = q.columns === '*' ? [{ expr: { type: 'column_ref', table: null, column: '*' } }] : q.columns ?? [];
    columns.forEach((c: Node, k: number) => {
      const e = c.expr ?? c;
      if (e?.type === 'column_ref' && text(e.column) === '*' ) {
        // `* EXCLUDE (a)` / `* EXCEPT (a)`: the expansion without those names (an unexpanded `t.*` stays).
        const exclude = new Set<string>((Array.isArray(e.exclude) ? e.exclude : []).map((x: Node) => String(text(x) ?? '').toLowerCase()));
        const expanded = this.star(text(e.table), rels).filter((o) => !exclude.has(o.name.toLowerCase()));
        // `* REPLACE (expr AS name)`: that column is computed by expr, in its place (or added when `*` stays whole).
        for (const r of Array.isArray(e.replace) ? e.replace : []) {
          const name = String(text(r.as) ?? '');
          const hops = this.hopSet();
          const col = { name, sources: this.exprSources(r.expr, rels, env, hops), hops };
          const k = expanded.findIndex((o) => o.name.toLowerCase() === name.toLowerCase());
          if (k >= 0) expanded[k] = col;
          else expanded.push(col);
        }
        outs.push(...expanded);
        return;
      }
      if (e?.type === 'star' || (e?.type === 'column_ref' && e.column === '*')) {
        outs.push(...this.star(undefined, rels));
        return;
      }
      const written = e?.loc ? this.sql.slice(e.loc.start.offset, e.loc.end.offset).trim() : '';
      const name = text(c.as) ?? (e?.type === 'column_ref' ? text(e.column) : undefined) ?? (written || `_col${k}`);
      const hops = this.hopSet();
      outs.push({ name, sources: this.exprSources(e, rels, env, hops), hops });
    });
    for (const clause of [q.where, q.having, q.groupby, q.qualify]) this.clauseRefs(clause, rels, env);
    return outs;
  }

  /** Records the columns a filter/grouping clause uses (they shape the result but are not copied into it). */
  private clauseRefs(clause: Node, rels: Relation[], env: Env): void {
    if (clause) this.exprSources(clause, rels, env);
  }

  private fromRelations(from: Node[], env: Env, rels: Relation[] = []): Relation[] {
    for (const f of from) {
      if (!f || typeof f !== 'object') continue;
      const before = rels.length;
      const alias = text(f.as);
      const sub = f.expr?.ast ?? (f.expr?.type === 'select' ? f.expr : undefined);
      if (sub) {
        rels.push({ key: (alias ?? '').toLowerCase(), columns: this.query(sub, env) });
      } else if (typeof f.table === 'string') {
        const cte = !f.db && !f.schema ? env.get(f.table.toLowerCase()) : undefined;
        if (cte) {
          const defined = this.hopState ? this.hopState.names.get(f.table.toLowerCase()) ?? f.table : undefined;
          rels.push({ key: (alias ?? f.table).toLowerCase(), columns: cte, cte: defined });
          this.read(`cte:${defined}`);
        } else {
          const table = this.tableName(f);
          // A recursive CTE reading itself: physical for the end-to-end lineage (as before), the CTE for the hops.
          const self = this.hopState && !f.db && !f.schema ? this.hopState.recursive.get(f.table.toLowerCase()) : undefined;
          this.read(self ? `cte:${self}` : table);
          const schema = this.schemaOf(table);
          rels.push({ key: (alias ?? f.table).toLowerCase(), table, columns: schema?.map((n) => ({ name: n.name, sources: new Set([`${table}.${n.name}`]) })), cte: self });
        }
      } else if (f.expr) {
        // UNNEST(arr) AS x, LATERAL VIEW explode(arr) v AS x, FLATTEN(input => arr) f: their columns come from the
        // argument expressions (BigQuery's `UNNEST(arr) AS x` names the element itself `x`).
        const hops = this.hopSet();
        const sources = this.exprSources(f.expr, rels, env, hops);
        const names: string[] = Array.isArray(f.columns) && f.columns.length ? f.columns.map((c: Node) => text(c) ?? '') : [text(f.as) ?? '_unnest'];
        rels.push({ key: (alias ?? '').toLowerCase(), columns: names.map((name) => ({ name, sources: new Set(sources), hops: hops && new Set(hops) })), anyColumn: sources, anyHops: hops });
      }
      if (rels.length > before && /\b(SEMI|ANTI)\b/i.test(String(f.join ?? ''))) rels[rels.length - 1].semi = true;
      if (f.on) this.clauseRefs(f.on, rels, env);
    }
    return rels;
  }

  /** Names an AST table the way the token scan wrote it (qualification and case as written). */
  private tableName(f: Node): string {
    const parts = [f.catalog && f.catalog !== f.db ? f.catalog : undefined, f.db, f.schema, f.table].filter((p) => typeof p === 'string' && p) as string[];
    const astName = f.table.includes('.') ? f.table : [...new Set(parts)].join('.');
    const lower = astName.toLowerCase();
    const last = String(f.table).toLowerCase().split('.').pop()!;
    const exact = this.ctx.sources.find((s) => s.toLowerCase() === lower);
    if (exact) return exact;
    const bySuffix = this.ctx.sources.filter((s) => s.toLowerCase().split('.').pop() === last);
    if (bySuffix.length === 1) return bySuffix[0];
    return astName;
  }

  private schemaOf(table: string): OutCol[] | undefined {
    const schema = this.ctx.schema;
    if (!schema) return undefined;
    const key = Object.keys(schema).find((k) => k.toLowerCase() === table.toLowerCase())
      ?? Object.keys(schema).find((k) => k.toLowerCase().split('.').pop() === table.toLowerCase().split('.').pop());
    return key ? schema[key].map((name) => ({ name, sources: new Set([`${table}.${name}`]) })) : undefined;
  }

  private star(qualifier: string | undefined, rels: Relation[]): OutCol[] {
    const chosen = qualifier ? rels.filter((r) => r.key === qualifier.toLowerCase() || r.table?.toLowerCase().split('.').pop() === qualifier.toLowerCase()) : rels.filter((r) => !r.semi);
    const out: OutCol[] = [];
    for (const r of chosen) {
      if (r.columns) out.push(...r.columns.map((c) => ({ name: c.name, sources: new Set(c.sources), hops: this.hopsVia(r, c) })));
      else if (r.table) {
        this.used.add(`${r.table}.*`);
        out.push({ name: '*', sources: new Set([`${r.table}.*`]) });
      }
    }
    return out;
  }

  /** Every physical column an expression is computed from (walks functions, CASE, windows, casts, subqueries). */
  private exprSources(e: Node, rels: Relation[], env: Env, hops?: Set<string>): Set<string> {
    const out = new Set<string>();
    const visit = (n: Node): void => {
      if (!n || typeof n !== 'object') return;
      if (Array.isArray(n)) {
        n.forEach(visit);
        return;
      }
      if (n.type === 'column_ref') {
        for (const s of this.resolve(text(n.table), text(n.column), rels, hops)) out.add(s);
        return;
      }
      if (n.ast || n.type === 'select') {
        for (const c of this.query(n.ast ?? n, env)) {
          for (const s of c.sources) out.add(s);
          if (hops) for (const s of hopsOf(c)) hops.add(s);
        }
        return;
      }
      if (n.type === 'function' && Array.isArray(n.args?.value) && DATE_FUNCTION.test(String(text(n.name?.name?.[0]) ?? n.name ?? ''))) {
        // DATEADD(day, …) as node-sql-parser reads it: `day` is the unit, not a column.
        const isUnit = (a: Node) => a?.type === 'column_ref' && !a.table && DATE_PARTS.has(String(text(a.column) ?? '').toUpperCase());
        visit(n.args.value.filter((a: Node) => !isUnit(a)));
        for (const [k, v] of Object.entries(n)) if (k !== 'args' && k !== 'loc' && v && typeof v === 'object') visit(v);
        return;
      }
      for (const [k, v] of Object.entries(n)) if (k !== 'loc' && v && typeof v === 'object') visit(v);
    };
    visit(e);
    return out;
  }

  /** The physical columns a column reference reads; its one-step sources go into `hops` when given. */
  private resolve(qualifier: string | undefined, column: string | undefined, rels: Relation[], hops?: Set<string>): string[] {
    // Placeholders for Jinja expressions and var() (see jinja.ts) are not columns.
    if (!column || column === '*' || /^__(jinja|var)_\w+$/.test(column)) return [];
    const col = column.toLowerCase();
    let candidates: Relation[];
    if (qualifier) {
      const q = qualifier.toLowerCase();
      candidates = rels.filter((r) => r.key === q);
      if (!candidates.length) candidates = rels.filter((r) => r.table?.toLowerCase().split('.').pop() === q.split('.').pop());
      // A correlated reference to an enclosing query's table (`WHERE m.id = base.id`, LATERAL (… c.id)).
      for (let k = this.scopes.length - 1; k >= 0 && !candidates.length; k--) {
        if (this.scopes[k] !== rels) candidates = this.scopes[k].filter((r) => r.key === q);
      }
    } else if (rels.length === 1) candidates = rels;
    else {
      // Unqualified in a join: the relation that is known to have it; else the only one that may have it (a table
      // whose columns are unknown, or a CTE/subquery passing `*` through from one).
      candidates = rels.filter((r) => r.columns?.some((c) => c.name.toLowerCase() === col));
      if (!candidates.length) {
        const open = rels.filter((r) => !r.semi && (r.columns ? !r.table && r.columns.some((c) => c.name === '*') : !!r.table));
        candidates = open.length === 1 ? open : [];
      }
    }
    const r = candidates[0];
    if (!r) return [];
    if (r.columns) {
      const hit = r.columns.find((c) => c.name.toLowerCase() === col);
      if (hit) {
        for (const s of hit.sources) this.used.add(s);
        if (hops) {
          if (r.cte) hops.add(`cte:${r.cte}.${hit.name}`);
          else for (const s of hopsOf(hit)) hops.add(s);
        }
        return [...hit.sources];
      }
      if (r.anyColumn) {
        for (const s of r.anyColumn) this.used.add(s);
        if (hops) for (const s of r.anyHops ?? r.anyColumn) hops.add(s);
        return [...r.anyColumn];
      }
      if (!r.table) {
        // A derived table without that name but with a `*` passthrough.
        const star = r.columns.find((c) => c.name === '*');
        if (star) {
          const out = [...star.sources].map((s) => s.replace(/\*$/, column));
          out.forEach((s) => this.used.add(s));
          if (hops) {
            if (r.cte) hops.add(`cte:${r.cte}.${column}`);
            else for (const s of hopsOf(star)) hops.add(s.replace(/\*$/, column));
          }
          return out;
        }
        return [];
      }
    }
    if (!r.table) return [];
    const name = `${r.table}.${column}`;
    this.used.add(name);
    hops?.add(r.cte ? `cte:${r.cte}.${column}` : name);
    return [name];
  }
}
