/**
 * A small SQL tokenizer for lineage: just enough lexical knowledge (strings, quoted identifiers, comments, dollar
 * quotes, stage references) to find table names in any dialect, including statements node-sql-parser rejects.
 * It never throws: unknown characters become one-character punctuation tokens.
 */

export type TokenKind =
  /** bare word: keyword or identifier */
  | 'word'
  /** "quoted", `quoted` or [quoted] identifier; `value` holds the unquoted text */
  | 'qident'
  | 'string'
  | 'number'
  /** @stage/path (Snowflake), @variable (T-SQL) */
  | 'at'
  | 'punct';

export interface Token {
  kind: TokenKind;
  /** Unquoted text (identifiers, strings) or the raw text (punctuation, numbers). */
  value: string;
  /** Upper-cased value for bare words (keyword comparisons); '' otherwise. */
  upper: string;
  start: number;
  end: number;
}

export interface TokenizeOptions {
  dialect?: string;
}

// Character-class tests by code, not RegExp: the tokenizer runs over every statement several times.
function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}

export function tokenize(text: string, options: TokenizeOptions = {}): Token[] {
  const dialect = options.dialect ?? 'ansi';
  const hashComments = dialect === 'mysql' || dialect === 'mariadb';
  const doubleQuoteIsString = ['mysql', 'mariadb', 'bigquery', 'hive', 'sparksql', 'databricks'].includes(dialect);
  const brackets = dialect === 'tsql' || dialect === 'ansi' || dialect === 'sqlite';
  const backslashEscapes = ['mysql', 'mariadb', 'bigquery', 'hive', 'sparksql', 'databricks', 'snowflake'].includes(dialect);
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number, end: number) =>
    out.push({ kind, value, upper: kind === 'word' ? value.toUpperCase() : '', start, end });

  while (i < n) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\ufeff' || ch === '\u00a0') {
      i++;
      continue;
    }
    if ((ch === '-' && next === '-') || (hashComments && ch === '#') || (ch === '/' && next === '/' && dialect === 'snowflake')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (ch === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (text[j] === '/' && text[j + 1] === '*') {
          depth++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          depth--;
          j += 2;
        } else j++;
      }
      i = j;
      continue;
    }
    if (ch === "'" || (ch === '"' && doubleQuoteIsString)) {
      const [value, end] = readQuoted(text, i, ch, backslashEscapes);
      push('string', value, i, end);
      i = end;
      continue;
    }
    if ((ch === 'E' || ch === 'e' || ch === 'N' || ch === 'n' || ch === 'B' || ch === 'b' || ch === 'X' || ch === 'x' || ch === 'r' || ch === 'R') && next === "'") {
      const [value, end] = readQuoted(text, i + 1, "'", true);
      push('string', value, i, end);
      i = end;
      continue;
    }
    if (ch === '"' || ch === '`' || (ch === '[' && brackets && /[A-Za-z_#@\s]/.test(next ?? ''))) {
      const close = ch === '[' ? ']' : ch;
      const [value, end] = readQuoted(text, i, ch, false, close);
      push('qident', value, i, end);
      i = end;
      continue;
    }
    if (ch === '$') {
      // $tag$ … $tag$ dollar quoting (PostgreSQL, Snowflake $$), else ${hive_var} inside a word, else a parameter.
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (m) {
        const endTag = text.indexOf(m[0], i + m[0].length);
        const end = endTag < 0 ? n : endTag + m[0].length;
        push('string', text.slice(i + m[0].length, endTag < 0 ? n : endTag), i, end);
        i = end;
        continue;
      }
      if (next === '{') {
        const close = text.indexOf('}', i);
        const end = readWordTail(text, close < 0 ? n : close + 1);
        push('word', text.slice(i, end), i, end);
        i = end;
        continue;
      }
    }
    if (isWordStart(text.charCodeAt(i)) || (ch === '#' && dialect === 'tsql')) {
      const end = readWordTail(text, i + 1);
      push('word', text.slice(i, end), i, end);
      i = end;
      continue;
    }
    if (ch === '@' && next !== undefined && /[A-Za-z_~%@]/.test(next)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_./%~:@$-]/.test(text[j])) j++;
      push('at', text.slice(i, j), i, j);
      i = j;
      continue;
    }
    if (isDigit(text.charCodeAt(i)) || (ch === '.' && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < n && (isDigit(text.charCodeAt(j)) || text[j] === '.' || (isWordStart(text.charCodeAt(j)) && text.charCodeAt(j) < 0x80))) j++;
      push('number', text.slice(i, j), i, j);
      i = j;
      continue;
    }
    push('punct', ch, i, i + 1);
    i++;
  }
  return out;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function readWordTail(text: string, from: number): number {
  let j = from;
  while (j < text.length) {
    if (isWordPart(text.charCodeAt(j))) j++;
    else if (text[j] === '$' && text[j + 1] === '{') {
      const close = text.indexOf('}', j);
      j = close < 0 ? text.length : close + 1;
    } else break;
  }
  return j;
}

/** Reads a quoted token starting at `start` (the opening quote); doubled quotes escape. Returns [value, end]. */
function readQuoted(text: string, start: number, open: string, backslash: boolean, close = open): [string, number] {
  let j = start + 1;
  let value = '';
  while (j < text.length) {
    const c = text[j];
    if (backslash && c === '\\' && j + 1 < text.length) {
      value += text[j + 1];
      j += 2;
      continue;
    }
    if (c === close) {
      if (text[j + 1] === close) {
        value += close;
        j += 2;
        continue;
      }
      return [value, j + 1];
    }
    value += c;
    j++;
  }
  return [value, text.length];
}

/** Index of the `)` matching the `(` at `open`, or `hi` when unbalanced (never throws). */
export function matchParen(tokens: Token[], open: number, hi = tokens.length): number {
  let depth = 0;
  for (let i = open; i < hi; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    if (t.value === '(') depth++;
    else if (t.value === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return hi;
}
