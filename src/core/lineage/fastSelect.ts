/**
 * A small recursive-descent reader for the common subset of SELECT that dbt models and ETL scripts are made of,
 * producing the same AST shape node-sql-parser does (only the fields the column tracer reads).
 *
 * Why: node-sql-parser's PEG grammars need 5–10 ms for an ordinary 10-line CTE, so a 500-line model took ~300 ms.
 * Column lineage needs far less than a full grammar: which columns every select item, join and filter reads. This
 * reader accepts only constructs it understands completely and gives up (returns undefined) on anything else —
 * dialect-specific syntax, unknown keywords, odd operators — so the caller falls back to node-sql-parser, which then
 * also reports the parse problem's position. Giving up is always safe; guessing is not.
 */
import type { Dialect } from './dialects';
import { tokenize, type Token } from './tokens';

// Mirrors node-sql-parser's untyped JSON AST.
type Node = any;

class GiveUp extends Error {}
const GIVE_UP = new GiveUp('outside the fast subset');

/** Words that end an expression or a select item; never a bare column name or alias. */
const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'UNION', 'INTERSECT', 'EXCEPT',
  'MINUS', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'OUTER', 'NATURAL', 'ON', 'USING', 'AS', 'WITH', 'WINDOW',
  'QUALIFY', 'INTO', 'AND', 'OR', 'NOT', 'IS', 'IN', 'BETWEEN', 'LIKE', 'ILIKE', 'RLIKE', 'REGEXP', 'SIMILAR', 'CASE',
  'WHEN', 'THEN', 'ELSE', 'END', 'NULL', 'TRUE', 'FALSE', 'DISTINCT', 'ALL', 'ANY', 'SOME', 'OVER', 'PARTITION', 'BY',
  'FILTER', 'WITHIN', 'LATERAL', 'FOR', 'TOP', 'VALUES', 'SET', 'EXISTS', 'CAST', 'INTERVAL', 'COLLATE', 'ESCAPE',
  'SEMI', 'ANTI', 'ASOF', 'APPLY', 'PIVOT', 'UNPIVOT', 'TABLESAMPLE', 'SAMPLE', 'CLUSTER', 'DISTRIBUTE',
  'SORT', 'TABLE', 'ARRAY', 'STRUCT', 'MAP', 'ROW', 'ROWS', 'RANGE', 'GROUPS', 'PRECEDING', 'FOLLOWING', 'UNBOUNDED',
  'CURRENT', 'AT', 'ZONE', 'DEFAULT', 'EXCLUDE', 'REPLACE', 'RENAME', 'RETURNING', 'CONNECT', 'PRIOR',
  'MATCH_RECOGNIZE', 'OPTION', 'IGNORE', 'RESPECT', 'NULLS', 'ASC', 'DESC', 'RECURSIVE',
  'MATERIALIZED', 'UNNEST', 'EXPLODE', 'LOCAL', 'GLOBAL', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'CREATE', 'DROP',
  'ALTER', 'TRUNCATE', 'GRANT', 'PRIMARY', 'REFERENCES', 'CHECK', 'CONSTRAINT', 'UNIQUE', 'INDEX', 'VIEW',
  'USER', 'ROWNUM', 'SYSDATE', 'OUTPUT', 'TRY_CAST', 'SAFE_CAST', 'CONVERT', 'FLATTEN', 'SESSION_USER', 'SYSTEM_USER',
  'CURRENT_USER', 'CURRENT_ROLE', 'CURRENT_SCHEMA',
]);

/**
 * Date parts: ordinary column names (`day`, `month` are common), except as a bare argument of a date function —
 * DATEADD(day, -1, d), DATE_DIFF(a, b, DAY), DATE_TRUNC(d, MONTH) — where they are keywords, not columns.
 */
export const DATE_PARTS = new Set(['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'EPOCH', 'DOW', 'DOY',
  'MILLISECOND', 'MICROSECOND', 'NANOSECOND', 'DAYOFWEEK', 'DAYOFYEAR', 'ISODOW', 'ISOWEEK', 'ISOYEAR', 'DATE', 'TIME',
  'DATETIME', 'TIMESTAMP']);
export const DATE_FUNCTION = /^(date|time|timestamp|datetime)_?(add|sub|diff|trunc|part|bucket)$|^(timestampadd|timestampdiff|last_day|datename|date_from_parts)$/i;

/** Words that begin a clause: never an alias, even after AS. */
const CLAUSE_START = new Set(['SELECT', 'FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'INTERSECT',
  'EXCEPT', 'MINUS', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'ON', 'USING', 'WITH', 'WINDOW',
  'QUALIFY', 'INTO', 'AS', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'AND', 'OR', 'NOT', 'NULL', 'LATERAL']);

/** Words that look like calls but whose arguments are not plain expressions. */
const NOT_A_CALL = new Set(['CONVERT', 'TRY_CONVERT', 'INTERVAL', 'EXTRACT', 'OVER', 'FILTER', 'WITHIN', 'ARRAY', 'STRUCT', 'TABLE']);

/** Niladic functions written without parentheses: constants for lineage. */
const NILADIC = new Set(['CURRENT_DATE', 'CURRENT_TIMESTAMP', 'CURRENT_TIME', 'LOCALTIME', 'LOCALTIMESTAMP']);

/** Operators made of punctuation (the tokenizer emits one character at a time). */
const OPERATORS = new Set(['+', '-', '*', '/', '%', '=', '<', '>', '<=', '>=', '<>', '!=', '||']);

/** File formats Spark accepts as `format.\`path\`` table names. */
const FILE_FORMATS = new Set(['csv', 'parquet', 'json', 'orc', 'delta', 'avro', 'text', 'binaryfile', 'iceberg', 'hudi']);

/** Table functions reading a file: the table scan reports them as `path:` sources; left to the grammar. */
const FILE_FUNCTION = /^(read_\w+|parquet_scan|delta_scan|iceberg_scan|csv_scan|st_read)$/i;

