/**
 * Question → SQL that runs: schema context → model → parse → validate (catalog + EXPLAIN) → repair with the error,
 * a bounded number of times. Never executes the statement; running is the caller's decision (see policy.ts).
 */
import { throwIfAborted } from '../errors';
import type { Connection } from '../connections/types';
import { classifyStatement, type StatementClass } from '../connections/classify';
import { AnswerFormatError, parseSqlAnswer } from './parseResponse';
import { formatRepairPrompt, historyMessages, repairPrompt, systemPrompt, type ConversationTurn } from './prompts';
import type { LlmRouter, RouterEvent } from './router';
import { addSampleValues, buildSchemaContext, type CatalogSnapshot } from './schemaContext';
import { validateSql } from './sqlValidation';
import type { ChatMessage, TokenUsage } from './types';
import { addUsage, zeroUsage } from './usage';

export type AskProgress =
  | { type: 'schema'; tables: number; omitted: number; tokens: number }
  | { type: 'generating'; attempt: number }
  | { type: 'validating'; attempt: number; sql: string }
  | { type: 'repairing'; attempt: number; problems: string[] }
  | { type: 'router'; event: RouterEvent };

export interface AskOptions {
  question: string;
  connection: Connection;
  router: LlmRouter;
  /** The catalog snapshot (from SchemaCache/loadCatalog). */
  catalog: CatalogSnapshot;
  history?: ConversationTurn[];
  /** Repairs after the first answer; default 2 (so at most 3 model calls). */
  maxRepairAttempts?: number;
  includeSampleValues?: boolean;
  /** Token budget for the schema part of the prompt. */
  schemaBudgetTokens?: number;
  /** Skip EXPLAIN (tests of parsing only, or a connection that cannot explain). */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: AskProgress) => void;
  onText?: (delta: string) => void;
}

export interface AskResult {
  sql: string;
  explanation: string;
  /** Model calls that produced an answer (1 = right first time). */
  attempts: number;
  usage: TokenUsage;
  /** True when the final SQL passed the catalog check and the dry run. */
  valid: boolean;
  /** What is still wrong when !valid. */
  problems: string[];
  statement: StatementClass;
  tables: string[];
  provider: string;
  model: string;
}

export async function askForSql(o: AskOptions): Promise<AskResult> {
  const maxRepairs = Math.max(0, Math.min(o.maxRepairAttempts ?? 2, 10));
  const ctx = buildSchemaContext(o.catalog, o.question, { budgetTokens: o.schemaBudgetTokens ?? 6000, includeSamples: o.includeSampleValues });
  if (o.includeSampleValues) {
    const missing = ctx.tables.filter((t) => !t.samples);
    if (missing.length) {
      await addSampleValues(o.connection, missing, { signal: o.signal });
      ctx.text = buildSchemaContext({ ...o.catalog, tables: ctx.tables }, o.question, { budgetTokens: (o.schemaBudgetTokens ?? 6000) * 1.3, includeSamples: true }).text;
    }
  }
  o.onProgress?.({ type: 'schema', tables: ctx.tables.length, omitted: ctx.omitted, tokens: ctx.tokens });

  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(o.connection.dialect, ctx.text, { omittedTables: ctx.omitted }) },
    ...historyMessages(o.history ?? []),
    { role: 'user', content: o.question },
  ];
  let usage = zeroUsage();
  let last: { sql: string; explanation: string; problems: string[]; statement?: StatementClass; tables: string[]; provider: string; model: string } | undefined;
  for (let attempt = 1; attempt <= maxRepairs + 1; attempt++) {
    throwIfAborted(o.signal);
    o.onProgress?.({ type: 'generating', attempt });
    const res = await o.router.complete({ messages, maxTokens: 2048, signal: o.signal, onText: o.onText }, (event) => o.onProgress?.({ type: 'router', event }));
    usage = addUsage(usage, res.usage);
    messages.push({ role: 'assistant', content: res.text });
    let parsed;
    try {
      parsed = parseSqlAnswer(res.text);
    } catch (err) {
      if (!(err instanceof AnswerFormatError)) throw err;
      last = { sql: last?.sql ?? '', explanation: '', problems: [err.message], tables: [], provider: res.provider, model: res.model };
      if (attempt <= maxRepairs) {
        o.onProgress?.({ type: 'repairing', attempt, problems: [err.message] });
        messages.push({ role: 'user', content: formatRepairPrompt(err.message) });
      }
      continue;
    }
    o.onProgress?.({ type: 'validating', attempt, sql: parsed.sql });
    const v = await validateSql(parsed.sql, o.connection, o.catalog, { signal: o.signal, dryRun: o.dryRun });
    if (v.ok) {
      return { ...parsed, attempts: attempt, usage, valid: true, problems: [], statement: v.statement, tables: v.tables, provider: res.provider, model: res.model };
    }
    last = { ...parsed, problems: v.problems, statement: v.statement, tables: v.tables, provider: res.provider, model: res.model };
    if (attempt <= maxRepairs) {
      o.onProgress?.({ type: 'repairing', attempt, problems: v.problems });
      messages.push({ role: 'user', content: repairPrompt(parsed.sql, v.problems.join('\n')) });
    }
  }
  return {
    sql: last?.sql ?? '',
    explanation: last?.explanation ?? '',
    attempts: maxRepairs + 1,
    usage,
    valid: false,
    problems: last?.problems ?? ['No answer.'],
    statement: last?.statement ?? classifyStatement(last?.sql ?? '', o.connection.dialect),
    tables: last?.tables ?? [],
    provider: last?.provider ?? '',
    model: last?.model ?? '',
  };
}
