/**
 * "Ask your data" benchmark (npm run bench -- ai):
 *  1. Router overhead: a streamed completion through LlmRouter + our OpenAI provider against the raw `openai` SDK
 *     streaming the same reply from the same loopback server (test/helpers/llm), in the same run, interleaved;
 *     time to first token and total time, medians and router/raw ratios.
 *  2. The NL→SQL pipeline (schema context → model → parse → catalog check → EXPLAIN on DuckDB) over the demo
 *     warehouse, with a scripted model answering the eval set's reference SQL through the real SDK; and the same
 *     with one repair round (first answer names an unknown column).
 *  3. Schema-context ranking for a 1,000-table catalog (the demo's real tables among 995 others).
 * Run alone: npx tsx test/bench/ai.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchReport } from './report';
import { median } from './report';
import { LlmRouter } from '../../src/core/ai/router';
import { OpenAiLikeProvider } from '../../src/core/ai/providers/openai';
import { askForSql } from '../../src/core/ai/nl2sql';
import { buildSchemaContext, loadCatalog, rankTables, type CatalogSnapshot, type SnapshotTable } from '../../src/core/ai/schemaContext';
import { generateDemo } from '../../src/core/demo/generateDemo';
import { DuckDbConnection } from '../../src/core/connections/duckdb';
import { startLlmServer, type LlmServer, type RecordedRequest, type ScriptedReply } from '../helpers/llm/server';
import { QUESTIONS } from '../eval/nl2sqlQuestions';

const STREAM_ITERATIONS = Number(process.env.AI_BENCH_ITERATIONS ?? 40);
// A typical answer: ~1.5 KB of JSON (SQL + explanation) in 60 SSE chunks.
const REPLY_TEXT = JSON.stringify({
  sql: 'SELECT c.country, date_trunc(\'month\', p.paid_at) AS month, sum(p.amount) AS revenue\nFROM shop.payments p\nJOIN shop.orders o ON o.order_id = p.order_id\nJOIN shop.customers c ON c.customer_id = o.customer_id\nGROUP BY ALL\nORDER BY month, revenue DESC',
  explanation: 'Revenue per country and month: captured payments joined to their orders and customers, summed and ordered by month then revenue. '.repeat(8),
});
const CHUNKS = 60;

interface Sample {
  ttftMs: number;
  totalMs: number;
}

async function rawSdkStream(client: any, messages: { role: string; content: string }[], withSignal: boolean): Promise<Sample> {
  const t0 = performance.now();
  let first = 0;
  let text = '';
  const body = { model: 'bench-model', messages, stream: true, stream_options: { include_usage: true } };
  const stream = await client.chat.completions.create(body, withSignal ? { signal: new AbortController().signal } : undefined);
  for await (const chunk of stream) {
    const d = chunk.choices?.[0]?.delta?.content;
    if (d) {
      if (!first) first = performance.now();
      text += d;
    }
  }
  if (text !== REPLY_TEXT) throw new Error('raw SDK: reply text differs');
  return { ttftMs: first - t0, totalMs: performance.now() - t0 };
}

async function routerStream(router: LlmRouter, messages: { role: 'system' | 'user'; content: string }[]): Promise<Sample> {
  const t0 = performance.now();
  let first = 0;
  const res = await router.complete({ messages, onText: () => (first ||= performance.now()) });
  if (res.text !== REPLY_TEXT) throw new Error('router: reply text differs');
  if (res.usage.completionTokens <= 0) throw new Error('router: no usage');
  return { ttftMs: first - t0, totalMs: performance.now() - t0 };
}

async function routerOverhead(report: BenchReport, llm: LlmServer): Promise<void> {
  const OpenAI = require('openai').default ?? require('openai').OpenAI;
  // Same client settings as the provider (no SDK retries); one client each, reused, as in the extension.
  const raw = new OpenAI({ apiKey: 'sk-bench', baseURL: llm.openaiBaseUrl, maxRetries: 0, timeout: 600_000 });
  const router = new LlmRouter([new OpenAiLikeProvider({ id: 'openai', model: 'bench-model', apiKey: 'sk-bench', baseUrl: llm.openaiBaseUrl })]);
  const messages = [
    { role: 'system' as const, content: 'You write DuckDB SQL. Answer with JSON {"sql", "explanation"}.' },
    { role: 'user' as const, content: 'Revenue per country and month?' },
  ];
  const reply: ScriptedReply = { kind: 'text', text: REPLY_TEXT, chunks: CHUNKS, usage: { promptTokens: 900, completionTokens: 380 } };
  // Two baselines: the SDK alone, and the SDK with an AbortSignal (what any caller that can cancel passes; the
  // router always does, for cancellation and its idle timeout).
  const bare: Sample[] = [];
  const signalled: Sample[] = [];
  const routed: Sample[] = [];
  const order: (() => Promise<void>)[] = [
    async () => void bare.push(await rawSdkStream(raw, messages, false)),
    async () => void signalled.push(await rawSdkStream(raw, messages, true)),
    async () => void routed.push(await routerStream(router, messages)),
  ];
  // Warm all paths (connection pool, JIT), then rotate the order so drift hits all alike.
  for (let i = 0; i < 3; i++) {
    for (const f of order) {
      llm.script(reply);
      await f();
    }
  }
  bare.length = signalled.length = routed.length = 0;
  for (let i = 0; i < STREAM_ITERATIONS; i++) {
    for (let j = 0; j < order.length; j++) {
      llm.script(reply);
      await order[(i + j) % order.length]();
    }
  }
  const med = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
  report.record('stream: iterations (each path, rotated)', STREAM_ITERATIONS);
  report.record('stream: reply size', REPLY_TEXT.length, `chars in ${CHUNKS} SSE chunks`);
  for (const [label, xs] of [['raw openai SDK', bare], ['raw openai SDK + AbortSignal', signalled], ['router', routed]] as const) {
    report.record(`stream: ${label}: time to first token (median)`, med(xs, 'ttftMs'), 'ms');
    report.record(`stream: ${label}: total (median)`, med(xs, 'totalMs'), 'ms');
  }
  const ratio = (k: keyof Sample, base: Sample[]) => med(routed, k) / med(base, k);
  report.record('stream: router/raw time to first token ratio', ratio('ttftMs', bare), 'x');
  report.record('stream: router/raw total ratio', ratio('totalMs', bare), 'x');
  report.record('stream: router/(raw + AbortSignal) time to first token ratio', ratio('ttftMs', signalled), 'x');
  report.record('stream: router/(raw + AbortSignal) total ratio', ratio('totalMs', signalled), 'x');
  report.record('stream: router overhead on total vs raw + AbortSignal (median difference)', med(routed, 'totalMs') - med(signalled, 'totalMs'), 'ms');
  report.target('stream: router/(raw + AbortSignal) total ratio', ratio('totalMs', signalled), 1.25, 'x');
}

/** A scripted model: answers each question with the eval set's reference SQL (or, when asked to, a broken one first). */
function scriptedModel(broken: Set<string>): (req: RecordedRequest) => ScriptedReply {
  return (req) => {
    const msgs: { role: string; content: string }[] = req.body.messages;
    const question = msgs.filter((m) => m.role === 'user')[0]?.content ?? '';
    const q = QUESTIONS.find((x) => x.question === question);
    if (!q) return { kind: 'status', status: 400, message: `unknown question: ${question.slice(0, 80)}` };
    const repairing = msgs.length > 2;
    const sql = broken.has(q.id) && !repairing ? q.sql.replace(/\bFROM shop\.(\w+)/, 'FROM shop.$1_missing') : q.sql;
    return { kind: 'text', text: JSON.stringify({ sql, explanation: 'Reference answer.' }), chunks: 4 };
  };
}

