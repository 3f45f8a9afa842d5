/**
 * Splits a SQL script into statements at top-level semicolons, without being fooled by semicolons inside
 * 'strings', "identifiers", `backticks`, -- line / block comments (nested in PostgreSQL/DuckDB), $tag$ dollar
 * quotes $tag$, and Jinja {{ … }} / {% … %} / {# … #} (dbt models). Pure and fast: the CodeLens, the run feature,
 * the lineage helper and the CLI all call it on every change.
 */

export interface SqlStatementRange {
  /** The statement text, without its terminating semicolon and without surrounding blanks. */
  text: string;
  /** 0-based offset of the first non-blank character (comments count: a leading comment belongs to its statement). */
  start: number;
  /** 0-based offset just past the last non-blank character before the terminating semicolon (exclusive). */
  end: number;
  /** 0-based line of `start`. */
  line: number;
  /** 0-based column of `start` (UTF-16 code units, like VS Code positions). */
  column: number;
}

export interface SplitOptions {
  /** duckdb | postgres | snowflake | … (unknown dialects get the common rules). */
  dialect?: string;
}

function isBlank(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\u00a0' || ch === '\ufeff';
}

const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;

/**
 * Returns the statements in order. Segments that hold only blanks/comments are dropped. A comment that starts on the
 * same line right after a `;` is a trailing comment of the statement before it, not the start of the next one.
 */
export function splitStatements(text: string, options: SplitOptions = {}): SqlStatementRange[] {
  const dialect = (options.dialect ?? '').toLowerCase();
  // Snowflake and MySQL-like dialects treat backslash as an escape inside '…'; PostgreSQL only in E'…'.
  const backslashInStrings = dialect === 'snowflake' || dialect === 'mysql' || dialect === 'bigquery';
  const slashSlashComments = dialect === 'snowflake';
  const nestedBlockComments = dialect !== 'snowflake' && dialect !== 'mysql';
  const out: SqlStatementRange[] = [];
  const n = text.length;
  let segStart = 0;
  let hasCode = false; // does the current segment contain anything but blanks/comments?
  let i = 0;
  // Line counting resumes where the previous statement's left off, so a long script stays linear.
  let posOffset = 0;
  let posLine = 0;
  let posLineStart = 0;
  const position = (offset: number) => {
    for (let k = text.indexOf('\n', posOffset); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) {
      posLine++;
      posLineStart = k + 1;
    }
    posOffset = offset;
    return { line: posLine, column: offset - posLineStart };
  };

  const finish = (segEnd: number) => {
    if (hasCode) {
      let s = segStart;
      let e = segEnd;
      while (s < e && isBlank(text[s])) s++;
      while (e > s && isBlank(text[e - 1])) e--;
      if (e > s) out.push({ text: text.slice(s, e), start: s, end: e, ...position(s) });
    }
    hasCode = false;
  };

  while (i < n) {
    const ch = text[i];
    const next = i + 1 < n ? text[i + 1] : '';
    if (ch === '-' && next === '-') {
      i = skipLine(text, i + 2);
      continue;
    }
    if (slashSlashComments && ch === '/' && next === '/') {
      i = skipLine(text, i + 2);
      continue;
    }
    if (ch === '/' && next === '*') {
      i = skipBlockComment(text, i + 2, nestedBlockComments);
      continue;
    }
    if (ch === '{' && (next === '{' || next === '%' || next === '#')) {
      // Jinja: a {# comment #} is not code on its own; {{ expr }} / {% tag %} are.
      const close = next === '{' ? '}}' : next === '%' ? '%}' : '#}';
      if (next !== '#') hasCode = true;
      const j = text.indexOf(close, i + 2);
      i = j < 0 ? n : j + 2;
      continue;
    }
    if (ch === "'") {
      const escapes = backslashInStrings || isEscapeStringPrefix(text, i);
      i = skipQuoted(text, i + 1, "'", escapes);
      hasCode = true;
      continue;
    }
    if (ch === '"' || ch === '`') {
      i = skipQuoted(text, i + 1, ch, false);
      hasCode = true;
      continue;
    }
    if (ch === '$') {
      DOLLAR_TAG.lastIndex = i;
      const m = DOLLAR_TAG.exec(text);
      // `$1` parameters do not match (tag cannot start with a digit); a tag glued to an identifier (a$b$) is not a quote.
      if (m && !(i > 0 && /[A-Za-z0-9_]/.test(text[i - 1]))) {
        const tag = m[0];
        const j = text.indexOf(tag, i + tag.length);
        i = j < 0 ? n : j + tag.length;
        hasCode = true;
        continue;
      }
    }
    if (ch === ';') {
      finish(i);
      i++;
      // A comment on the rest of this line is the trailing comment of the statement just ended.
      let k = i;
      while (k < n && (text[k] === ' ' || text[k] === '\t')) k++;
      if (text.startsWith('--', k) || (slashSlashComments && text.startsWith('//', k))) i = skipLine(text, k + 2);
      segStart = i;
      continue;
    }
    if (!isBlank(ch)) hasCode = true;
    i++;
  }
  finish(n);
  return out;
}

function skipLine(text: string, i: number): number {
  const j = text.indexOf('\n', i);
  return j < 0 ? text.length : j + 1;
}

function skipBlockComment(text: string, i: number, nested: boolean): number {
  let depth = 1;
  while (i < text.length) {
    if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
      continue;
    }
    if (nested && text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
      continue;
    }
    i++;
  }
  return text.length;
}

/** From just after the opening quote to just after the closing one; a doubled quote is an escaped quote. */
function skipQuoted(text: string, i: number, quote: string, backslashEscapes: boolean): number {
  while (i < text.length) {
    const c = text[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return text.length;
}

/** PostgreSQL E'…' strings honour backslash escapes: `E'it\'s'`. */
function isEscapeStringPrefix(text: string, quoteAt: number): boolean {
  const p = text[quoteAt - 1];
  if (p !== 'e' && p !== 'E') return false;
  const before = text[quoteAt - 2];
  return before === undefined || !/[A-Za-z0-9_$]/.test(before);
}

/** The statement containing (or nearest before) a 0-based offset, e.g. the cursor; undefined for an empty script. */
export function statementAt(statements: SqlStatementRange[], offset: number): SqlStatementRange | undefined {
  let best: SqlStatementRange | undefined;
  for (const s of statements) {
    if (s.start <= offset) best = s;
    else break;
  }
  return best ?? statements[0];
}
