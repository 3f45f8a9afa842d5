/**
 * `npm run eval:nl2sql [-- --provider openai --model gpt-4.1-mini --limit 10 --json]`
 * Scores the NL→SQL pipeline on the demo warehouse by execution accuracy with every provider that has a key in the
 * environment (IOPSDATA_OPENAI_API_KEY, IOPSDATA_ANTHROPIC_API_KEY, IOPSDATA_GROQ_API_KEY, or
 * IOPSDATA_OPENAI_COMPATIBLE_BASE_URL for a local server). Without any, it says so and exits 0.
 * Models per provider: IOPSDATA_<PROVIDER>_MODEL or --model (with --provider).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { apiKeyEnvVar, createProvider, type HttpProviderId } from '../../src/core/ai/providers';
import { LlmRouter } from '../../src/core/ai/router';
import { openConnection } from '../../src/core/connections/open';
import { generateDemo } from '../../src/core/demo/generateDemo';
import { stderrLogger } from '../../src/core/logger';
import { userMessage } from '../../src/core/errors';
import { QUESTIONS } from './nl2sqlQuestions';
import { runEval, type EvalReport } from './runEval';

const ALL: HttpProviderId[] = ['openai', 'anthropic', 'groq', 'openai-compatible'];

function configured(only?: string): { id: HttpProviderId; apiKey?: string; baseUrl?: string; model?: string }[] {
  const out: { id: HttpProviderId; apiKey?: string; baseUrl?: string; model?: string }[] = [];
  for (const id of ALL) {
    if (only && id !== only) continue;
    const env = id.toUpperCase().replace(/-/g, '_');
    const apiKey = process.env[apiKeyEnvVar(id)]?.trim() || undefined;
    const baseUrl = process.env[`IOPSDATA_${env}_BASE_URL`]?.trim() || undefined;
    if (id === 'openai-compatible' ? !baseUrl : !apiKey) continue;
    out.push({ id, apiKey, baseUrl, model: process.env[`IOPSDATA_${env}_MODEL`]?.trim() || undefined });
  }
  return out;
}

function printReport(r: EvalReport): void {
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '—');
  console.log(`\n${r.provider} (${r.model}): execution accuracy ${pct(r.correct, r.total)} (${r.correct}/${r.total})`);
  for (const [level, v] of Object.entries(r.byLevel)) console.log(`  ${level.padEnd(6)} ${pct(v.correct, v.total)} (${v.correct}/${v.total})`);
  console.log(`  avg attempts ${r.avgAttempts.toFixed(2)} · ${r.promptTokens} prompt + ${r.completionTokens} completion tokens`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { provider: { type: 'string' }, model: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, debug: { type: 'boolean' } },
  });
  const providers = configured(values.provider);
  if (!providers.length) {
    console.log(
      `nl2sql eval: no provider configured, nothing to score. Set ${ALL.filter((p) => p !== 'openai-compatible').map(apiKeyEnvVar).join(', ')} ` +
        'or IOPSDATA_OPENAI_COMPATIBLE_BASE_URL (optionally IOPSDATA_<PROVIDER>_MODEL) and run again.',
    );
    return 0;
  }
  const limit = values.limit ? Number(values.limit) : QUESTIONS.length;
  const questions = QUESTIONS.slice(0, limit);
  const dir = mkdtempSync(join(tmpdir(), 'iopsdata-eval-'));
  const reports: EvalReport[] = [];
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  try {
    const demo = await generateDemo(dir, {});
    const connection = openConnection({ kind: 'duckdb', name: 'Demo warehouse', path: demo.warehouse, allowWrites: false });
    try {
      for (const p of providers) {
        const provider = createProvider({ id: p.id, apiKey: p.apiKey, baseUrl: p.baseUrl, model: values.provider ? values.model ?? p.model : p.model });
        const router = new LlmRouter([provider], { log: stderrLogger(Boolean(values.debug)) });
        console.error(`nl2sql eval: ${questions.length} questions with ${provider.label}`);
        try {
          const report = await runEval({
            connection,
            router,
            questions,
            signal: ac.signal,
            onItem: (it) => console.error(`  ${it.id} ${it.correct ? 'ok  ' : 'FAIL'} attempts=${it.attempts}${it.error ? ` ${it.error}` : ''}`),
          });
          reports.push(report);
          if (!values.json) printReport(report);
        } catch (err) {
          console.error(`nl2sql eval: ${provider.label} failed: ${userMessage(err)}`);
        }
      }
    } finally {
      await connection.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (values.json) console.log(JSON.stringify(reports.map(({ items, ...r }) => ({ ...r, items })), null, 2));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`nl2sql eval: ${userMessage(err)}`);
    process.exit(1);
  },
);
