/**
 * Pulls SQL and a short explanation out of what models really return: the JSON we asked for (bare, fenced, or
 * surrounded by chatter), a ```sql fence with prose around it, <sql> tags, or bare SQL. Reasoning models' <think>
 * blocks are dropped first.
 */

export interface ParsedSqlAnswer {
  sql: string;
  explanation: string;
}

export class AnswerFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerFormatError';
  }
}

const SQL_START = /^\s*(with|select|insert|update|delete|merge|create|alter|drop|explain|describe|show|values|from|pragma|summarize|copy|table)\b/i;

function stripThinking(text: string): string {
  return text.replace(/<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi, '').replace(/^[\s\S]*?<\/think(?:ing)?>/i, '');
}

/** Removes trailing semicolons and blank lines; keeps inner formatting. */
export function tidySql(sql: string): string {
  return sql.trim().replace(/(;\s*)+$/, '').trim();
}

/** Scans for balanced {...} objects (strings respected) and returns the first that parses. */
function findJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start >= 0; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        try {
          const v = JSON.parse(text.slice(start, i + 1));
          if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
        } catch {}
        break;
      }
    }
  }
  return undefined;
}

function pickString(o: Record<string, unknown>, keys: string[]): string | undefined {
  for (const k of Object.keys(o)) {
    if (keys.includes(k.toLowerCase()) && typeof o[k] === 'string') return o[k] as string;
  }
  return undefined;
}

const FENCE = /```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;

function cleanProse(text: string): string {
  return text
    .replace(/^\s*(here(?:'s| is) (?:the|your) (?:sql|query)[^:\n]*:?|explanation:|sql:)\s*/gim, '')
    // Lead-in lines such as "Sure! Here it is:" say nothing about the query.
    .replace(/^[^\n]{0,60}:[ \t]*$/gm, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function parseSqlAnswer(raw: string): ParsedSqlAnswer {
  const text = stripThinking(raw).trim();
  if (!text) throw new AnswerFormatError('The model returned an empty answer.');

  const json = findJsonObject(text);
  if (json) {
    const sql = pickString(json, ['sql', 'query', 'sql_query', 'statement']);
    if (sql && sql.trim()) {
      return { sql: tidySql(sql), explanation: (pickString(json, ['explanation', 'explain', 'description', 'reasoning', 'summary']) ?? '').trim() };
    }
  }

  const fences = [...text.matchAll(FENCE)];
  const sqlFence = fences.find((m) => /^(sql|postgres(ql)?|duckdb|snowflake|psql|pgsql|plsql)$/i.test(m[1])) ?? fences.find((m) => SQL_START.test(m[2]));
  if (sqlFence) {
    const explanation = cleanProse(text.replace(sqlFence[0], ' '));
    return { sql: tidySql(sqlFence[2]), explanation: explanation.replace(/```[\s\S]*?(```|$)/g, '').trim() };
  }

  const tagged = /<sql>([\s\S]*?)<\/sql>/i.exec(text);
  if (tagged) return { sql: tidySql(tagged[1]), explanation: cleanProse(text.replace(tagged[0], ' ')) };

  // Bare SQL, possibly after a line of prose: take from the first line that starts like SQL to the first blank line
  // followed by prose.
  const lines = text.split('\n');
  const first = lines.findIndex((l) => SQL_START.test(l.replace(/^\s*(sql|query)\s*:\s*/i, '')));
  if (first >= 0) {
    let end = lines.length;
    for (let i = first + 1; i < lines.length; i++) {
      if (lines[i].trim() === '' && i + 1 < lines.length && /^[A-Z][a-z]/.test(lines[i + 1].trim()) && !SQL_START.test(lines[i + 1])) {
        end = i;
        break;
      }
    }
    const sqlLines = lines.slice(first, end);
    sqlLines[0] = sqlLines[0].replace(/^\s*(sql|query)\s*:\s*/i, '');
    const sql = tidySql(sqlLines.join('\n'));
    const explanation = cleanProse([...lines.slice(0, first), ...lines.slice(end)].join('\n'));
    return { sql, explanation };
  }
  throw new AnswerFormatError('The answer contained no SQL.');
}