/** Words that may follow a SELECT's last clause; whoever reads on decides whether they fit (else: give up). */
const QUERY_FOLLOWERS = new Set(['ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'RETURNING', 'WITH', 'SORT', 'DISTRIBUTE', 'CLUSTER']);

const SET_OPS = new Set(['UNION', 'INTERSECT', 'EXCEPT', 'MINUS']);

/**
 * The statement as node-sql-parser would give it (SELECT, INSERT INTO … SELECT, CREATE TABLE|VIEW … AS SELECT), or
 * undefined when it uses anything outside the subset.
 */
export function fastParse(sql: string, dialect: Dialect): Node | undefined {
  try {
    const tokens = tokenize(sql, { dialect });
    while (tokens.length && isPunct(tokens[tokens.length - 1], ';')) tokens.pop();
    if (!tokens.length) return undefined;
    return new Reader(tokens, dialect).statement();
  } catch {
    // GiveUp, or any slip in this reader: node-sql-parser decides, so a reader bug never costs lineage.
    return undefined;
  }
}

function isPunct(tok: Token | undefined, v: string): boolean {
  return tok !== undefined && tok.kind === 'punct' && tok.value === v;
}

class Reader {
  private i = 0;
  private depth = 0;
  /** Snowflake `v:a.b[0]` and Databricks `v:a.b` address inside a semi-structured column. */
  private readonly colonPaths: boolean;

  /** T-SQL CONVERT(type, expr[, style]) puts the type first. */
  private readonly tsql: boolean;
  /** Dialects with a QUALIFY clause. */
  private readonly qualify: boolean;
  /** `OVER w` references not yet matched to a WINDOW clause. */
  private windowRefs: Node[] = [];

  constructor(private readonly t: Token[], dialect: Dialect) {
    this.colonPaths = dialect === 'snowflake' || dialect === 'databricks';
    this.tsql = dialect === 'tsql';
    this.qualify = ['snowflake', 'bigquery', 'databricks', 'duckdb', 'redshift'].includes(dialect);
  }

  private peek(k = 0): Token | undefined {
    return this.t[this.i + k];
  }

  private word(k = 0): string {
    const tok = this.t[this.i + k];
    return tok?.kind === 'word' ? tok.upper : '';
  }

  private punct(v: string, k = 0): boolean {
    return isPunct(this.t[this.i + k], v);
  }

  private take(upper: string): boolean {
    if (this.word() !== upper) return false;
    this.i++;
    return true;
  }

  private expectWord(upper: string): void {
    if (!this.take(upper)) throw GIVE_UP;
  }

  private expectPunct(v: string): void {
    if (!this.punct(v)) throw GIVE_UP;
    this.i++;
  }

  /** A name: a quoted identifier or a bare word that is not a keyword. */
  private name(): string | undefined {
    const tok = this.peek();
    if (!tok) return undefined;
    if (tok.kind === 'qident' && tok.value !== '') return tok.value;
    if (tok.kind === 'word' && !RESERVED.has(tok.upper) && !NILADIC.has(tok.upper) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(tok.value)) return tok.value;
    return undefined;
  }

  private takeName(): string {
    const n = this.name();
    if (n === undefined) throw GIVE_UP;
    this.i++;
    return n;
  }

  /** After AS any identifier-like word is a name (`AS top`, `AS date`), except words that start a clause. */
  private aliasAfterAs(): string {
    const tok = this.peek();
    if (tok?.kind === 'word' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(tok.value) && !CLAUSE_START.has(tok.upper)) {
      this.i++;
      return tok.value;
    }
    return this.takeName();
  }

  statement(): Node {
    let ast: Node;
    const w = this.word();
    if (w === 'WITH' && this.mainKeywordAfterCtes() === 'INSERT') {
      // WITH … INSERT INTO t SELECT …: the CTEs scope the inserted query.
      this.i++;
      const ctes = this.ctes();
      ast = this.insert();
      ast.values.with = [...ctes, ...(ast.values.with ?? [])];
    } else if (w === 'SELECT' || w === 'WITH' || w === 'FROM' || w === 'TABLE') ast = this.query();
    else if (w === 'INSERT') ast = this.insert();
    else if (w === 'CREATE') ast = this.create();
    else throw GIVE_UP;
    if (this.i !== this.t.length) throw GIVE_UP;
    return ast;
  }

  private mainKeywordAfterCtes(): string {
    let depth = 0;
    for (let k = this.i + 1; k < this.t.length; k++) {
      const tok = this.t[k];
      if (isPunct(tok, '(')) depth++;
      else if (isPunct(tok, ')')) depth--;
      else if (depth === 0 && tok.kind === 'word' && (tok.upper === 'SELECT' || tok.upper === 'INSERT')) return tok.upper;
    }
    return '';
  }

  /** INSERT INTO|OVERWRITE [TABLE] name [PARTITION (…)] [(cols)] query */
  private insert(): Node {
    this.expectWord('INSERT');
    // INSERT INTO, INSERT OVERWRITE [TABLE] (Hive, Spark), INSERT OVERWRITE INTO (Snowflake).
    if (this.take('OVERWRITE')) this.take('INTO');
    else this.expectWord('INTO');
    this.take('TABLE');
    const table = this.tableName();
    if (this.word() === 'PARTITION' && this.punct('(', 1)) {
      // Partition values are constants or partition columns filled from the query's last columns (Hive dynamic
      // partitions); either way they add no mapping of their own.
      this.i++;
      this.skipParens();
    }
    let columns: string[] | null = null;
    if (this.punct('(')) {
      this.i++;
      columns = [this.takeName()];
      while (this.punct(',')) {
        this.i++;
        columns.push(this.takeName());
      }
      this.expectPunct(')');
    }
    // DuckDB INSERT … BY NAME matches columns by name, which is what no column list means here too.
    if (this.word() === 'BY' && this.word(1) === 'NAME') this.i += 2;
    const values = this.query();
    if (this.take('RETURNING')) this.exprList();
    return { type: 'insert', table: [table], columns, values };
  }

  /** CREATE [OR REPLACE] [TEMP|TEMPORARY] TABLE|VIEW [IF NOT EXISTS] name AS query */
  private create(): Node {
    this.expectWord('CREATE');
    if (this.take('OR')) this.expectWord('REPLACE');
    // TEMP, TRANSIENT (Snowflake), DYNAMIC (Snowflake), SECURE views, UNLOGGED, MATERIALIZED …: same data flow.
    while (['TEMP', 'TEMPORARY', 'LOCAL', 'GLOBAL', 'TRANSIENT', 'VOLATILE', 'DYNAMIC', 'SECURE', 'UNLOGGED', 'MATERIALIZED', 'ICEBERG'].includes(this.word())) this.i++;
    const keyword = this.word();
    if (keyword !== 'TABLE' && keyword !== 'VIEW') throw GIVE_UP;
    this.i++;
    if (this.take('IF')) {
      this.expectWord('NOT');
      this.expectWord('EXISTS');
    }
    const table = this.tableName();
    // Table options between the name and AS (USING delta, PARTITIONED BY (…), WITH (format = …), DISTKEY (…),
    // COMMENT '…', TBLPROPERTIES (…)) shape storage, not data. Column definitions right after the name are left to
    // the grammar.
    // `(a, b)` or `(a INT, b STRING COMMENT '…')` right after the name names the query's columns by position.
    const columns = this.punct('(') ? this.columnNames() : null;
    while (this.word() !== 'AS') {
      const tok = this.peek();
      // MySQL/MariaDB: CREATE TABLE t SELECT … (no AS).
      if (tok?.kind === 'word' && tok.upper === 'SELECT') break;
      if (!tok || (tok.kind === 'word' && (tok.upper === 'LIKE' || tok.upper === 'CLONE'))) throw GIVE_UP;
      if (isPunct(tok, '(')) this.skipParens();
      else if (tok.kind === 'word' || tok.kind === 'string' || tok.kind === 'number' || isPunct(tok, '=')) this.i++;
      else throw GIVE_UP;
    }
    this.take('AS');
    const query = this.query();
    // Trino/PostgreSQL `… WITH [NO] DATA`: the table gets the query's columns either way.
    if (this.word() === 'WITH' && (this.word(1) === 'DATA' || (this.word(1) === 'NO' && this.word(2) === 'DATA'))) this.i += this.word(1) === 'NO' ? 3 : 2;
    return { type: 'create', keyword: keyword.toLowerCase(), table: [table], columns, query_expr: query };
  }

  private tableName(): Node {
    const parts = [this.takeName()];
    while (this.punct('.')) {
      this.i++;
      parts.push(this.takeName());
    }
    if (parts.length > 3) throw GIVE_UP;
    // Spark: parquet.`/data/x` reads a path, named as the table scan names it.
    if (parts.length === 2 && FILE_FORMATS.has(parts[0].toLowerCase()) && /[/:]/.test(parts[1])) return { db: null, table: `path:${parts[1]}` };
    return { db: parts.length > 1 ? parts.slice(0, -1).join('.') : null, table: parts[parts.length - 1] };
  }

  /** `name [(cols)] AS (query), …` after WITH. */
  private ctes(): Node[] {
    if (this.word() === 'RECURSIVE') throw GIVE_UP;
    const withList: Node[] = [];
    for (;;) {
      const name = this.takeName();
      const columns: Node[] = [];
      if (this.punct('(')) {
        this.i++;
        columns.push({ column: this.takeName() });
        while (this.punct(',')) {
          this.i++;
          columns.push({ column: this.takeName() });
        }
        this.expectPunct(')');
      }
      this.expectWord('AS');
      this.expectPunct('(');
      const body = this.query();
      this.expectPunct(')');
      withList.push({ name: { value: name }, stmt: { ast: body }, columns: columns.length ? columns : null });
      if (!this.punct(',')) return withList;
      this.i++;
    }
  }

  /** [WITH ctes] select (set-op select)* [ORDER BY …] [LIMIT n] [OFFSET n] */
  private query(): Node {
    if (++this.depth > 60) throw GIVE_UP;
    const withList = this.take('WITH') ? this.ctes() : null;
    const first = this.selectCore();
    let cur = first;
    while (SET_OPS.has(this.word())) {
      const op = this.word();
      this.i++;
      if (!this.take('ALL')) this.take('DISTINCT');
      const next = this.selectCore();
      cur.set_op = op.toLowerCase();
      cur._next = next;
      cur = next;
    }
    // ORDER BY, and Hive/Spark DISTRIBUTE BY / SORT BY / CLUSTER BY: row order and placement, no column flow.
    while (['ORDER', 'SORT', 'DISTRIBUTE', 'CLUSTER'].includes(this.word()) && this.word(1) === 'BY') {
      this.i += 2;
      const list = this.orderList();
      first.orderby = [...(first.orderby ?? []), ...list];
    }
    if (this.take('LIMIT')) {
      if (!this.take('ALL')) this.number();
    }
    if (this.take('OFFSET')) {
      this.number();
      if (!this.take('ROWS')) this.take('ROW');
    }
    if (this.take('FETCH')) {
      // FETCH FIRST|NEXT n ROW|ROWS ONLY
      if (!this.take('FIRST')) this.expectWord('NEXT');
      if (this.peek()?.kind === 'number') this.i++;
      if (!this.take('ROWS')) this.expectWord('ROW');
      this.expectWord('ONLY');
    }
    first.with = withList;
    this.depth--;
    return first;
  }

  /** `(name [type …], …)`: the first word of each item; table constraints are left to the grammar. */
  private columnNames(): string[] {
    this.expectPunct('(');
    const names: string[] = [];
    for (;;) {
      if (['PRIMARY', 'CONSTRAINT', 'UNIQUE', 'FOREIGN', 'CHECK', 'KEY', 'INDEX'].includes(this.word())) throw GIVE_UP;
      names.push(this.takeName());
      // The type and column options up to the next top-level comma.
      while (!this.punct(',') && !this.punct(')')) {
        if (!this.peek()) throw GIVE_UP;
        if (this.punct('(')) this.skipParens();
        else this.i++;
      }
      if (this.punct(')')) break;
      this.i++;
    }
    this.i++;
    return names;
  }

  private skipParens(): void {
    let depth = 0;
    do {
      const tok = this.peek();
      if (!tok) throw GIVE_UP;
      if (isPunct(tok, '(')) depth++;
      else if (isPunct(tok, ')')) depth--;
      this.i++;
    } while (depth > 0);
  }

  private number(): void {
    if (this.peek()?.kind !== 'number') throw GIVE_UP;
    this.i++;
  }

  /** `WINDOW w AS (…), v AS (…)`: fills in the `OVER w` references of this SELECT. */
  private namedWindows(): void {
    this.i++;
    const specs = new Map<string, Node>();
    for (;;) {
      const name = this.takeName();
      this.expectWord('AS');
      specs.set(name.toLowerCase(), this.windowSpec());
      if (!this.punct(',')) break;
      this.i++;
    }
    this.windowRefs = this.windowRefs.filter((ref) => {
      const spec = specs.get(String(ref.ref).toLowerCase());
      if (spec) Object.assign(ref, spec);
      return !spec;
    });
  }

  private selectCore(): Node {
    if (this.word() === 'TABLE' && this.peek(1)?.kind !== 'punct') {
      // `TABLE t` is `SELECT * FROM t`.
      this.i++;
      const star = { type: 'expr', expr: { type: 'column_ref', table: null, column: '*' }, as: null };
      return { type: 'select', with: null, distinct: { type: null }, columns: [star], from: [{ ...this.tableName(), as: null }], where: null, groupby: null, having: null };
    }
    if (this.word() === 'FROM') return this.fromFirst();
    this.expectWord('SELECT');
    const refsBefore = this.windowRefs.length;
    let distinct: Node = { type: null };
    if (this.take('DISTINCT')) {
      distinct = { type: 'DISTINCT' };
      if (this.take('ON')) {
        // PostgreSQL DISTINCT ON (exprs): the keys choose rows, like a filter.
        this.expectPunct('(');
        distinct.columns = this.exprList();
        this.expectPunct(')');
      }
    } else this.take('ALL');
    const columns: Node[] = [this.selectItem()];
    while (this.punct(',')) {
      this.i++;
      columns.push(this.selectItem());
    }
    const q: Node = { type: 'select', with: null, distinct, columns, from: null, where: null, groupby: null, having: null };
    if (this.take('INTO')) {
      // SELECT … INTO [TEMP|TEMPORARY|UNLOGGED] [TABLE] t (PostgreSQL, Redshift), INTO #t (T-SQL): the table scan
      // names the target; variables and OUTFILE are left to the grammar.
      while (['TEMP', 'TEMPORARY', 'UNLOGGED', 'TABLE'].includes(this.word())) this.i++;
      const tok = this.peek();
      if (tok?.kind === 'word' && /^#{1,2}[A-Za-z_][A-Za-z0-9_]*$/.test(tok.value)) this.i++;
      else this.tableName();
      q.into = { expr: true };
    }
    if (this.take('FROM')) q.from = this.fromList();
    if (this.take('WHERE')) q.where = this.expr();
    if (this.word() === 'GROUP') {
      this.i++;
      this.expectWord('BY');
      if (this.word() === 'ALL') throw GIVE_UP;
      q.groupby = { columns: this.groupingList() };
    }
    if (this.take('HAVING')) q.having = this.expr();
    // WINDOW and QUALIFY come in either order (Snowflake: WINDOW first; BigQuery: QUALIFY first).
    for (let k = 0; k < 2; k++) {
      if (this.word() === 'WINDOW') this.namedWindows();
      if (this.word() === 'QUALIFY' && this.qualify) {
        this.i++;
        q.qualify = this.expr();
      }
    }
    // A window name never defined in this SELECT (or defined in an enclosing one) is left to the full parser.
    if (this.windowRefs.length > refsBefore) throw GIVE_UP;
    // Anything else here (INTO, hints …) is left to the full parser.
    const next = this.peek();
    if (next && !isPunct(next, ')') && !SET_OPS.has(this.word()) && !QUERY_FOLLOWERS.has(this.word())) throw GIVE_UP;
    return q;
  }

  /** DuckDB: `FROM t [SELECT …] [WHERE …]`, `FROM t` alone meaning `SELECT *`. */
  private fromFirst(): Node {
    this.expectWord('FROM');
    const from = this.fromList();
    let columns: Node[] = [{ type: 'expr', expr: { type: 'column_ref', table: null, column: '*' }, as: null }];
    if (this.take('SELECT')) {
      columns = [this.selectItem()];
      while (this.punct(',')) {
        this.i++;
        columns.push(this.selectItem());
      }
    }
    const q: Node = { type: 'select', with: null, distinct: { type: null }, columns, from, where: null, groupby: null, having: null };
    if (this.take('WHERE')) q.where = this.expr();
    const next = this.peek();
    if (next && !isPunct(next, ')') && !SET_OPS.has(this.word()) && !QUERY_FOLLOWERS.has(this.word())) throw GIVE_UP;
    return q;
  }

  private selectItem(): Node {
    const start = this.peek();
    if (!start) throw GIVE_UP;
    if (this.punct('*')) {
      this.i++;
      return { type: 'expr', expr: { type: 'column_ref', table: null, column: '*', ...this.starModifiers() }, as: null };
    }
    if (this.name() !== undefined && this.punct('.', 1) && this.punct('*', 2)) {
      const table = this.takeName();
      this.i += 2;
      return { type: 'expr', expr: { type: 'column_ref', table, column: '*', ...this.starModifiers() }, as: null };
    }
    const expr = this.expr();
    let as: string | null = null;
    if (this.take('AS')) as = this.aliasAfterAs();
    else if (this.name() !== undefined) as = this.takeName();
    return { type: 'expr', expr, as };
  }

  /** `* EXCLUDE (…)`, `* EXCEPT (…)`, `* REPLACE (…)` change the expansion: left to the full parser. */
  /**
   * `* EXCLUDE (a, b)` (DuckDB, Snowflake), `* EXCEPT (a)` (BigQuery, Databricks): the names left out of the
   * expansion. `* RENAME …` and `* ILIKE …` are left to the grammar.
   */
  private starModifiers(): { exclude?: string[]; replace?: Node[] } {
    const exclude = this.starModifier();
    if (this.word() !== 'REPLACE' || !this.punct('(', 1)) return { exclude };
    // BigQuery/Snowflake/DuckDB `* REPLACE (expr AS name, …)`: those columns are computed instead.
    this.i += 2;
    const replace: Node[] = [];
    for (;;) {
      const expr = this.expr();
      this.expectWord('AS');
      replace.push({ expr, as: this.aliasAfterAs() });
      if (!this.punct(',')) break;
      this.i++;
    }
    this.expectPunct(')');
    return { exclude, replace };
  }

  private starModifier(): string[] | undefined {
    const w = this.word();
    if ((w === 'EXCLUDE' || w === 'EXCEPT') && this.punct('(', 1)) {
      this.i += 2;
      const names = [this.takeName()];
      while (this.punct(',')) {
        this.i++;
        names.push(this.takeName());
      }
      this.expectPunct(')');
      return names;
    }
    if (w === 'EXCLUDE') {
      this.i++;
      return [this.takeName()];
    }
    if (['RENAME', 'ILIKE', 'LIKE'].includes(w) || (w === 'REPLACE' && !this.punct('(', 1))) throw GIVE_UP;
    return undefined;
  }

  private fromList(): Node[] {
    const from: Node[] = [this.fromItem()];
    for (;;) {
      if (this.punct(',')) {
        this.i++;
        from.push(this.fromItem());
        continue;
      }
      if (this.word() === 'LATERAL' && this.word(1) === 'VIEW') {
        from.push(this.lateralView());
        continue;
      }
      const join = this.joinKind();
      if (!join) return from;
      const item = this.fromItem();
      item.join = join;
      if (this.take('ON')) item.on = this.expr();
      else if (this.take('USING')) {
        this.expectPunct('(');
        const using = [{ type: 'default', value: this.takeName() }];
        while (this.punct(',')) {
          this.i++;
          using.push({ type: 'default', value: this.takeName() });
        }
        this.expectPunct(')');
        item.using = using;
      } else if (join !== 'CROSS JOIN') throw GIVE_UP;
      from.push(item);
    }
  }

  private joinKind(): string | undefined {
    const w = this.word();
    let kind: string;
    if (w === 'JOIN') kind = 'INNER JOIN';
    else if (w === 'INNER' || w === 'CROSS') {
      if (this.word(1) !== 'JOIN') throw GIVE_UP;
      this.i++;
      kind = `${w} JOIN`;
    } else if (w === 'LEFT' || w === 'RIGHT' || w === 'FULL') {
      // LEFT SEMI JOIN / LEFT ANTI JOIN (Spark, Hive, Databricks).
      const semi = this.word(1) === 'SEMI' || this.word(1) === 'ANTI' ? this.word(1) : '';
      if (this.word(1) === 'OUTER' || semi) this.i++;
      if (this.word(1) !== 'JOIN') throw GIVE_UP;
      this.i++;
      kind = semi ? `${w} ${semi} JOIN` : `${w} JOIN`;
    } else if (w === 'SEMI' || w === 'ANTI') {
      // DuckDB: SEMI JOIN / ANTI JOIN.
      if (this.word(1) !== 'JOIN') throw GIVE_UP;
      this.i++;
      kind = `${w} JOIN`;
    } else return undefined;
    this.i++;
    return kind;
  }

  /** Hive/Spark: LATERAL VIEW [OUTER] explode(expr) alias [AS] col [, col] */
  private lateralView(): Node {
    this.i += 2;
    this.take('OUTER');
    const fn = this.tableFunction();
    const as = this.takeName();
    const columns: string[] = [];
    if (this.take('AS') || this.name() !== undefined) {
      columns.push(this.takeName());
      while (this.punct(',')) {
        this.i++;
        columns.push(this.takeName());
      }
    }
    return { expr: fn, as, columns, lateral: true };
  }

  /** A function in FROM: UNNEST(…), explode(…), FLATTEN(input => …), generate_series(…). */
  private tableFunction(): Node {
    const tok = this.peek();
    if (!tok || tok.kind !== 'word' || !this.punct('(', 1) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(tok.value)) throw GIVE_UP;
    if (FILE_FUNCTION.test(tok.value)) throw GIVE_UP; // a file read: the grammar names it like the table scan does
    this.i += 2;
    return this.call(tok);
  }

  private fromItem(): Node {
    // LATERAL FLATTEN(…) f (Snowflake), TABLE(FLATTEN(…)) f, UNNEST(…) AS u [(cols)], explode(…) AS x.
    const lateral = this.word() === 'LATERAL' && this.peek(1)?.kind === 'word' && this.punct('(', 2);
    if (lateral) this.i++;
    if (this.word() === 'TABLE' && this.punct('(', 1)) {
      this.i += 2;
      const fn = this.tableFunction();
      this.expectPunct(')');
      return this.functionAlias(fn);
    }
    if (this.peek()?.kind === 'word' && this.punct('(', 1) && FILE_FUNCTION.test(this.peek()!.value) && this.peek(2)?.kind === 'string') {
      // read_parquet('file', …): the file is the table, named as the table scan names it.
      const file = this.peek(2)!.value;
      this.i++;
      this.skipParens();
      return this.tableAlias({ db: null, table: `path:${file}` });
    }
    if (this.peek()?.kind === 'at' && this.colonPaths) {
      // Snowflake: FROM @stage/path — columns are $1, $2 … of the staged file.
      const stage = this.peek()!.value;
      this.i++;
      if (this.punct('(')) throw GIVE_UP; // (FILE_FORMAT => …)
      return this.tableAlias({ db: null, table: `path:${stage}` });
    }
    if (this.peek()?.kind === 'string') {
      // DuckDB: FROM 'data/file.parquet'
      const file = this.peek()!.value;
      this.i++;
      return this.tableAlias({ db: null, table: `path:${file}` });
    }
    if (this.peek()?.kind === 'word' && this.punct('(', 1)) {
      if (!lateral && !['UNNEST', 'EXPLODE', 'POSEXPLODE', 'INLINE', 'FLATTEN', 'GENERATE_SERIES', 'JSON_EACH', 'JSONB_EACH', 'JSONB_ARRAY_ELEMENTS', 'JSON_ARRAY_ELEMENTS'].includes(this.word())) throw GIVE_UP;
      return this.functionAlias(this.tableFunction());
    }
    if (lateral) throw GIVE_UP;
    if (this.punct('(')) {
      this.i++;
      if (this.word() !== 'SELECT' && this.word() !== 'WITH') throw GIVE_UP;
      const q = this.query();
      this.expectPunct(')');
      this.take('AS');
      const as = this.takeName();
      if (this.punct('(')) throw GIVE_UP;
      return { expr: { ast: q }, as };
    }
    const ref = this.tableName();
    if (this.punct('(')) throw GIVE_UP; // table function
    return this.tableAlias(ref);
  }

  private tableAlias(ref: Node): Node {
    this.tableSample();
    let as: string | null = null;
    if (this.take('AS')) as = this.aliasAfterAs();
    else if (this.name() !== undefined) as = this.takeName();
    this.tableSample();
    if (this.punct('(')) throw GIVE_UP; // column alias list or hint
    return { ...ref, as };
  }

  /** TABLESAMPLE [SYSTEM|BERNOULLI] (…) [REPEATABLE (n)], before (Spark) or after (PostgreSQL) the alias. */
  private tableSample(): void {
    if (this.word() !== 'TABLESAMPLE') return;
    this.i++;
    if (this.peek()?.kind === 'word' && this.punct('(', 1)) this.i++;
    if (!this.punct('(')) throw GIVE_UP;
    this.skipParens();
    if (this.word() === 'REPEATABLE') {
      this.i++;
      this.skipParens();
    }
  }

  private functionAlias(fn: Node): Node {
    if (this.word() === 'WITH') throw GIVE_UP; // WITH ORDINALITY / WITH OFFSET add a column we do not model
    let as: string | null = null;
    if (this.take('AS')) as = this.aliasAfterAs();
    else if (this.name() !== undefined) as = this.takeName();
    const columns: string[] = [];
    if (as !== null && this.punct('(')) {
      this.i++;
      columns.push(this.takeName());
      while (this.punct(',')) {
        this.i++;
        columns.push(this.takeName());
      }
      this.expectPunct(')');
    }
    return { expr: fn, as, columns };
  }

  /** GROUP BY items, including GROUPING SETS ((a), (b, c)); ROLLUP (…) and CUBE (…) read as calls. */
  private groupingList(): Node[] {
    const list: Node[] = [];
    for (;;) {
      if (this.word() === 'GROUPING' && this.word(1) === 'SETS') {
        this.i += 2;
        this.expectPunct('(');
        for (;;) {
          // Each set is `(a, b)`, `a` or the empty grand-total set `()`.
          if (this.punct('(') && this.punct(')', 1)) this.i += 2;
          else list.push(this.operand());
          if (!this.punct(',')) break;
          this.i++;
        }
        this.expectPunct(')');
      } else list.push(this.expr());
      if (!this.punct(',')) return list;
      this.i++;
    }
  }

  private exprList(): Node[] {
    const list = [this.expr()];
    while (this.punct(',')) {
      this.i++;
      list.push(this.expr());
    }
    return list;
  }

  private orderList(): Node[] {
    const list: Node[] = [];
    for (;;) {
      const expr = this.expr();
      if (!this.take('ASC')) this.take('DESC');
      if (this.take('NULLS')) {
        if (!this.take('FIRST') && !this.take('LAST')) throw GIVE_UP;
      }
      list.push({ expr });
      if (!this.punct(',')) return list;
      this.i++;
    }
  }

  /**
   * An expression, kept flat (operands and operators in order): the tracer only needs the columns and subqueries
   * an expression contains, and its text for naming. A single operand is returned as itself.
   */
  private expr(): Node {
    if (++this.depth > 120) throw GIVE_UP;
    const startTok = this.peek();
    if (!startTok) throw GIVE_UP;
    const parts: Node[] = [this.operand()];
    for (;;) {
      if (this.operator()) {
        parts.push(this.operand());
        continue;
      }
      if (this.punct(':') && this.punct(':', 1)) {
        this.i += 2;
        this.typeName();
        continue;
      }
      const w = this.word();
      if (w === 'AT' && this.word(1) === 'TIME' && this.word(2) === 'ZONE') {
        // ts AT TIME ZONE 'UTC'
        this.i += 3;
        parts.push(this.operand());
        continue;
      }
      if (w === 'AND' || w === 'OR' || w === 'LIKE' || w === 'ILIKE') {
        this.i++;
        parts.push(this.operand());
        continue;
      }
      if (w === 'NOT' && ['IN', 'LIKE', 'ILIKE', 'BETWEEN'].includes(this.word(1))) {
        this.i++;
        continue;
      }
      if (w === 'BETWEEN') {
        this.i++;
        parts.push(this.operand());
        continue;
      }
      if (w === 'IS') {
        this.i++;
        this.take('NOT');
        if (this.take('DISTINCT')) {
          this.expectWord('FROM');
          parts.push(this.operand());
        } else if (!this.take('NULL') && !this.take('TRUE') && !this.take('FALSE')) throw GIVE_UP;
        continue;
      }
      if (w === 'IN') {
        this.i++;
        if (!this.punct('(')) throw GIVE_UP;
        parts.push(this.operand());
        continue;
      }
      break;
    }
    this.depth--;
    const last = this.t[this.i - 1];
    if (parts.length === 1 && parts[0].type !== 'literal') {
      if (!parts[0].loc && parts[0].type !== 'column_ref') parts[0].loc = loc(startTok, last);
      return parts[0];
    }
    return { type: 'expr', parts, loc: loc(startTok, last) };
  }

  /** A run of operator characters, validated (`= =` is not an operator; `= -` is `=` then a unary minus). */
  private operator(): boolean {
    let j = this.i;
    let op = '';
    while (j < this.t.length && this.t[j].kind === 'punct' && '+-*/%=<>!|'.includes(this.t[j].value)) {
      // Only adjacent characters form one operator.
      if (op && this.t[j].start !== this.t[j - 1].end) break;
      op += this.t[j].value;
      j++;
    }
    if (!op) return false;
    if (!OPERATORS.has(op)) throw GIVE_UP;
    this.i = j;
    return true;
  }

  /** A type after `::` — `int`, `varchar(20)`, `numeric(10, 2)`, `timestamp with time zone` is left to the parser. */
  private typeName(): void {
    const tok = this.peek();
    if (!tok || tok.kind !== 'word') throw GIVE_UP;
    this.i++;
    if (this.punct('(')) {
      this.i++;
      this.number();
      if (this.punct(',')) {
        this.i++;
        this.number();
      }
      this.expectPunct(')');
    }
    if (this.punct('[') || this.word() === 'WITH' || this.word() === 'WITHOUT' || this.word() === 'PRECISION' || this.word() === 'VARYING') throw GIVE_UP;
  }

  private operand(): Node {
    const tok = this.peek();
    if (!tok) throw GIVE_UP;
    if (tok.kind === 'string' || tok.kind === 'number') {
      this.i++;
      return { type: 'literal' };
    }
    if (tok.kind === 'punct') {
      if (tok.value === '(') {
        this.i++;
        if (this.word() === 'SELECT' || this.word() === 'WITH') {
          const q = this.query();
          this.expectPunct(')');
          return { ast: q };
        }
        const list = this.exprList();
        this.expectPunct(')');
        // `(expr)` is expr (named by its own text, as node-sql-parser names it); `(a, b)` is a row or IN list.
        return list.length === 1 ? list[0] : { type: 'expr_list', value: list };
      }
      if (tok.value === '-' || tok.value === '+') {
        this.i++;
        return { type: 'unary', expr: this.operand() };
      }
      const n = this.peek(1);
      if (tok.value === '$' && this.colonPaths && n?.kind === 'number' && n.start === tok.end && /^\d+$/.test(n.value)) {
        // Snowflake positional column of a staged file: $1.
        this.i += 2;
        const ref: Node = { type: 'column_ref', table: null, column: `$${n.value}` };
        this.colonPath();
        return ref;
      }
      throw GIVE_UP;
    }
    if (tok.kind === 'qident') return this.reference();
    if (tok.kind !== 'word') throw GIVE_UP;
    const w = tok.upper;
    switch (w) {
      case 'NOT':
        this.i++;
        return { type: 'unary', expr: this.operand() };
      case 'NULL':
      case 'TRUE':
      case 'FALSE':
        this.i++;
        return { type: 'literal' };
      case 'CASE':
        return this.caseExpr();
      case 'EXISTS': {
        this.i++;
        this.expectPunct('(');
        if (this.word() !== 'SELECT' && this.word() !== 'WITH') throw GIVE_UP;
        const q = this.query();
        this.expectPunct(')');
        return { type: 'function', args: { ast: q } };
      }
      case 'CAST':
      case 'TRY_CAST':
      case 'SAFE_CAST': {
        this.i++;
        const start = tok;
        this.expectPunct('(');
        const expr = this.expr();
        this.expectWord('AS');
        this.typeName();
        this.expectPunct(')');
        return { type: 'cast', expr, loc: loc(start, this.t[this.i - 1]) };
      }
      case 'CONVERT': {
        if (!this.tsql || !this.punct('(', 1)) throw GIVE_UP;
        const start = tok;
        this.i += 2;
        this.typeName();
        this.expectPunct(',');
        const expr = this.expr();
        if (this.punct(',')) {
          this.i++;
          this.number();
        }
        this.expectPunct(')');
        return { type: 'cast', expr, loc: loc(start, this.t[this.i - 1]) };
      }
      case 'DATE':
      case 'TIME':
      case 'TIMESTAMP':
        // Typed literals: DATE '2024-01-01'; otherwise a column or a function of that name.
        if (this.peek(1)?.kind === 'string') {
          this.i += 2;
          return { type: 'literal' };
        }
        break;
    }
    if (NILADIC.has(w)) {
      // current_timestamp, current_timestamp() (Snowflake, BigQuery)
      this.i++;
      if (this.punct('(') && this.punct(')', 1)) this.i += 2;
      return { type: 'literal' };
    }
    if (w === 'INTERVAL') {
      // INTERVAL '7 days', INTERVAL '1' DAY, INTERVAL 1 DAY (BigQuery, MySQL): a constant.
      const v = this.peek(1);
      if (v?.kind !== 'string' && v?.kind !== 'number') throw GIVE_UP;
      this.i += 2;
      if (DATE_PARTS.has(this.word()) || /^(YEARS|MONTHS|WEEKS|DAYS|HOURS|MINUTES|SECONDS)$/.test(this.word())) this.i++;
      if (this.word() === 'TO') throw GIVE_UP; // INTERVAL '1-2' YEAR TO MONTH
      return { type: 'literal' };
    }
    return this.reference();
  }

  /** A column (`c`, `t.c`) or a function call `f(…)` with optional FILTER/OVER. */
  private reference(): Node {
    const start = this.peek()!;
    if (start.kind === 'word' && this.punct('(', 1)) {
      // In operand position `word(` is a call whatever the word (left(x, 3), replace(…), if(…)), except words
      // whose arguments are not expressions.
      const clause = CLAUSE_START.has(start.upper) && start.upper !== 'LEFT' && start.upper !== 'RIGHT';
      if (clause || NOT_A_CALL.has(start.upper) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(start.value)) throw GIVE_UP;
      this.i += 2;
      return this.call(start);
    }
    const first = this.takeName();
    let ref: Node;
    if (!this.punct('.')) ref = { type: 'column_ref', table: null, column: first };
    else {
      this.i++;
      const n = this.peek(1);
      let column: string;
      if (this.colonPaths && this.punct('$') && n?.kind === 'number' && n.start === this.peek()!.end && /^\d+$/.test(n.value)) {
        // Snowflake: s.$1, a positional column of an aliased stage.
        this.i += 2;
        column = `$${n.value}`;
      } else column = this.takeName();
      if (this.punct('.') || this.punct('(')) throw GIVE_UP;
      ref = { type: 'column_ref', table: first, column };
    }
    if (this.colonPaths) this.colonPath();
    return ref;
  }

  /** `:field.sub[0]` after a column: a path inside it; lineage stays with the column. */
  private colonPath(): void {
    if (!this.punct(':') || this.punct(':', 1)) return;
    this.i++;
    const key = this.peek();
    if (!key || (key.kind !== 'word' && key.kind !== 'qident' && key.kind !== 'string')) throw GIVE_UP;
    this.i++;
    for (;;) {
      if (this.punct('.') && (this.peek(1)?.kind === 'word' || this.peek(1)?.kind === 'qident')) this.i += 2;
      else if (this.punct('[') && (this.peek(1)?.kind === 'number' || this.peek(1)?.kind === 'string') && this.punct(']', 2)) this.i += 3;
      else return;
    }
  }

  private call(start: Token): Node {
    let args: Node;
    if (this.punct('*') && this.punct(')', 1)) {
      this.i++;
      args = { expr: { type: 'star', value: '*' } };
    } else if (this.punct(')')) args = { value: [] };
    else {
      if (!this.take('DISTINCT')) this.take('ALL');
      const list = [this.argument(start.value)];
      while (this.punct(',')) {
        this.i++;
        list.push(this.argument(start.value));
      }
      // last_value(x IGNORE NULLS), string_agg(x, ',' ORDER BY y), ARRAY_AGG(x ORDER BY y)
      if (this.word() === 'IGNORE' || this.word() === 'RESPECT') {
        this.i++;
        this.expectWord('NULLS');
      }
      if (this.word() === 'ORDER' && this.word(1) === 'BY') {
        this.i += 2;
        list.push(...this.orderList().map((o) => o.expr));
      }
      args = { value: list };
    }
    this.expectPunct(')');
    const node: Node = { type: 'function', name: start.value, args };
    if (this.word() === 'FILTER') {
      this.i++;
      this.expectPunct('(');
      this.expectWord('WHERE');
      node.filter = this.expr();
      this.expectPunct(')');
    }
    if (this.word() === 'WITHIN') {
      // LISTAGG(x, ',') WITHIN GROUP (ORDER BY y), percentile_cont(0.5) WITHIN GROUP (ORDER BY v)
      this.i++;
      this.expectWord('GROUP');
      this.expectPunct('(');
      this.expectWord('ORDER');
      this.expectWord('BY');
      node.within = this.orderList();
      this.expectPunct(')');
    }
    if (this.word() === 'IGNORE' || this.word() === 'RESPECT') {
      this.i++;
      this.expectWord('NULLS');
    }
    if (this.take('OVER')) {
      if (this.punct('(')) node.over = this.windowSpec();
      else {
        // OVER w: resolved by the SELECT's WINDOW clause.
        node.over = { ref: this.takeName() };
        this.windowRefs.push(node.over);
      }
    }
    node.loc = loc(start, this.t[this.i - 1]);
    return node;
  }

  /** A function argument; `name => value` (Snowflake FLATTEN, named arguments) keeps only the value. */
  private argument(fn?: string): Node {
    if (fn && DATE_FUNCTION.test(fn) && DATE_PARTS.has(this.word()) && (this.punct(',', 1) || this.punct(')', 1))) {
      this.i++;
      return { type: 'literal' };
    }
    const a = this.peek(1);
    const b = this.peek(2);
    if (this.peek()?.kind === 'word' && isPunct(a, '=') && isPunct(b, '>') && a!.end === b!.start) this.i += 3;
    return this.expr();
  }

  private windowSpec(): Node {
    this.expectPunct('(');
    const spec: Node = {};
    if (this.word() === 'PARTITION') {
      this.i++;
      this.expectWord('BY');
      spec.partitionby = this.exprList();
    }
    if (this.word() === 'ORDER') {
      this.i++;
      this.expectWord('BY');
      spec.orderby = this.orderList();
    }
    if (this.word() === 'ROWS' || this.word() === 'RANGE') {
      this.i++;
      const bound = () => {
        if (this.take('UNBOUNDED')) {
          if (!this.take('PRECEDING') && !this.take('FOLLOWING')) throw GIVE_UP;
        } else if (this.take('CURRENT')) this.expectWord('ROW');
        else {
          this.number();
          if (!this.take('PRECEDING') && !this.take('FOLLOWING')) throw GIVE_UP;
        }
      };
      if (this.take('BETWEEN')) {
        bound();
        this.expectWord('AND');
        bound();
      } else bound();
    }
    this.expectPunct(')');
    return spec;
  }

  private caseExpr(): Node {
    const start = this.peek()!;
    this.i++;
    const parts: Node[] = [];
    if (this.word() !== 'WHEN') parts.push(this.expr());
    if (this.word() !== 'WHEN') throw GIVE_UP;
    while (this.take('WHEN')) {
      parts.push(this.expr());
      this.expectWord('THEN');
      parts.push(this.expr());
    }
    if (this.take('ELSE')) parts.push(this.expr());
    this.expectWord('END');
    return { type: 'case', args: parts, loc: loc(start, this.t[this.i - 1]) };
  }
}

function loc(start: Token, end: Token): Node {
  return { start: { offset: start.start }, end: { offset: end.end } };
}
