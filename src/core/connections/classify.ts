/**
 * Statement classification: what kind of statement is this, and could it change anything (the database, the file
 * system, another database, the session's read-only guard)? It is the second safety layer behind the database
 * sessions' own read-only enforcement, the only layer for Snowflake, and what the UI names in its write
 * confirmation ("Run DELETE on prod?"). Conservative on purpose: anything unknown counts as a write.
 */
import { splitStatements } from './splitter';

export interface StatementClass {
  /** Lower-case leading keyword(s): select, insert, update, delete, merge, create, drop, copy, set, … */
  kind: string;
  isWrite: boolean;
  /** Why a statement counts as a write when the kind alone does not say (e.g. "DELETE inside WITH"). */
  reason?: string;
}

type Token = { t: string; quoted: boolean };

/** Keywords/identifiers of one statement, lower-cased, with strings/comments/dollar bodies skipped. */
function tokenize(sql: string, dialect: string): Token[] {
  const out: Token[] = [];
  const n = sql.length;
  let i = 0;
  const backslash = dialect === 'snowflake';
  while (i < n) {
    const c = sql[i];
    const d = sql[i + 1];
    if (c === '-' && d === '-') {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? n : j + 1;
    } else if (c === '/' && d === '/' && dialect === 'snowflake') {
      const j = sql.indexOf('\n', i);
      i = j < 0 ? n : j + 1;
    } else if (c === '/' && d === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else if (sql[i] === '/' && sql[i + 1] === '*' && dialect !== 'snowflake') {
          depth++;
          i += 2;
        } else i++;
      }
    } else if (c === "'" || c === '"' || c === '`') {
      const start = i + 1;
      i++;
      const esc = backslash || (c === "'" && (sql[start - 2] === 'e' || sql[start - 2] === 'E'));
      while (i < n) {
        if (esc && sql[i] === '\\') i += 2;
        else if (sql[i] === c && sql[i + 1] === c) i += 2;
        else if (sql[i] === c) break;
        else i++;
      }
      const body = sql.slice(start, i);
      i++;
      out.push({ t: c === "'" ? "'" + body : body.toLowerCase(), quoted: true });
    } else if (c === '$' && /[A-Za-z_$]/.test(d ?? '')) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const j = sql.indexOf(m[0], i + m[0].length);
        out.push({ t: '$body', quoted: true });
        i = j < 0 ? n : j + m[0].length;
      } else i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j])) j++;
      out.push({ t: sql.slice(i, j).toLowerCase(), quoted: false });
      i = j;
    } else if (/\s/.test(c)) i++;
    else {
      out.push({ t: c, quoted: false });
      i++;
    }
  }
  return out;
}

const READ_KINDS = new Set(['select', 'with', 'values', 'table', 'show', 'describe', 'desc', 'explain', 'summarize', 'from', 'pragma', 'fetch', 'declare', 'close', 'listen', 'unlisten', 'use', 'list', 'ls']);
const TRANSACTION_KINDS = new Set(['begin', 'start', 'commit', 'rollback', 'end', 'abort', 'savepoint', 'release']);
const DML = new Set(['insert', 'update', 'delete', 'merge', 'upsert', 'truncate']);

/** PostgreSQL settings/functions that would lift the session's read-only guard or write outside the database. */
const GUARD_SETTINGS = /^(default_transaction_read_only|transaction_read_only|session_characteristics|session_authorization|authorization|role|all)$/;
const WRITING_FUNCTIONS = new Set([
  'lo_export', 'lo_import', 'lo_unlink', 'lo_create', 'lo_creat', 'lo_put', 'lo_from_bytea', 'lo_truncate',
  'pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_file_sync', 'pg_logdir_ls',
  'dblink', 'dblink_exec', 'dblink_connect', 'dblink_connect_u', 'dblink_send_query', 'dblink_open',
  'set_config', 'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_promote',
  'pg_switch_wal', 'pg_create_restore_point', 'pg_create_physical_replication_slot', 'pg_create_logical_replication_slot',
  'pg_drop_replication_slot', 'pg_advisory_lock', 'pg_advisory_xact_lock', 'txid_current', 'nextval', 'setval',
  'system$cancel_all_queries', 'system$abort_session',
]);

/** Classifies one statement. For scripts with several statements use classifyScript. */
export function classifyStatement(sql: string, dialect = 'postgres'): StatementClass {
  const d = dialect.toLowerCase();
  const tokens = tokenize(sql, d);
  // Skip leading parentheses: `(select 1) union (select 2)`.
  let k = 0;
  while (k < tokens.length && tokens[k].t === '(') k++;
  const first = tokens[k]?.t;
  if (first === undefined) return { kind: 'empty', isWrite: false };
  const word = (j: number) => (tokens[j] && !tokens[j].quoted ? tokens[j].t : '');
  const second = word(k + 1);

  // A function that writes anywhere makes any statement a write.
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j];
    if (!t.quoted && WRITING_FUNCTIONS.has(t.t) && tokens[j + 1]?.t === '(') {
      if (t.t === 'set_config' && !touchesGuard(tokens[j + 2]?.t)) continue;
      return { kind: kindOf(first, second), isWrite: true, reason: `calls ${t.t}()` };
    }
  }

  if (first === 'explain') {
    // EXPLAIN ANALYZE runs its statement; judge the statement after the EXPLAIN options.
    let j = k + 1;
    if (tokens[j]?.t === '(') {
      while (j < tokens.length && tokens[j].t !== ')') j++;
      j++;
    }
    while (['analyze', 'analyse', 'verbose', 'costs', 'buffers', 'format', 'text', 'json', 'using', 'tabular'].includes(word(j))) j++;
    const inner = classifyTokens(tokens.slice(j), d, sql);
    return inner.isWrite ? { kind: inner.kind, isWrite: true, reason: 'EXPLAIN of a write' } : { kind: 'explain', isWrite: false };
  }
  return classifyTokens(tokens.slice(k), d, sql);
}

