/**
 * Table-level lineage of one statement from its tokens: what it reads, writes, renames and which CTEs it defines.
 *
 * Why a token scanner and not only node-sql-parser's AST: the parser's grammars reject a large share of real SQL
 * (PostgreSQL `WITH … INSERT`, MERGE, most Spark/Hive DDL, Snowflake COPY, dbt output) and differ per dialect. One
 * scanner that understands clause keywords, parenthesised subqueries and CTE scopes gives the same, predictable
 * table answer in every dialect; the AST is then used for what needs a real tree (column lineage, see columns.ts).
 */
import { matchParen, type Token } from './tokens';

export interface TableRef {
  /** Name as written, quotes removed, qualification kept (`db.tab`, `proj.ds.tab`), or `path:<uri>`. */
  name: string;
  alias?: string;
}

export interface TableScan {
  type: string;
  reads: TableRef[];
  writes: TableRef[];
  ctes: string[];
  renames: Array<{ from: string; to: string }>;
  drops: string[];
}

const MAX_DEPTH = 200;

const QUERY_START = new Set(['SELECT', 'WITH', 'VALUES', 'FROM', 'TABLE', 'SEL']);

/** Words that end a table reference: never an alias. */
const NOT_ALIAS = new Set([
  'WHERE', 'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'OUTER', 'FULL', 'CROSS', 'NATURAL',
  'ON', 'USING', 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS', 'WINDOW', 'QUALIFY', 'LATERAL', 'SET', 'WHEN', 'INTO',
  'VALUES', 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'FETCH', 'OFFSET', 'FOR', 'TABLESAMPLE', 'PIVOT', 'UNPIVOT',
  'MATCH_RECOGNIZE', 'WITH', 'CLUSTER', 'DISTRIBUTE', 'SORT', 'RETURNING', 'SEMI', 'ANTI', 'ASOF', 'POSITIONAL',
  'STRAIGHT_JOIN', 'APPLY', 'GLOBAL', 'PARTITION', 'LIKE', 'CLONE', 'AS', 'AT', 'BEFORE', 'CHANGES', 'CONNECT',
  'START', 'PREWHERE', 'FINAL', 'SAMPLE', 'ARRAY', 'OPTION', 'LOCATION', 'TBLPROPERTIES', 'COMMENT', 'STORED',
  'ROW', 'OPTIONS', 'THEN', 'ELSE', 'END', 'AND', 'OR', 'NOT', 'IS', 'IN', 'DO', 'CONFLICT', 'IF', 'RENAME', 'TO',
  'TIMESTAMP', 'VERSION', 'EXCEPTION', 'ROWS', 'RANGE', 'USE', 'IGNORE', 'FORCE', 'KEY', 'INDEX', 'OUTPUT',
]);

/** File formats Spark accepts as `format.\`path\`` table names. */
const FILE_FORMATS = new Set(['csv', 'parquet', 'json', 'orc', 'delta', 'avro', 'text', 'binaryfile', 'iceberg', 'hudi']);
/** DuckDB/ClickHouse-style table functions whose first string argument is a file or URL. */
const FILE_FUNCTIONS = /^(read_(csv|csv_auto|parquet|json|json_auto|ndjson|ndjson_auto|json_objects|text|blob|xlsx)|parquet_scan|delta_scan|iceberg_scan|csv_scan|st_read|s3|url|file|hdfs)$/i;

interface Scope {
  ctes: Set<string>;
  /** Inside a query (or the statement's top level), FROM/JOIN introduce tables; in function arguments they do not. */
  query: boolean;
}

export function scanTables(tokens: Token[]): TableScan {
  return new Scanner(tokens).run();
}

class Scanner {
  readonly out: TableScan = { type: 'other', reads: [], writes: [], ctes: [], renames: [], drops: [] };
  private readonly aliases = new Map<string, string>();
  private depth = 0;
  private readonly t: Token[];

  constructor(tokens: Token[]) {
    // Drop a trailing semicolon and anything after a stray one (the splitter already gave us one statement).
    this.t = tokens.filter((tok) => !(tok.kind === 'punct' && tok.value === ';'));
  }

