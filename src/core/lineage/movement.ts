/**
 * Column lineage of statements that move data without being a plain query, which no node-sql-parser grammar reads:
 * MERGE (UPDATE SET / INSERT branches), COPY and UNLOAD to and from paths, BigQuery EXPORT DATA, Hive LOAD DATA,
 * INSERT OVERWRITE DIRECTORY, multi-table INSERT ALL/FIRST, Hive multi-insert (FROM … INSERT … INSERT …) and
 * CREATE TABLE … CLONE.
 *
 * Each is cut into plain queries over the original text (e.g. a MERGE's `UPDATE SET a = s.x + t.y` becomes
 * `SELECT s.x + t.y FROM <source> JOIN <target> ON <condition>`) and those are traced like any SELECT; table names
 * come from the token scan, so they are written exactly as in the table lineage.
 */
import type { Dialect } from './dialects';
import { traceQuery, type ColumnContext, type ColumnResult, type QueryTrace } from './columns';
import { matchParen, tokenize, type Token } from './tokens';
import { qualifiedName } from './tables';

/** The statements this module traces; `insert` only when it writes a path, or several tables in one statement. */
export function isMovement(type: string, targets: string[], sql: string, dialect: Dialect): boolean {
  if (['merge', 'copy', 'unload', 'export', 'load'].includes(type)) return true;
  if (type === 'create_table') return /\b(clone|like)\b/i.test(sql) && copiesTable(tokenize(sql, { dialect })) !== undefined;
  if (type !== 'insert') return false;
  if (targets.some((t) => t.startsWith('path:'))) return true;
  const t = tokenize(sql.slice(0, 200), { dialect });
  return (t[0]?.upper === 'INSERT' && (t[1]?.upper === 'ALL' || t[1]?.upper === 'FIRST')) || t[0]?.upper === 'FROM';
}

export function movementColumns(sql: string, dialect: Dialect, type: string, ctx: ColumnContext): ColumnResult {
  const t = tokenize(sql, { dialect }).filter((x) => !(x.kind === 'punct' && x.value === ';'));
  const flow = new Flow(sql, dialect, ctx);
  try {
    if (type === 'merge') merge(t, flow);
    else if (type === 'copy') copy(t, flow);
    else if (type === 'unload') unload(t, flow);
    else if (type === 'export') exportData(t, flow);
    else if (type === 'load') load(flow);
    // CREATE TABLE a CLONE b copies b's data; CREATE TABLE a LIKE b copies only its structure.
    else if (type === 'create_table') {
      if (copiesTable(t) === 'CLONE') load(flow);
    } else if (t[0]?.upper === 'FROM') fromFirstInsert(t, flow);
    else if (t[1]?.upper === 'ALL' || t[1]?.upper === 'FIRST') multiInsert(t, flow);
    else insertDirectory(t, flow);
  } catch (err) {
    flow.fail((err as Error).message);
  }
  return flow.result();
}

class Flow {
  private readonly edges: ColumnResult['edges'] = [];
  private readonly seen = new Set<string>();
  private readonly used = new Set<string>();
  private problem: { message: string; line?: number; column?: number } | undefined;
  /** A WITH list that scopes the assembled queries (WITH … MERGE). */
  prefix = '';

  constructor(readonly sql: string, readonly dialect: Dialect, readonly ctx: ColumnContext) {}

  text(t: Token[], lo: number, hi: number): string {
    return lo < hi ? this.sql.slice(t[lo].start, t[hi - 1].end) : '';
  }

  /**
   * Traces a query; on a parse problem records it (the statement becomes partial) and returns undefined. `at` is
   * where the query's text starts in the statement: exact when the query is a slice of it, else where the clause the
   * query was assembled from begins.
   */
  trace(query: string, what: string, at?: { start: number; exact: boolean }): QueryTrace | undefined {
    const r = traceQuery(this.prefix ? `${this.prefix} ${query}` : query, this.dialect, this.ctx);
    if ('problem' in r) {
      if (!this.problem) {
        const abs = at ? Math.min(this.sql.length, at.start + (at.exact ? r.offset : 0)) : undefined;
        if (abs === undefined) this.problem = { message: `${what}: ${r.problem}` };
        else {
          const before = this.sql.slice(0, abs);
          const line = before.split('\n').length - 1;
          const column = abs - (before.lastIndexOf('\n') + 1);
          this.problem = { message: `${what}: ${r.problem} at line ${line + 1}, column ${column + 1}`, line, column };
        }
      }
      return undefined;
    }
    for (const u of r.columnsUsed) this.used.add(u);
    return r;
  }

