/** The prompts of the NL→SQL pipeline, in one place so their wording can be tuned and evaluated together. */
import type { ChatMessage } from './types';

export function dialectName(dialect: string): string {
  switch (dialect.toLowerCase()) {
    case 'duckdb':
      return 'DuckDB';
    case 'postgres':
    case 'postgresql':
      return 'PostgreSQL';
    case 'snowflake':
      return 'Snowflake';
    default:
      return dialect;
  }
}

export function systemPrompt(dialect: string, schemaText: string, o: { omittedTables?: number } = {}): string {
  const d = dialectName(dialect);
  return [
    `You are a careful data analyst who writes ${d} SQL.`,
    `Answer the user's question with ONE ${d} SQL statement that runs as-is on the database described below.`,
    'Rules:',
    '- Use only the tables and columns listed in the schema; qualify tables with their schema.',
    '- Write a read-only query (SELECT or WITH … SELECT) unless the user explicitly asks to change data.',
    '- Prefer explicit JOINs on key columns; give computed columns short snake_case aliases.',
    '- Only add ORDER BY when the question implies an order (top, most, latest, ranking) and LIMIT when it asks for a number of rows.',
    `- Use ${d} functions and syntax.`,
    'Reply with a JSON object and nothing else: {"sql": "<the statement>", "explanation": "<one or two sentences on what it returns and any assumption>"}',
    '',
    `Schema (${d}):`,
    schemaText,
    ...(o.omittedTables ? [`(${o.omittedTables} less relevant tables are not shown.)`] : []),
  ].join('\n');
}

export function repairPrompt(sql: string, problem: string): string {
  return [
    'That SQL does not work on this database:',
    problem,
    '',
    'The statement was:',
    sql,
    '',
    'Fix it using only the tables and columns in the schema, and reply with the same JSON format.',
  ].join('\n');
}

export function formatRepairPrompt(problem: string): string {
  return `${problem} Reply with a JSON object {"sql": "…", "explanation": "…"} and nothing else.`;
}

/** A previous exchange, replayed so follow-ups ("now only 2024") keep their context. */
export interface ConversationTurn {
  question: string;
  sql?: string;
  explanation?: string;
}

export function historyMessages(turns: ConversationTurn[], maxTurns = 6): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const t of turns.slice(-maxTurns)) {
    out.push({ role: 'user', content: t.question });
    if (t.sql) out.push({ role: 'assistant', content: JSON.stringify({ sql: t.sql, explanation: t.explanation ?? '' }) });
  }
  return out;
}

export function summarisePrompt(question: string, sql: string, table: string, truncated: boolean): ChatMessage[] {
  return [
    {
      role: 'system',
      content: 'You explain query results to a busy colleague in plain words: 2–4 sentences, the key numbers first, no SQL, no guessing beyond the data shown.',
    },
    {
      role: 'user',
      content: `Question: ${question}\n\nSQL:\n${sql}\n\nResult${truncated ? ' (first rows only)' : ''}:\n${table}\n\nSummarise the answer.`,
    },
  ];
}

export function explainPrompt(dialect: string, sql: string, schemaText?: string): ChatMessage[] {
  return [
    { role: 'system', content: `You explain ${dialectName(dialect)} SQL clearly and briefly in Markdown: what it returns, step by step, and any pitfalls (NULLs, duplicates from joins, time zones).${schemaText ? `\n\nSchema:\n${schemaText}` : ''}` },
    { role: 'user', content: `Explain this query:\n\`\`\`sql\n${sql}\n\`\`\`` },
  ];
}

export function fixPrompt(sql: string, error: string): string {
  return `This query fails with the error below. Fix it.\n\nQuery:\n${sql}\n\nError:\n${error}`;
}