  run(): TableScan {
    const t = this.t;
    let first = 0;
    while (first < t.length && isPunct(t[first], '(')) first++;
    const head = t[first];
    if (!head) return this.out;
    const kw = head.kind === 'word' ? head.upper : '';
    const scope: Scope = { ctes: new Set(), query: true };
    switch (kw) {
      case 'SELECT':
      case 'SEL':
      case 'VALUES':
      case 'TABLE':
        this.out.type = 'select';
        this.scan(0, t.length, scope);
        if (this.out.writes.length) this.out.type = 'select_into';
        break;
      case 'WITH':
        this.out.type = this.mainKeywordAfterWith();
        if (this.out.type === 'delete') break;
        this.scan(0, t.length, scope);
        if (this.out.type === 'select' && this.out.writes.length) this.out.type = 'select_into';
        break;
      case 'FROM':
        this.out.type = t.some((x) => x.upper === 'INSERT') ? 'insert' : 'select';
        this.scan(0, t.length, scope);
        break;
      case 'INSERT':
      case 'REPLACE':
      case 'UPSERT':
        this.out.type = 'insert';
        this.scan(0, t.length, scope);
        break;
      case 'UPDATE':
        this.out.type = 'update';
        this.scan(0, t.length, scope);
        this.resolveUpdateTarget();
        break;
      case 'MERGE':
        this.out.type = 'merge';
        this.scan(0, t.length, scope);
        break;
      case 'DELETE':
        // DELETE removes rows; it moves no data between tables.
        this.out.type = 'delete';
        break;
      case 'CREATE':
        this.create(first);
        break;
      case 'CACHE':
      case 'UNCACHE':
        // Spark's CACHE TABLE t AS SELECT only caches a query result: no table is written.
        this.out.type = 'cache';
        break;
      case 'ALTER':
        this.alter(first);
        break;
      case 'RENAME':
        this.renameTable(first);
        break;
      case 'DROP':
        this.out.type = 'drop';
        this.drop(first);
        break;
      case 'COPY':
        this.copy(first);
        break;
      case 'UNLOAD':
        this.unload(first);
        break;
      case 'LOAD':
        this.load(first);
        break;
      case 'EXPORT':
        this.exportData(first);
        break;
      case 'EXPLAIN':
      case 'DESCRIBE':
      case 'DESC':
        this.out.type = 'explain';
        break;
      default:
        this.out.type = kw ? kw.toLowerCase() : 'other';
    }
    return this.out;
  }

  // ---- generic clause walker ---------------------------------------------------------------------------------------

  /** Walks tokens [lo, hi) finding table references by clause keyword; recurses into parenthesised groups. */
  private scan(lo: number, hi: number, scope: Scope): void {
    // Nesting deeper than any real query is skipped rather than overflowing the stack.
    if (this.depth > MAX_DEPTH) return;
    this.depth++;
    try {
      this.scanRange(lo, hi, scope);
    } finally {
      this.depth--;
    }
  }

