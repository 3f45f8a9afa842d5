/**
 * Where in a statement did the database say the error is? Each engine reports it differently:
 * - PostgreSQL: `error.position`, a 1-based character index into the statement text that was sent.
 * - DuckDB: a "LINE n: <snippet>" line followed by a caret line under the offending token; long lines are shown as a
 *   window with "..." on either side, so the snippet is located in the real line rather than trusted for columns.
 * - Snowflake: "… line 3 at position 9 …" (1-based line, 0-based column).
 * The result is a 0-based offset into the statement text, which the run feature turns into a diagnostic range.
 */

export interface ErrorLocation {
  /** 0-based offset into the statement text. */
  offset: number;
  /** Length of the token to underline (at least 1). */
  length: number;
}

/** Offset of the start of 1-based `line` in `text`, or undefined when the text has fewer lines. */
function lineStart(text: string, line: number): number | undefined {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return undefined;
    offset = nl + 1;
  }
  return offset;
}

/** Length of the identifier/number/word at `offset`, else 1 (so a diagnostic always covers something visible). */
export function tokenLength(text: string, offset: number): number {
  const m = /^(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*|\d+(?:\.\d+)?|"[^"\n]*"|'[^'\n]*')/.exec(text.slice(offset, offset + 200));
  return m ? Math.max(1, m[0].length) : 1;
}

function clamp(text: string, offset: number): ErrorLocation {
  const o = Math.max(0, Math.min(offset, Math.max(0, text.length - 1)));
  return { offset: o, length: text.length === 0 ? 0 : tokenLength(text, o) };
}

/** PostgreSQL's 1-based `position` (a string in node-postgres errors). */
export function locateFromPostgresPosition(statement: string, position: string | number | undefined): ErrorLocation | undefined {
  const p = typeof position === 'string' ? Number.parseInt(position, 10) : position;
  if (p === undefined || !Number.isFinite(p) || p < 1) return undefined;
  return clamp(statement, p - 1);
}

/** DuckDB's "LINE n: …" + caret lines inside the error message. */
export function locateFromDuckDbMessage(statement: string, message: string): ErrorLocation | undefined {
  const lines = message.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^LINE (\d+): (.*)$/.exec(lines[i]);
    if (!m) continue;
    const caretLine = lines[i + 1] ?? '';
    const caret = caretLine.indexOf('^');
    const lineNo = Number(m[1]);
    const start = lineStart(statement, lineNo);
    if (start === undefined) return undefined;
    const prefixLen = lines[i].length - m[2].length;
    if (caret < prefixLen) return clamp(statement, start);
    let snippet = m[2];
    let caretInSnippet = caret - prefixLen;
    if (snippet.startsWith('...')) {
      snippet = snippet.slice(3);
      caretInSnippet -= 3;
    }
    if (snippet.endsWith('...')) snippet = snippet.slice(0, -3);
    const nl = statement.indexOf('\n', start);
    const realLine = statement.slice(start, nl < 0 ? statement.length : nl);
    // DuckDB prints the line as sent; when it windowed the line, find the window in the real line.
    const at = realLine.indexOf(snippet);
    const column = (at < 0 ? 0 : at) + Math.max(0, caretInSnippet);
    return clamp(statement, start + Math.min(column, realLine.length));
  }
  return undefined;
}

/** Snowflake's "line L at position P" in compilation errors. */
export function locateFromSnowflakeMessage(statement: string, message: string): ErrorLocation | undefined {
  const m = /\bline (\d+) at position (\d+)/i.exec(message);
  if (!m) return undefined;
  const start = lineStart(statement, Number(m[1]));
  if (start === undefined) return undefined;
  return clamp(statement, start + Number(m[2]));
}

/** Tries what the error object carries, by dialect; undefined when the database gave no position. */
export function locateError(statement: string, dialect: string, err: unknown): ErrorLocation | undefined {
  const e = (err ?? {}) as { message?: unknown; position?: unknown; cause?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const cause = (e.cause ?? {}) as { message?: unknown; position?: unknown };
  const position = (e.position ?? cause.position) as string | number | undefined;
  const causeMessage = typeof cause.message === 'string' ? cause.message : '';
  if (position !== undefined) {
    const loc = locateFromPostgresPosition(statement, position);
    if (loc) return loc;
  }
  const detail = (e as { detail?: unknown }).detail;
  const texts = [message, causeMessage, typeof detail === 'string' ? detail : ''];
  for (const text of texts) {
    if (!text) continue;
    const loc = dialect === 'snowflake' ? locateFromSnowflakeMessage(statement, text) : locateFromDuckDbMessage(statement, text);
    if (loc) return loc;
  }
  return undefined;
}

/** Converts an offset into a (0-based) line/column pair for `text`. */
export function offsetToPosition(text: string, offset: number): { line: number; column: number } {
  let line = 0;
  let lineStartAt = 0;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    lineStartAt = k + 1;
  }
  return { line, column: offset - lineStartAt };
}