async function pipeline(report: BenchReport, dir: string): Promise<CatalogSnapshot> {
  const { warehouse } = await generateDemo(join(dir, 'demo'), { customers: 2000 });
  const connection = new DuckDbConnection({ kind: 'duckdb', name: 'Demo warehouse', path: warehouse, allowWrites: false });
  // The scripted model answers every call (the server's fallback), so no reply is queued for a call that never comes.
  let broken = new Set<string>();
  const model = await startLlmServer({ fallback: (req) => scriptedModel(broken)(req) });
  try {
    const t0 = performance.now();
    const catalog = await loadCatalog(connection);
    report.record('nl2sql: load the demo catalog (cold)', performance.now() - t0, 'ms');
    report.record('nl2sql: demo catalog tables', catalog.tables.length);
    const router = new LlmRouter([new OpenAiLikeProvider({ id: 'openai-compatible', model: 'scripted', baseUrl: model.openaiBaseUrl })]);
    const runAll = async (label: string) => {
      const times: number[] = [];
      let valid = 0;
      let attempts = 0;
      for (const q of QUESTIONS) {
        const t = performance.now();
        const res = await askForSql({ question: q.question, connection, router, catalog, maxRepairAttempts: 2 });
        times.push(performance.now() - t);
        if (res.valid) valid++;
        attempts += res.attempts;
      }
      const s = [...times].sort((a, b) => a - b);
      report.record(`nl2sql ${label}: questions`, QUESTIONS.length);
      report.record(`nl2sql ${label}: median per question`, median(times), 'ms');
      report.record(`nl2sql ${label}: p90 per question`, s[Math.ceil(0.9 * s.length) - 1], 'ms');
      report.record(`nl2sql ${label}: valid SQL`, valid, `of ${QUESTIONS.length}`);
      report.record(`nl2sql ${label}: model calls per question`, attempts / QUESTIONS.length);
      if (valid !== QUESTIONS.length) throw new Error(`nl2sql ${label}: only ${valid} of ${QUESTIONS.length} reference answers validated`);
      return median(times);
    };
    // Warm-up: parsers, the DuckDB session, the SDK's connection.
    await askForSql({ question: QUESTIONS[0].question, connection, router, catalog });
    const first = await runAll('first answer right');
    broken = new Set(QUESTIONS.map((q) => q.id));
    const repaired = await runAll('one repair round');
    report.record('nl2sql: one repair round / first answer right (median ratio)', repaired / first, 'x');
    report.target('nl2sql first answer right: median per question', first, 250);
    return catalog;
  } finally {
    await model.stop();
    await connection.close();
  }
}