  private scanRange(lo: number, hi: number, scope: Scope): void {
    const t = this.t;
    let i = lo;
    while (i < hi) {
      const tok = t[i];
      if (isPunct(tok, '(')) {
        const close = matchParen(t, i, hi);
        this.scan(i + 1, close, { ctes: scope.ctes, query: startsQuery(t, i + 1, close) });
        i = close + 1;
        continue;
      }
      if (tok.kind !== 'word') {
        i++;
        continue;
      }
      const prev = t[i - 1];
      switch (tok.upper) {
        case 'WITH':
          if (isCteListStart(t, i + 1, hi)) {
            const inner: Scope = { ctes: new Set(scope.ctes), query: true };
            i = this.ctes(i + 1, hi, inner);
            scope = inner;
            continue;
          }
          break;
        case 'FROM':
          if (scope.query && !(prev?.upper === 'DISTINCT' && t[i - 2]?.upper !== 'SELECT')) {
            i = this.tableList(i + 1, hi, scope);
            continue;
          }
          break;
        case 'JOIN':
        case 'STRAIGHT_JOIN':
        case 'APPLY':
          if (scope.query) {
            i = this.tableRef(i + 1, hi, scope);
            continue;
          }
          break;
        case 'USING':
          if (scope.query && this.out.type === 'merge' && !isPunct(t[i + 1], '(')) {
            i = this.tableRef(i + 1, hi, scope);
            continue;
          }
          if (scope.query && this.out.type === 'merge' && isPunct(t[i + 1], '(') && startsQuery(t, i + 2, hi)) {
            i = this.tableRef(i + 1, hi, scope);
            continue;
          }
          break;
        case 'INSERT':
        case 'REPLACE':
        case 'UPSERT':
          if (scope.query && !(tok.upper === 'REPLACE' && (prev?.upper === 'OR' || isPunct(t[i + 1], '(')))) {
            i = this.insertTarget(i + 1, hi);
            // INSERT INTO t TABLE s (Spark, PostgreSQL): `TABLE s` is `SELECT * FROM s`.
            if (isWord(t[i], 'TABLE') && (t[i + 1]?.kind === 'word' || t[i + 1]?.kind === 'qident')) i = this.tableRef(i + 1, hi, scope);
            continue;
          }
          break;
        case 'INTO':
          // SELECT … INTO t (T-SQL, PostgreSQL); MySQL INTO OUTFILE 'path'; COPY/MERGE INTO are handled by their owner.
          if (scope.query && prev?.upper !== 'INSERT' && prev?.upper !== 'MERGE') {
            i = this.selectInto(i + 1, hi);
            continue;
          }
          break;
        case 'UPDATE':
          if (scope.query && !isWord(t[i + 1], 'SET') && (i === 0 || this.out.type === 'update')) {
            i = this.writeTarget(i + 1, hi, true);
            continue;
          }
          break;
        case 'MERGE':
          if (scope.query) {
            let j = i + 1;
            if (isWord(t[j], 'INTO')) j++;
            i = this.writeTarget(j, hi, true);
            continue;
          }
          break;
        case 'SWAP_PARTITIONS_BETWEEN_TABLES':
          // Vertica: SELECT swap_partitions_between_tables('staging', min, max, 'target') moves partitions.
          if (isPunct(t[i + 1], '(')) {
            const close = matchParen(t, i + 1, hi);
            const args = t.slice(i + 2, close).filter((x) => x.kind === 'string');
            if (args.length >= 4) {
              this.read(args[0].value);
              this.write(args[3].value);
            }
            i = close + 1;
            continue;
          }
          break;
      }
      i++;
    }
  }

  /** Parses `name [(cols)] AS [NOT] [MATERIALIZED] (body), …` after WITH [RECURSIVE]; returns the index after it. */
  private ctes(i: number, hi: number, scope: Scope): number {
    const t = this.t;
    const recursive = isWord(t[i], 'RECURSIVE');
    if (recursive) i++;
    while (i < hi) {
      const nameTok = t[i];
      if (!nameTok || (nameTok.kind !== 'word' && nameTok.kind !== 'qident')) return i;
      const name = nameTok.value;
      i++;
      if (isPunct(t[i], '(')) i = matchParen(t, i, hi) + 1;
      if (isWord(t[i], 'AS')) i++;
      if (isWord(t[i], 'NOT')) i++;
      if (isWord(t[i], 'MATERIALIZED')) i++;
      if (recursive) scope.ctes.add(name.toLowerCase());
      if (isPunct(t[i], '(')) {
        const close = matchParen(t, i, hi);
        this.scan(i + 1, close, { ctes: new Set(scope.ctes), query: true });
        i = close + 1;
      }
      scope.ctes.add(name.toLowerCase());
      if (!this.out.ctes.includes(name)) this.out.ctes.push(name);
      if (isPunct(t[i], ',')) {
        i++;
        continue;
      }
      return i;
    }
    return i;
  }

  /** FROM a [alias], b, (subquery) c, … — returns the index of the first token after the list. */
  private tableList(i: number, hi: number, scope: Scope): number {
    for (;;) {
      i = this.tableRef(i, hi, scope);
      if (i < hi && isPunct(this.t[i], ',')) i++;
      else return i;
    }
  }