  edge(source: string, target: string): void {
    // `SET t.total = t.total + s.amount`: the column's own old value is not a flow between tables.
    if (source.toLowerCase() === target.toLowerCase()) return;
    const key = `${source}\u0000${target}`.toLowerCase();
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.edges.push({ source, target });
  }

  /** Output columns → `target.<name>`, names from an explicit list (by position) or the outputs' own. */
  map(trace: QueryTrace, target: string, names?: string[]): void {
    trace.columns.forEach((c, k) => {
      const name = names && names.length ? names[k] : c.name;
      if (name === undefined) return;
      for (const s of c.sources) this.edge(s, `${target}.${name}`);
    });
  }

  /** Known columns of a table from the schema, as in the column tracer (case-insensitive, then by last part). */
  schemaOf(table: string): string[] | undefined {
    const schema = this.ctx.schema;
    if (!schema || table.startsWith('path:')) return undefined;
    const lower = table.toLowerCase();
    const key = Object.keys(schema).find((k) => k.toLowerCase() === lower)
      ?? Object.keys(schema).find((k) => k.toLowerCase().split('.').pop() === lower.split('.').pop());
    return key ? schema[key] : undefined;
  }

  /** Whole-table copy: column by column when the columns are known, otherwise `src.* → dst.*`. */
  copyTable(source: string, target: string, columns?: string[]): void {
    const cols = columns?.length ? columns : this.schemaOf(source) ?? this.schemaOf(target);
    if (!cols) {
      this.edge(`${source}.*`, `${target}.*`);
      return;
    }
    for (const c of cols) {
      this.edge(`${source}.${c}`, `${target}.${c}`);
      if (!source.startsWith('path:')) this.used.add(`${source}.${c}`);
    }
  }

  fail(message: string): void {
    if (!this.problem) this.problem = { message };
  }

  result(): ColumnResult {
    const r: ColumnResult = { edges: this.edges, columnsUsed: [...this.used] };
    const p = this.problem;
    if (p) {
      r.error = `partly analysed: ${p.message}; tables found by token scan`;
      if (p.line !== undefined && p.column !== undefined) r.problem = { message: p.message, line: p.line, column: p.column };
    }
    return r;
  }
}

function isPunct(tok: Token | undefined, v: string): boolean {
  return tok !== undefined && tok.kind === 'punct' && tok.value === v;
}

function isWord(tok: Token | undefined, upper: string): boolean {
  return tok !== undefined && tok.kind === 'word' && tok.upper === upper;
}

/** Index of the first top-level token in [lo, hi) that is one of `words`, or hi. */
function findTop(t: Token[], lo: number, hi: number, words: string[]): number {
  for (let i = lo; i < hi; i++) {
    if (isPunct(t[i], '(')) i = matchParen(t, i, hi);
    else if (t[i].kind === 'word' && words.includes(t[i].upper)) return i;
  }
  return hi;
}