function thousandTables(demo: CatalogSnapshot): CatalogSnapshot {
  const words = ['sensor', 'reading', 'ledger', 'audit', 'ticket', 'shipment', 'vendor', 'campaign', 'session', 'inventory', 'invoice', 'refund', 'warehouse', 'employee', 'contract'];
  const types = ['BIGINT', 'VARCHAR', 'TIMESTAMP', 'DECIMAL(12,2)', 'BOOLEAN', 'DATE', 'DOUBLE'];
  const noise: SnapshotTable[] = [];
  for (let i = 0; noise.length + demo.tables.length < 1000; i++) {
    const w = words[i % words.length];
    const other = words[(i * 7 + 3) % words.length];
    noise.push({
      schema: `dept_${i % 12}`,
      name: `${w}_${other}_${i}`,
      kind: i % 9 === 0 ? 'view' : 'table',
      comment: i % 3 === 0 ? `${w} facts by ${other} (${i})` : undefined,
      rowEstimate: 1000 + i * 37,
      columns: Array.from({ length: 8 + (i % 16) }, (_, j) => ({ name: j === 0 ? `${w}_id` : j === 1 ? `${other}_id` : `${w}_${other}_attr_${j}`, type: types[(i + j) % types.length], nullable: j > 0, primaryKey: j === 0 })),
    });
  }
  return { dialect: 'duckdb', tables: [...noise.slice(0, 500), ...demo.tables, ...noise.slice(500)], loadedAt: Date.now() };
}

async function ranking(report: BenchReport, demo: CatalogSnapshot): Promise<void> {
  const big = thousandTables(demo);
  const columns = big.tables.reduce((n, t) => n + t.columns.length, 0);
  report.record('schema context: catalog', `${big.tables.length} tables, ${columns} columns`);
  const questions = QUESTIONS.map((q) => q.question);
  // Cold: a snapshot seen for the first time (the question-independent stems are computed and cached), i.e. the
  // first question after a schema (re)load; warm: every later question on the cached snapshot.
  let i = 0;
  const cold = await report.measure('schema context: rank 1,000 tables, first question on a snapshot', () => rankTables({ ...big }, questions[i++ % questions.length]), { iterations: 20, warmup: 2 });
  i = 0;
  const rank = await report.measure('schema context: rank 1,000 tables for a question', () => rankTables(big, questions[i++ % questions.length]), { iterations: 60, warmup: 3 });
  i = 0;
  const build = await report.measure('schema context: rank + render within a 6,000-token budget', () => buildSchemaContext(big, questions[i++ % questions.length], { budgetTokens: 6000 }), { iterations: 60, warmup: 3 });
  // Quality check on the way: the demo tables a question names must make the cut.
  const ctx = buildSchemaContext(big, 'total payment amount per customer country', { budgetTokens: 6000 });
  const names = ctx.tables.map((t) => `${t.schema}.${t.name}`);
  for (const t of ['shop.payments', 'shop.customers', 'shop.orders']) if (!names.includes(t)) throw new Error(`${t} not in the context: ${names.slice(0, 10).join(', ')}`);
  report.record('schema context: tables kept / omitted at 6,000 tokens', `${ctx.tables.length} / ${ctx.omitted}`);
  report.record('schema context: later question / first question (median ratio)', rank.medianMs / cold.medianMs, 'x');
  report.target('schema context: rank + render 1,000 tables (median)', build.medianMs, 50);
  report.target('schema context: rank 1,000 tables (median)', rank.medianMs, 30);
}

export async function run(report: BenchReport): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-ai-bench-'));
  const llm = await startLlmServer();
  try {
    await routerOverhead(report, llm);
    const demo = await pipeline(report, dir);
    await ranking(report, demo);
  } finally {
    await llm.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  void import('./report').then(async ({ createReport }) => {
    const result = { bench: 'ai', file: __filename, ok: true, durationMs: 0, peakRssMb: 0, timings: {}, records: {}, targets: [] };
    await run(createReport(result, (l) => console.error(l)));
    console.log(JSON.stringify(result, null, 2));
  });
}