function touchesGuard(nameToken: string | undefined): boolean {
  if (!nameToken) return true;
  const name = nameToken.replace(/^'/, '').toLowerCase();
  return GUARD_SETTINGS.test(name);
}

function kindOf(first: string, second: string): string {
  if (first === 'alter' && second === 'session') return 'alter session';
  if (first === 'create' || first === 'drop' || first === 'alter') return first;
  if (first === 'with' || first === 'from' || first === 'table' || first === 'values' || first === '(') return 'select';
  if (first === 'desc') return 'describe';
  if (first === 'start' || first === 'begin') return 'transaction';
  return first;
}

function classifyTokens(tokens: Token[], d: string, _sql: string): StatementClass {
  const first = tokens[0]?.t ?? '';
  const word = (j: number) => (tokens[j] && !tokens[j].quoted ? tokens[j].t : '');
  const second = word(1);
  const kind = kindOf(first, second);
  const has = (w: string) => tokens.some((t) => !t.quoted && t.t === w);

  if (DML.has(first) || ['create', 'drop', 'alter', 'grant', 'revoke', 'comment', 'rename', 'replace', 'vacuum', 'analyze',
    'analyse', 'cluster', 'reindex', 'refresh', 'checkpoint', 'import', 'export', 'install', 'load', 'force', 'detach',
    'lock', 'do', 'prepare', 'execute', 'deallocate', 'security', 'reassign', 'discard', 'notify', 'undrop', 'put',
    'get', 'remove', 'rm', 'unset', 'execute', 'update'].includes(first)) {
    if (first === 'alter' && second === 'session') return { kind, isWrite: false };
    return { kind, isWrite: true };
  }
  if (first === 'copy') {
    // COPY … TO STDOUT only streams rows to the client; every other COPY writes a table, a file or a program.
    const toAt = tokens.findIndex((t, j) => !t.quoted && t.t === 'to' && j > 0);
    if (d === 'postgres' && toAt > 0 && word(toAt + 1) === 'stdout') return { kind, isWrite: false };
    return { kind, isWrite: true, reason: toAt > 0 ? 'COPY … TO writes a file' : undefined };
  }
  if (first === 'attach') {
    // ATTACH … (READ_ONLY) only reads; anything else can create or change another database file.
    return has('read_only') ? { kind, isWrite: false } : { kind, isWrite: true };
  }
  if (first === 'call') {
    // DuckDB CALL runs table functions (reads); PostgreSQL/Snowflake CALL runs procedures that may write.
    return { kind, isWrite: d !== 'duckdb' };
  }
  if (first === 'set' || first === 'reset') {
    // SET TRANSACTION READ WRITE / SET SESSION CHARACTERISTICS / RESET ALL / SET default_transaction_read_only
    // would lift the read-only guard; ordinary settings (search_path, timezone) are fine.
    let j = 1;
    if (['session', 'local'].includes(word(j))) j++;
    const name = word(j);
    if (name === 'transaction' || name === 'characteristics') {
      return has('write') ? { kind, isWrite: true, reason: 'makes the transaction read-write' } : { kind, isWrite: false };
    }
    if (touchesGuard(name)) return { kind, isWrite: true, reason: 'changes the read-only guard' };
    return { kind, isWrite: false };
  }
  if (TRANSACTION_KINDS.has(first)) {
    // BEGIN READ WRITE / START TRANSACTION READ WRITE explicitly asks for writes.
    return has('write') && (first === 'begin' || first === 'start') ? { kind, isWrite: true, reason: 'read-write transaction' } : { kind, isWrite: false };
  }
  if (READ_KINDS.has(first) || first === '(') {
    // Data-modifying statements hidden in a CTE or subquery: `WITH x AS (DELETE … RETURNING *) SELECT …`.
    for (let j = 1; j < tokens.length; j++) {
      const t = tokens[j];
      if (t.quoted || !DML.has(t.t)) continue;
      const prev = tokens[j - 1];
      if (prev.t === '(' || (prev.t === ')' && t.t !== 'update')) return { kind: t.t, isWrite: true, reason: `${t.t.toUpperCase()} inside ${first.toUpperCase()}` };
    }
    // PostgreSQL SELECT … INTO new_table creates a table.
    if (d === 'postgres' && first === 'select' && has('into')) return { kind: 'select into', isWrite: true };
    return { kind, isWrite: false };
  }
  return { kind, isWrite: true, reason: 'unknown statement kind' };
}

/** Classifies every statement of a script; the script writes if any statement does. */
export function classifyScript(sql: string, dialect = 'postgres'): { statements: (StatementClass & { text: string })[]; isWrite: boolean } {
  const statements = splitStatements(sql, { dialect }).map((s) => ({ ...classifyStatement(s.text, dialect), text: s.text }));
  return { statements, isWrite: statements.some((s) => s.isWrite) };
}

/** The one-line refusal every adapter uses, so the UI and CLI say the same thing. */
export function readOnlyMessage(connectionName: string, c: StatementClass): string {
  const why = c.reason ? ` (${c.reason})` : '';
  return `Connection '${connectionName}' is read-only: refused ${c.kind.toUpperCase()} statement${why}. Enable "Allow writes" for this connection to run it.`;
}
