/** Puts a result into words on request: the first rows go to the model as a compact table, never the whole result. */
import type { QueryResult } from '../connections/types';
import { summarisePrompt } from './prompts';
import type { LlmRouter } from './router';
import type { TokenUsage } from './types';

export function resultAsText(result: QueryResult, maxRows = 40, maxCell = 60): { text: string; truncated: boolean } {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return (s.length > maxCell ? s.slice(0, maxCell - 1) + '…' : s).replace(/[|\n]/g, ' ');
  };
  const head = result.columns.map((c) => c.name).join(' | ');
  const rows = result.rows.slice(0, maxRows).map((r) => r.map(cell).join(' | '));
  const truncated = result.rows.length > maxRows || Boolean(result.truncated);
  return { text: [head, ...rows].join('\n') + `\n(${result.rowCount} row${result.rowCount === 1 ? '' : 's'})`, truncated };
}

export async function summariseResult(
  router: LlmRouter,
  o: { question: string; sql: string; result: QueryResult; signal?: AbortSignal; onText?: (d: string) => void },
): Promise<{ text: string; usage: TokenUsage }> {
  const { text, truncated } = resultAsText(o.result);
  const res = await router.complete({ messages: summarisePrompt(o.question, o.sql, text, truncated), maxTokens: 400, signal: o.signal, onText: o.onText });
  return { text: res.text.trim(), usage: res.usage };
}
