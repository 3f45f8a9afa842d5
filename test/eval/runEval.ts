/** Runs the evaluation set through the real NL→SQL pipeline and scores each answer by execution accuracy. */
import { askForSql } from '../../src/core/ai/nl2sql';
import type { LlmRouter } from '../../src/core/ai/router';
import { loadCatalog } from '../../src/core/ai/schemaContext';
import type { Connection } from '../../src/core/connections/types';
import { userMessage } from '../../src/core/errors';
import type { EvalQuestion } from './nl2sqlQuestions';
import { isOrdered, sameResult } from './score';

export interface EvalItem {
  id: string;
  level: EvalQuestion['level'];
  correct: boolean;
  attempts: number;
  promptTokens: number;
  completionTokens: number;
  sql?: string;
  error?: string;
  ms: number;
}

export interface EvalReport {
  provider: string;
  model: string;
  total: number;
  correct: number;
  accuracy: number;
  byLevel: Record<string, { total: number; correct: number }>;
  avgAttempts: number;
  promptTokens: number;
  completionTokens: number;
  items: EvalItem[];
}

export async function runEval(o: {
  connection: Connection;
  router: LlmRouter;
  questions: EvalQuestion[];
  maxRepairAttempts?: number;
  signal?: AbortSignal;
  onItem?: (item: EvalItem, q: EvalQuestion) => void;
}): Promise<EvalReport> {
  const catalog = await loadCatalog(o.connection, { signal: o.signal });
  const items: EvalItem[] = [];
  for (const q of o.questions) {
    const started = Date.now();
    const item: EvalItem = { id: q.id, level: q.level, correct: false, attempts: 0, promptTokens: 0, completionTokens: 0, ms: 0 };
    try {
      const reference = await o.connection.query(q.sql, { signal: o.signal });
      const answer = await askForSql({ question: q.question, connection: o.connection, router: o.router, catalog, maxRepairAttempts: o.maxRepairAttempts ?? 2, signal: o.signal });
      Object.assign(item, { attempts: answer.attempts, promptTokens: answer.usage.promptTokens, completionTokens: answer.usage.completionTokens, sql: answer.sql });
      if (!answer.valid) item.error = answer.problems.join(' ');
      else {
        const predicted = await o.connection.query(answer.sql, { signal: o.signal, maxRows: 100_000, timeoutMs: 60_000 });
        item.correct = sameResult(reference, predicted, isOrdered(q.sql));
      }
    } catch (err) {
      if (o.signal?.aborted) throw err;
      item.error = userMessage(err);
    }
    item.ms = Date.now() - started;
    items.push(item);
    o.onItem?.(item, q);
  }
  const byLevel: EvalReport['byLevel'] = {};
  for (const it of items) {
    byLevel[it.level] ??= { total: 0, correct: 0 };
    byLevel[it.level].total++;
    if (it.correct) byLevel[it.level].correct++;
  }
  const correct = items.filter((i) => i.correct).length;
  const p = o.router.providers[0];
  return {
    provider: p.id,
    model: p.model,
    total: items.length,
    correct,
    accuracy: items.length ? correct / items.length : 0,
    byLevel,
    avgAttempts: items.length ? items.reduce((a, i) => a + i.attempts, 0) / items.length : 0,
    promptTokens: items.reduce((a, i) => a + i.promptTokens, 0),
    completionTokens: items.reduce((a, i) => a + i.completionTokens, 0),
    items,
  };
}