  /** One table reference (name, subquery, table function or file path) plus its alias. */
  private tableRef(i: number, hi: number, scope: Scope): number {
    const t = this.t;
    while (i < hi && t[i].kind === 'word' && ['LATERAL', 'ONLY', 'OUTER'].includes(t[i].upper)) i++;
    const tok = t[i];
    if (!tok || i >= hi) return i;
    if (isPunct(tok, '(')) {
      const close = matchParen(t, i, hi);
      if (startsQuery(t, i + 1, close)) this.scan(i + 1, close, { ctes: scope.ctes, query: true });
      else this.nestedJoin(i + 1, close, scope);
      return this.skipAlias(close + 1, hi);
    }
    if (tok.kind === 'string') {
      this.read(`path:${tok.value}`);
      return this.skipAlias(i + 1, hi);
    }
    if (tok.kind === 'at') {
      this.read(`path:${tok.value}`);
      return this.skipAlias(i + 1, hi);
    }
    if (tok.kind !== 'word' && tok.kind !== 'qident') return i;
    if (tok.kind === 'word' && NOT_ALIAS.has(tok.upper) && tok.upper !== 'TABLE') return i;
    const [parts, after] = qualifiedName(t, i, hi);
    if (isPunct(t[after], '(') && !isTableHint(t, after, hi)) {
      // Table function: UNNEST(…), TABLE(FLATTEN(…)), read_parquet('file'), generate_series(…).
      const close = matchParen(t, after, hi);
      const fn = parts[parts.length - 1];
      if (FILE_FUNCTIONS.test(fn) && t[after + 1]?.kind === 'string') this.read(`path:${t[after + 1].value}`);
      else this.scan(after + 1, close, { ctes: scope.ctes, query: startsQuery(t, after + 1, close) });
      return this.skipAlias(close + 1, hi);
    }
    const name = parts.join('.');
    let ref: TableRef | undefined;
    if (parts.length === 2 && FILE_FORMATS.has(parts[0].toLowerCase()) && /[/:]/.test(parts[1])) {
      ref = this.read(`path:${parts[1]}`);
    } else if (!(parts.length === 1 && scope.ctes.has(name.toLowerCase()))) {
      ref = this.read(name);
    }
    const end = this.skipAlias(after, hi, ref);
    return end;
  }

  /** `FROM (a JOIN b ON …)`: a parenthesised join is a table list, not a subquery. */
  private nestedJoin(lo: number, hi: number, scope: Scope): void {
    const i = this.tableList(lo, hi, scope);
    this.scan(i, hi, { ctes: scope.ctes, query: true });
  }

  /** Skips `[AS] alias [(col, …)]`, remembering the alias of `ref`. */
  private skipAlias(i: number, hi: number, ref?: TableRef): number {
    const t = this.t;
    // Time travel / sampling clauses between the name and the alias: FOR SYSTEM_TIME AS OF …, AT(…), TABLESAMPLE (…).
    if (isWord(t[i], 'AS') && (t[i + 1]?.kind === 'word' || t[i + 1]?.kind === 'qident') && !isWord(t[i + 1], 'OF')) {
      i++;
      if (ref) ref.alias = t[i].value;
      this.alias(t[i].value, ref);
      i++;
    } else if (t[i] && i < hi && (t[i].kind === 'qident' || (t[i].kind === 'word' && !NOT_ALIAS.has(t[i].upper)))) {
      if (ref) ref.alias = t[i].value;
      this.alias(t[i].value, ref);
      i++;
    }
    if (i < hi && isPunct(t[i], '(') && !startsQuery(t, i + 1, hi)) {
      // column alias list `t(a, b)` or a T-SQL hint `WITH (NOLOCK)` was consumed as alias WITH? keep it simple: skip.
      i = matchParen(t, i, hi) + 1;
    }
    return i;
  }

  private alias(alias: string, ref?: TableRef): void {
    if (ref) this.aliases.set(alias.toLowerCase(), ref.name);
  }