/** Splits [lo, hi) at top-level commas into [start, end) ranges. */
function splitCommas(t: Token[], lo: number, hi: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = lo;
  for (let i = lo; i < hi; i++) {
    if (isPunct(t[i], '(')) i = matchParen(t, i, hi);
    else if (isPunct(t[i], ',')) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  if (start < hi) out.push([start, hi]);
  return out;
}

/** `(a, b, c)` at `open` → the names (last part of each, quotes removed) and the index after `)`. */
function nameList(t: Token[], open: number): [string[], number] {
  const close = matchParen(t, open);
  const names = splitCommas(t, open + 1, close).map(([, b]) => t[b - 1]?.value ?? '').filter((n) => n !== '');
  return [names, close + 1];
}

/** `[AS] alias` after a table or subquery, when it is one; returns [alias text range end, alias]. */
function alias(t: Token[], i: number, stop: string[]): [number, string | undefined] {
  if (isWord(t[i], 'AS')) i++;
  const tok = t[i];
  if (tok && (tok.kind === 'qident' || (tok.kind === 'word' && !stop.includes(tok.upper)))) return [i + 1, tok.value];
  return [i, undefined];
}

/**
 * MERGE INTO target [AS] t USING source|(query) [AS] s ON cond
 *   WHEN MATCHED [AND c] THEN UPDATE SET col = expr, … | DELETE
 *   WHEN NOT MATCHED [BY TARGET] [AND c] THEN INSERT [(cols)] VALUES (exprs) | INSERT * | INSERT ROW
 */
function merge(t: Token[], flow: Flow): void {
  const target = flow.ctx.targets[0];
  if (!target) return;
  // WITH c AS (…) MERGE …: the CTEs scope every query assembled from the MERGE.
  const m = findTop(t, 0, t.length, ['MERGE']);
  if (m > 0) flow.prefix = flow.text(t, 0, m);
  let i = m + 1;
  if (isWord(t[i], 'INTO')) i++;
  const targetStart = i;
  i = qualifiedName(t, i, t.length)[1];
  [i] = alias(t, i, ['USING']);
  const targetText = flow.text(t, targetStart, i);
  if (!isWord(t[i], 'USING')) throw new Error('MERGE without USING');
  const sourceStart = ++i;
  if (isPunct(t[i], '(')) i = matchParen(t, i) + 1;
  else i = qualifiedName(t, i, t.length)[1];
  [i] = alias(t, i, ['ON']);
  const sourceText = flow.text(t, sourceStart, i);
  if (!isWord(t[i], 'ON')) throw new Error('MERGE without ON');
  const onEnd = findTop(t, i + 1, t.length, ['WHEN']);
  const on = flow.text(t, i + 1, onEnd);
  const both = `FROM ${sourceText} JOIN ${targetText} ON ${on}`;
  const conditions: string[] = [];
  let w = onEnd;
  while (w < t.length && isWord(t[w], 'WHEN')) {
    const next = findTop(t, w + 1, t.length, ['WHEN', 'OUTPUT']);
    const then = findTop(t, w + 1, next, ['THEN']);
    const and = findTop(t, w + 1, then, ['AND']);
    if (and < then) conditions.push(`(${flow.text(t, and + 1, then)})`);
    mergeAction(t, then + 1, next, flow, target, sourceText, both, { start: t[w].start, exact: false });
    w = next;
  }
  // The join and branch conditions decide which rows move: their columns are used, not copied.
  flow.trace(`SELECT 1 ${both}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`, 'MERGE condition', { start: t[i].start, exact: false });
}

function mergeAction(t: Token[], lo: number, hi: number, flow: Flow, target: string, sourceText: string, both: string, at: { start: number; exact: boolean }): void {
  const verb = t[lo]?.upper;
  if (verb === 'UPDATE' && isWord(t[lo + 1], 'SET')) {
    if (isPunct(t[lo + 2], '*') && lo + 3 >= hi) {
      mergeAll(flow, target, sourceText);
      return;
    }
    const names: string[] = [];
    const exprs: string[] = [];
    // Oracle: UPDATE SET … WHERE … DELETE WHERE … — the assignments end at the first WHERE/DELETE.
    const setEnd = findTop(t, lo + 2, hi, ['WHERE', 'DELETE']);
    for (const [a, b] of splitCommas(t, lo + 2, setEnd)) {
      const eq = t.findIndex((x, k) => k >= a && k < b && isPunct(x, '='));
      if (eq < 0) throw new Error('MERGE UPDATE SET without =');
      names.push(t[eq - 1].value);
      exprs.push(flow.text(t, eq + 1, b));
    }
    // Expressions may read the target row as well as the source row (t.total + s.amount).
    const r = flow.trace(`SELECT ${exprs.join(', ')} ${both}`, 'MERGE UPDATE', at);
    if (r) flow.map(r, target, names);
    return;
  }
  if (verb === 'INSERT') {
    let i = lo + 1;
    if ((isPunct(t[i], '*') || isWord(t[i], 'ROW')) && i + 1 >= hi) {
      mergeAll(flow, target, sourceText);
      return;
    }
    let names: string[] | undefined;
    if (isPunct(t[i], '(')) [names, i] = nameList(t, i);
    if (!isWord(t[i], 'VALUES') || !isPunct(t[i + 1], '(')) throw new Error('MERGE INSERT without VALUES');
    const close = matchParen(t, i + 1, hi);
    // A row that did not match has no target row: the values read the source only.
    const r = flow.trace(`SELECT ${flow.text(t, i + 2, close)} FROM ${sourceText}`, 'MERGE INSERT', at);
    if (r) flow.map(r, target, names ?? flow.schemaOf(target));
  }
  // DELETE and DO NOTHING move no data.
}

/** Databricks `UPDATE SET *` / `INSERT *`, BigQuery `INSERT ROW`: every source column into the same-named one. */
function mergeAll(flow: Flow, target: string, sourceText: string): void {
  const r = flow.trace(`SELECT * FROM ${sourceText}`, 'MERGE *');
  if (!r) return;
  for (const c of r.columns) {
    for (const s of c.sources) flow.edge(s, `${target}.${c.name === '*' ? '*' : c.name}`);
  }
}

/**
 * PostgreSQL/Redshift `COPY t [(cols)] FROM|TO 'path'`, `COPY (query) TO 'path'`; Snowflake `COPY INTO t [(cols)]
 * FROM @stage|'uri'|(query)` and `COPY INTO @stage|'uri' FROM t|(query)`. The token scan already named both ends.
 */
function copy(t: Token[], flow: Flow): void {
  const source = flow.ctx.sources[0];
  const target = flow.ctx.targets[0];
  if (!target) return;
  let i = 1;
  if (isWord(t[i], 'INTO')) i++;
  let firstQuery: [number, number] | undefined;
  let columns: string[] | undefined;
  if (isPunct(t[i], '(')) {
    const close = matchParen(t, i);
    firstQuery = [i + 1, close];
    i = close + 1;
  } else if (t[i]?.kind === 'string' || t[i]?.kind === 'at') i++;
  else {
    i = qualifiedName(t, i, t.length)[1];
    if (isPunct(t[i], '(')) [columns, i] = nameList(t, i);
  }
  const dir = t[i]?.upper;
  if (dir !== 'FROM' && dir !== 'TO') return;
  const otherQuery = isPunct(t[i + 1], '(') ? [i + 2, matchParen(t, i + 1)] : undefined;
  const query = dir === 'FROM' ? otherQuery : firstQuery;
  if (query) {
    const r = flow.trace(flow.text(t, query[0], query[1]), 'COPY query', { start: t[query[0]]?.start ?? 0, exact: true });
    if (!r) return;
    // Snowflake COPY INTO t FROM (SELECT $1, $2 FROM @stage): positional fields fill t's columns in order, which
    // only the schema can name.
    const names = columns ?? flow.schemaOf(target) ?? r.columns.map((c) => (/^\$\d+$/.test(c.name) ? '*' : c.name));
    flow.map(r, target, names);
    return;
  }
  if (source) flow.copyTable(source, target, columns);
}

/** Redshift: UNLOAD ('select …') TO 's3://…' — the query is a string literal. */
function unload(t: Token[], flow: Flow): void {
  const target = flow.ctx.targets[0];
  let i = 1;
  if (isPunct(t[i], '(')) i++;
  if (!target || t[i]?.kind !== 'string') return;
  const r = flow.trace(t[i].value, 'UNLOAD query');
  if (r) flow.map(r, target);
}

/** BigQuery: EXPORT DATA OPTIONS(uri='gs://…', …) AS SELECT … */
function exportData(t: Token[], flow: Flow): void {
  const target = flow.ctx.targets[0];
  const as = findTop(t, 1, t.length, ['AS']);
  if (!target || as >= t.length) return;
  const r = flow.trace(flow.text(t, as + 1, t.length), 'EXPORT DATA query', { start: t[as + 1]?.start ?? 0, exact: true });
  if (r) flow.map(r, target);
}

/** `CREATE TABLE a [SHALLOW|DEEP] CLONE b` (Snowflake, BigQuery, Databricks) or `CREATE TABLE a LIKE b`. */
function copiesTable(t: Token[]): 'CLONE' | 'LIKE' | undefined {
  if (t[0]?.upper !== 'CREATE') return undefined;
  const k = t[findTop(t, 1, t.length, ['CLONE', 'LIKE', 'AS', 'SELECT'])]?.upper;
  return k === 'CLONE' || k === 'LIKE' ? k : undefined;
}

/**
 * Hive LOAD DATA INPATH 'p' INTO TABLE t, BigQuery LOAD DATA INTO t FROM FILES(…): the files' columns land in t.
 * CREATE TABLE … CLONE: the cloned table's columns do.
 */
function load(flow: Flow): void {
  const target = flow.ctx.targets[0];
  for (const source of flow.ctx.sources) if (target) flow.copyTable(source, target);
}

/** Hive/Spark INSERT OVERWRITE [LOCAL] DIRECTORY 'path' [ROW FORMAT …|STORED AS …|USING fmt OPTIONS (…)] query */
function insertDirectory(t: Token[], flow: Flow): void {
  const target = flow.ctx.targets.find((x) => x.startsWith('path:'));
  const q = findTop(t, 1, t.length, ['SELECT', 'WITH', 'FROM']);
  if (!target || q >= t.length) return;
  const r = flow.trace(flow.text(t, q, t.length), 'INSERT DIRECTORY query', { start: t[q].start, exact: true });
  if (r) flow.map(r, target);
}

/**
 * Hive/Spark multi-insert: FROM src INSERT OVERWRITE TABLE a SELECT … [WHERE …] INSERT INTO TABLE b SELECT … —
 * each branch is the query `SELECT … FROM src …` written into its table.
 */
function fromFirstInsert(t: Token[], flow: Flow): void {
  const firstInsert = findTop(t, 1, t.length, ['INSERT']);
  const from = flow.text(t, 1, firstInsert);
  let i = firstInsert;
  while (i < t.length && isWord(t[i], 'INSERT')) {
    const next = findTop(t, i + 1, t.length, ['INSERT']);
    let j = i + 1;
    while (j < next && ['OVERWRITE', 'INTO', 'TABLE'].includes(t[j].upper)) j++;
    const [parts, after] = qualifiedName(t, j, next);
    const target = parts.join('.');
    j = after;
    if (isWord(t[j], 'PARTITION') && isPunct(t[j + 1], '(')) j = matchParen(t, j + 1, next) + 1;
    let names: string[] | undefined;
    if (isPunct(t[j], '(')) [names, j] = nameList(t, j);
    if (!isWord(t[j], 'SELECT') || !target) throw new Error('FROM … INSERT without SELECT');
    // The select list ends where the branch's own clauses begin; FROM goes in between.
    const clause = findTop(t, j + 1, next, ['WHERE', 'GROUP', 'HAVING', 'ORDER', 'SORT', 'DISTRIBUTE', 'CLUSTER', 'LIMIT']);
    const query = `${flow.text(t, j, clause)} FROM ${from} ${flow.text(t, clause, next)}`;
    const r = flow.trace(query, 'INSERT branch', { start: t[j].start, exact: false });
    if (r) flow.map(r, target, names ?? flow.schemaOf(target));
    i = next;
  }
}

/**
 * Snowflake/Oracle multi-table insert: INSERT ALL|FIRST [WHEN c THEN] INTO t [(cols)] [VALUES (exprs)] … query.
 * VALUES read the query's output columns; without VALUES every output column goes in, by position.
 */
function multiInsert(t: Token[], flow: Flow): void {
  const q = findTop(t, 2, t.length, ['SELECT', 'WITH']);
  if (q >= t.length) throw new Error('INSERT ALL without a query');
  const query = flow.text(t, q, t.length);
  const all = flow.trace(query, 'INSERT ALL query', { start: t[q].start, exact: true });
  if (!all) return;
  const conditions: string[] = [];
  let i = 2;
  while (i < q) {
    const tok = t[i];
    if (isWord(tok, 'WHEN')) {
      const then = findTop(t, i + 1, q, ['THEN']);
      conditions.push(`(${flow.text(t, i + 1, then)})`);
      i = then + 1;
      continue;
    }
    if (!isWord(tok, 'INTO')) {
      i++;
      continue;
    }
    const [parts, after] = qualifiedName(t, i + 1, q);
    const target = parts.join('.');
    i = after;
    let names: string[] | undefined;
    if (isPunct(t[i], '(')) [names, i] = nameList(t, i);
    names ??= flow.schemaOf(target);
    if (isWord(t[i], 'VALUES') && isPunct(t[i + 1], '(')) {
      const close = matchParen(t, i + 1, q);
      const r = flow.trace(`SELECT ${flow.text(t, i + 2, close)} FROM (${query}) AS _src`, 'INSERT ALL values', { start: t[i].start, exact: false });
      if (r) flow.map(r, target, names);
      i = close + 1;
    } else flow.map(all, target, names);
  }
  if (conditions.length) flow.trace(`SELECT 1 FROM (${query}) AS _src WHERE ${conditions.join(' OR ')}`, 'INSERT ALL condition');
}