  /** After INSERT: [OVERWRITE|INTO|IGNORE …] [TABLE] name [PARTITION (…)] [(cols)] | DIRECTORY 'path'. */
  private insertTarget(i: number, hi: number): number {
    const t = this.t;
    // Multi-table INSERT ALL|FIRST [WHEN … THEN] INTO a … INTO b … SELECT: each INTO is handled as it comes.
    if ((isWord(t[i], 'ALL') || isWord(t[i], 'FIRST')) && (isWord(t[i + 1], 'INTO') || isWord(t[i + 1], 'WHEN'))) return i + 1;
    while (i < hi && t[i].kind === 'word' && ['INTO', 'OVERWRITE', 'TABLE', 'IGNORE', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY', 'ALL', 'FIRST', 'LOCAL', 'OR'].includes(t[i].upper)) {
      if (t[i].upper === 'OR') i++; // INSERT OR REPLACE INTO (SQLite)
      i++;
    }
    if (isWord(t[i], 'DIRECTORY')) {
      if (t[i + 1]?.kind === 'string') this.write(`path:${t[i + 1].value}`);
      return i + 2;
    }
    if (!t[i] || isPunct(t[i], '(') || (t[i].kind === 'word' && ['VALUES', 'ROW', 'DEFAULT', 'SELECT'].includes(t[i].upper))) return i;
    return this.writeTarget(i, hi, false);
  }

  /** Reads a target name and records it as written; skips PARTITION (…) and a column list. */
  private writeTarget(i: number, hi: number, withAlias: boolean): number {
    const t = this.t;
    if (isWord(t[i], 'TABLE')) i++;
    if (isWord(t[i], 'IF') && isWord(t[i + 1], 'NOT') && isWord(t[i + 2], 'EXISTS')) i += 3;
    if (isWord(t[i], 'ONLY')) i++;
    if (t[i]?.kind === 'string' || t[i]?.kind === 'at') {
      this.write(`path:${t[i].value}`);
      return i + 1;
    }
    if (!t[i] || (t[i].kind !== 'word' && t[i].kind !== 'qident')) return i;
    const [parts, after] = qualifiedName(t, i, hi);
    const ref = this.write(parts.join('.'));
    i = after;
    if (isWord(t[i], 'PARTITION') && isPunct(t[i + 1], '(')) i = matchParen(t, i + 1, hi) + 1;
    if (withAlias) i = this.skipAlias(i, hi, ref);
    if (isPunct(t[i], '(') && !startsQuery(t, i + 1, hi)) i = matchParen(t, i, hi) + 1;
    return i;
  }

  private selectInto(i: number, hi: number): number {
    const t = this.t;
    const tok = t[i];
    if (!tok) return i;
    if (tok.kind === 'word' && (tok.upper === 'OUTFILE' || tok.upper === 'DUMPFILE')) {
      if (t[i + 1]?.kind === 'string') this.write(`path:${t[i + 1].value}`);
      return i + 2;
    }
    if (tok.kind === 'word' && ['TEMP', 'TEMPORARY', 'UNLOGGED', 'TABLE'].includes(tok.upper)) return this.selectInto(i + 1, hi);
    if (tok.kind === 'at' || (tok.kind === 'punct' && tok.value === ':')) return i + 1; // INTO @var / :host_var
    if (tok.kind !== 'word' && tok.kind !== 'qident') return i;
    const [parts, after] = qualifiedName(t, i, hi);
    this.write(parts.join('.'));
    return after;
  }

  // ---- statement-specific forms ------------------------------------------------------------------------------------

  private mainKeywordAfterWith(): string {
    const t = this.t;
    let depth = 0;
    for (let i = 0; i < t.length; i++) {
      const tok = t[i];
      if (isPunct(tok, '(')) depth++;
      else if (isPunct(tok, ')')) depth--;
      else if (depth === 0 && tok.kind === 'word') {
        if (tok.upper === 'SELECT') return 'select';
        if (tok.upper === 'INSERT' || tok.upper === 'REPLACE') return 'insert';
        if (tok.upper === 'UPDATE') return 'update';
        if (tok.upper === 'DELETE') return 'delete';
        if (tok.upper === 'MERGE') return 'merge';
      }
    }
    return 'select';
  }

  private create(first: number): void {
    const t = this.t;
    let i = first + 1;
    let kind = '';
    while (i < t.length && t[i].kind === 'word') {
      const u = t[i].upper;
      if (u === 'TABLE' || u === 'VIEW') {
        kind = u;
        break;
      }
      if (['OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'VOLATILE', 'TRANSIENT', 'GLOBAL', 'LOCAL', 'EXTERNAL', 'UNLOGGED', 'MULTISET',
        'SECURE', 'RECURSIVE', 'MATERIALIZED', 'FORCE', 'NOFORCE', 'ALGORITHM', 'SQL', 'SECURITY', 'DEFINER', 'INVOKER',
        'UNDEFINED', 'MERGE', 'TEMPTABLE', 'SNAPSHOT', 'DYNAMIC', 'ICEBERG', 'HYBRID', 'EVENT', 'STREAMING', 'LIVE', 'SHALLOW', 'DEEP',
        'NONEDITIONABLE', 'EDITIONABLE', 'SET'].includes(u)) {
        i++;
        continue;
      }
      if (isPunct(t[i + 1], '=')) {
        i += 3; // ALGORITHM = MERGE, DEFINER = user
        continue;
      }
      break;
    }
    if (!kind) {
      this.out.type = `create_${t[i]?.value.toLowerCase() ?? 'other'}`;
      return;
    }
    this.out.type = kind === 'VIEW' ? 'create_view' : 'create_table';
    i = this.writeTarget(i + 1, t.length, false);
    const scope: Scope = { ctes: new Set(), query: true };
    // CREATE TABLE a LIKE b / CLONE b / (LIKE b): b is read.
    for (let j = i; j < t.length; j++) {
      if (t[j].kind === 'word' && (t[j].upper === 'LIKE' || t[j].upper === 'CLONE') && (t[j + 1]?.kind === 'word' || t[j + 1]?.kind === 'qident')) {
        const [parts] = qualifiedName(t, j + 1, t.length);
        this.read(parts.join('.'));
        return;
      }
      if (t[j].kind === 'word' && (t[j].upper === 'AS' || t[j].upper === 'SELECT')) break;
    }
    // Skip the column definitions: `(a int REFERENCES other(id))` names no data source.
    if (isPunct(t[i], '(') && !startsQuery(t, i + 1, t.length)) i = matchParen(t, i, t.length) + 1;
    this.scan(i, t.length, scope);
  }

  private alter(first: number): void {
    const t = this.t;
    this.out.type = 'alter';
    let i = first + 1;
    while (i < t.length && t[i].kind === 'word' && ['TABLE', 'VIEW', 'MATERIALIZED', 'IF', 'EXISTS', 'ONLY'].includes(t[i].upper)) i++;
    if (!t[i] || !isWord(t[first + 1], 'TABLE') && !isWord(t[first + 1], 'VIEW') && !isWord(t[first + 1], 'MATERIALIZED')) return;
    const [parts, after] = qualifiedName(t, i, t.length);
    const name = parts.join('.');
    if (isWord(t[after], 'RENAME') && (isWord(t[after + 1], 'TO') || isWord(t[after + 1], 'AS'))) {
      const [to] = qualifiedName(t, after + 2, t.length);
      this.out.type = 'alter_rename';
      this.rename(name, to.join('.'));
      return;
    }
    // Snowflake: ALTER TABLE a SWAP WITH b — b's contents become a's.
    if (isWord(t[after], 'SWAP') && isWord(t[after + 1], 'WITH')) {
      const [other] = qualifiedName(t, after + 2, t.length);
      if (other.length) {
        this.read(other.join('.'));
        this.write(name);
      }
      return;
    }
    // ALTER TABLE a EXCHANGE PARTITION (…) WITH TABLE b (Hive): b's partition moves into a.
    const ex = t.findIndex((x, k) => k >= after && x.upper === 'EXCHANGE');
    if (ex > 0) {
      const w = t.findIndex((x, k) => k > ex && x.upper === 'WITH' && isWord(t[k + 1], 'TABLE'));
      if (w > 0) {
        const [src] = qualifiedName(t, w + 2, t.length);
        this.read(src.join('.'));
        this.write(name);
      }
    }
  }

  /** MySQL: RENAME TABLE a TO b [, c TO d]. */
  private renameTable(first: number): void {
    const t = this.t;
    this.out.type = 'alter_rename';
    let i = first + 1;
    if (isWord(t[i], 'TABLE')) i++;
    while (i < t.length) {
      const [from, a] = qualifiedName(t, i, t.length);
      if (!isWord(t[a], 'TO')) return;
      const [to, b] = qualifiedName(t, a + 1, t.length);
      this.rename(from.join('.'), to.join('.'));
      if (!isPunct(t[b], ',')) return;
      i = b + 1;
    }
  }

  /** A rename moves no data (no sources/targets of its own); the script analysis carries names over. */
  private rename(from: string, to: string): void {
    this.out.renames.push({ from, to });
  }

  private drop(first: number): void {
    const t = this.t;
    let i = first + 1;
    if (!isWord(t[i], 'TABLE') && !isWord(t[i], 'VIEW')) return;
    i++;
    if (isWord(t[i], 'IF') && isWord(t[i + 1], 'EXISTS')) i += 2;
    while (i < t.length && (t[i].kind === 'word' || t[i].kind === 'qident')) {
      const [parts, after] = qualifiedName(t, i, t.length);
      this.out.drops.push(parts.join('.'));
      if (!isPunct(t[after], ',')) return;
      i = after + 1;
    }
  }

  /**
   * PostgreSQL/Redshift `COPY t [(cols)] FROM|TO 'path'`, `COPY (query) TO 'path'`;
   * Snowflake `COPY INTO t FROM @stage|'uri'|(query)` and `COPY INTO @stage|'uri' FROM t|(query)`.
   */
  private copy(first: number): void {
    const t = this.t;
    this.out.type = 'copy';
    let i = first + 1;
    const into = isWord(t[i], 'INTO');
    if (into) i++;
    const scope: Scope = { ctes: new Set(), query: true };
    // The first operand: a table, a path or a parenthesised query.
    let firstRef: { kind: 'table' | 'path' | 'query'; name?: string; lo?: number; hi?: number } | undefined;
    if (isPunct(t[i], '(')) {
      const close = matchParen(t, i);
      firstRef = { kind: 'query', lo: i + 1, hi: close };
      i = close + 1;
    } else if (t[i]?.kind === 'string' || t[i]?.kind === 'at') {
      firstRef = { kind: 'path', name: `path:${t[i].value}` };
      i++;
    } else if (t[i]) {
      const [parts, after] = qualifiedName(t, i, t.length);
      firstRef = { kind: 'table', name: parts.join('.') };
      i = after;
      if (isPunct(t[i], '(')) i = matchParen(t, i) + 1; // column list
    }
    if (!firstRef) return;
    const dir = t[i]?.upper;
    if (dir !== 'FROM' && dir !== 'TO') return;
    i++;
    let other: { kind: 'table' | 'path' | 'query' | 'stdio'; name?: string; lo?: number; hi?: number } | undefined;
    if (isPunct(t[i], '(')) {
      const close = matchParen(t, i);
      other = { kind: 'query', lo: i + 1, hi: close };
    } else if (t[i]?.kind === 'string' || t[i]?.kind === 'at') {
      other = { kind: 'path', name: `path:${t[i].value}` };
    } else if (t[i] && (t[i].upper === 'STDIN' || t[i].upper === 'STDOUT' || t[i].upper === 'PROGRAM')) {
      other = t[i].upper === 'PROGRAM' && t[i + 1]?.kind === 'string' ? { kind: 'path', name: `path:${t[i + 1].value}` } : { kind: 'stdio' };
    } else if (t[i]) {
      const [parts] = qualifiedName(t, i, t.length);
      other = { kind: 'table', name: parts.join('.') };
    }
    if (!other) return;
    // COPY x FROM y: y → x. COPY x TO y: x → y (PostgreSQL only has TO for export).
    const [src, dst] = dir === 'FROM' ? [other, firstRef] : [firstRef, other];
    if (src.kind === 'query') this.scan(src.lo!, src.hi!, scope);
    else if (src.name) this.read(src.name);
    if (dst.name) this.write(dst.name);
  }

  /** Redshift: UNLOAD ('select …') TO 's3://…' — the query is a string literal. */
  private unload(first: number): void {
    const t = this.t;
    this.out.type = 'unload';
    let i = first + 1;
    if (isPunct(t[i], '(')) i++;
    if (t[i]?.kind === 'string') {
      const inner = scanTablesOfText(t[i].value);
      for (const r of inner.reads) this.read(r.name);
    }
    const to = t.findIndex((x, k) => k > i && x.upper === 'TO');
    if (to > 0 && t[to + 1]?.kind === 'string') this.write(`path:${t[to + 1].value}`);
  }

  /** Hive: LOAD DATA [LOCAL] INPATH 'p' [OVERWRITE] INTO TABLE t; BigQuery: LOAD DATA INTO t FROM FILES(uris=[…]). */
  private load(first: number): void {
    const t = this.t;
    this.out.type = 'load';
    const inpath = t.findIndex((x) => x.upper === 'INPATH');
    if (inpath > 0 && t[inpath + 1]?.kind === 'string') this.read(`path:${t[inpath + 1].value}`);
    const files = t.findIndex((x) => x.upper === 'FILES');
    if (files > 0) for (let k = files; k < t.length; k++) if (t[k].kind === 'string' && /[/:]/.test(t[k].value)) this.read(`path:${t[k].value}`);
    const into = t.findIndex((x, k) => k > first && x.upper === 'INTO');
    if (into > 0) this.writeTarget(into + 1, files > 0 ? files : t.length, false);
  }

  /** BigQuery: EXPORT DATA OPTIONS(uri='gs://…', …) AS SELECT … */
  private exportData(first: number): void {
    const t = this.t;
    this.out.type = 'export';
    const uri = t.findIndex((x, k) => k > first && x.kind === 'word' && x.upper === 'URI');
    if (uri > 0) {
      const s = t.slice(uri, uri + 3).find((x) => x.kind === 'string');
      if (s) this.write(`path:${s.value}`);
    }
    const as = t.findIndex((x, k) => k > first && x.upper === 'AS' && startsQuery(t, k + 1, t.length));
    if (as > 0) this.scan(as + 1, t.length, { ctes: new Set(), query: true });
  }

  /**
   * `UPDATE a SET … FROM t a JOIN s` (T-SQL) names an alias as target; MySQL `UPDATE t JOIN s ON … SET` names both
   * tables up front. The written table is never also a source of its own update.
   */
  private resolveUpdateTarget(): void {
    const target = this.out.writes[0];
    if (!target) return;
    const aliased = this.aliases.get(target.name.toLowerCase());
    if (aliased && !target.name.includes('.')) target.name = aliased;
    const key = target.name.toLowerCase();
    this.out.reads = this.out.reads.filter((r) => r.name.toLowerCase() !== key);
  }

  private read(name: string): TableRef {
    const ref: TableRef = { name };
    this.out.reads.push(ref);
    return ref;
  }

  private write(name: string): TableRef {
    const ref: TableRef = { name };
    this.out.writes.push(ref);
    return ref;
  }
}

/** `a.b.c` (each part a word or quoted identifier; BigQuery `proj.ds.t` in one backtick pair stays one name). */
export function qualifiedName(t: Token[], i: number, hi: number): [string[], number] {
  const parts: string[] = [];
  if (!t[i] || (t[i].kind !== 'word' && t[i].kind !== 'qident')) return [parts, i];
  parts.push(t[i].value);
  i++;
  while (i + 1 < hi + 1 && isPunct(t[i], '.')) {
    const nx = t[i + 1];
    if (nx && (nx.kind === 'word' || nx.kind === 'qident')) {
      parts.push(nx.value);
      i += 2;
    } else if (nx && isPunct(nx, '.')) {
      parts.push(''); // T-SQL db..tab
      i += 1;
    } else if (nx && isPunct(nx, '*')) {
      break;
    } else break;
  }
  return [parts, i];
}

function isPunct(tok: Token | undefined, v: string): boolean {
  return tok !== undefined && tok.kind === 'punct' && tok.value === v;
}

function isWord(tok: Token | undefined, upper: string): boolean {
  return tok !== undefined && tok.kind === 'word' && tok.upper === upper;
}

const HINTS = new Set(['NOLOCK', 'READUNCOMMITTED', 'UPDLOCK', 'REPEATABLEREAD', 'SERIALIZABLE', 'READCOMMITTED', 'TABLOCK', 'TABLOCKX', 'PAGLOCK', 'ROWLOCK', 'NOWAIT', 'READPAST', 'XLOCK', 'HOLDLOCK', 'NOEXPAND', 'FORCESEEK', 'FORCESCAN', 'INDEX']);

/** T-SQL `tab(NOLOCK)`: a hint list after a table name, not a function call. */
function isTableHint(t: Token[], open: number, hi: number): boolean {
  const close = matchParen(t, open, hi);
  const inner = t.slice(open + 1, close).filter((x) => !isPunct(x, ','));
  return inner.length > 0 && inner.every((x) => x.kind === 'word' && HINTS.has(x.upper));
}

function startsQuery(t: Token[], i: number, hi: number): boolean {
  while (i < hi && isPunct(t[i], '(')) i++;
  const tok = t[i];
  if (!tok || i >= hi || tok.kind !== 'word') return false;
  if (tok.upper === 'TABLE') return t[i + 1]?.kind === 'word' || t[i + 1]?.kind === 'qident';
  return QUERY_START.has(tok.upper);
}

/** `WITH name AS (`, `WITH name (cols) AS (`, `WITH RECURSIVE …` — not `WITH (NOLOCK)`, `WITH TIME ZONE`, `WITH DATA`. */
function isCteListStart(t: Token[], i: number, hi: number): boolean {
  if (isWord(t[i], 'RECURSIVE')) i++;
  const name = t[i];
  if (!name || i >= hi || (name.kind !== 'word' && name.kind !== 'qident')) return false;
  let j = i + 1;
  if (isPunct(t[j], '(')) j = matchParen(t, j, hi) + 1;
  return isWord(t[j], 'AS');
}

// Lazily bound to avoid a cycle: scanTablesOfText needs the tokenizer.
import { tokenize } from './tokens';
export function scanTablesOfText(sql: string, dialect?: string): TableScan {
  return scanTables(tokenize(sql, { dialect }));
}
