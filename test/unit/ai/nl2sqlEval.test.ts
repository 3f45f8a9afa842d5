import { strict as assert } from 'node:assert';
import { LlmRouter } from '../../../src/core/ai/router';
import { createProvider } from '../../../src/core/ai/providers';
import type { Connection, QueryResult } from '../../../src/core/connections/types';
import { QUESTIONS } from '../../eval/nl2sqlQuestions';
import { runEval } from '../../eval/runEval';
import { isOrdered, sameResult } from '../../eval/score';
import { startLlmServer, type LlmServer, type RecordedRequest } from '../../helpers/llm/server';
import { demoWarehouse, openDemo } from '../../helpers/llm/demoWarehouse';

const result = (names: string[], rows: unknown[][]): QueryResult => ({ columns: names.map((name) => ({ name, type: 'X' })), rows, rowCount: rows.length, elapsedMs: 0 });

describe('nl2sql eval: execution-accuracy scorer', () => {
  it('ignores row order unless the reference sorts', () => {
    const a = result(['c', 'n'], [['US', 3], ['GB', 1]]);
    const b = result(['c', 'n'], [['GB', 1], ['US', 3]]);
    assert.equal(sameResult(a, b, false), true);
    assert.equal(sameResult(a, b, true), false);
  });
  it('ignores column names and order, not values', () => {
    assert.equal(sameResult(result(['c', 'n'], [['US', 3], ['GB', 1]]), result(['total', 'country'], [[1, 'GB'], [3, 'US']]), false), true);
    assert.equal(sameResult(result(['c', 'n'], [['US', 3], ['GB', 1]]), result(['c', 'n'], [['US', 1], ['GB', 3]]), false), false);
    assert.equal(sameResult(result(['n'], [[1]]), result(['n', 'm'], [[1, 1]]), false), false);
  });
  it('compares numbers with float tolerance and decimal strings as numbers; dates equal midnight timestamps', () => {
    assert.equal(sameResult(result(['x'], [[0.1 + 0.2]]), result(['x'], [['0.3']]), false), true);
    assert.equal(sameResult(result(['x'], [[0.3]]), result(['x'], [[0.31]]), false), false);
    assert.equal(sameResult(result(['m'], [['2024-01-01']]), result(['m'], [['2024-01-01T00:00:00.000Z']]), false), true);
  });
  it('sees ORDER BY only at the top level', () => {
    assert.equal(isOrdered('SELECT a FROM t ORDER BY a'), true);
    assert.equal(isOrdered('SELECT avg(n) FROM (SELECT n FROM t ORDER BY n)'), false);
    assert.equal(isOrdered("SELECT 'order by' AS s FROM t"), false);
  });
});

/** The whole eval over the real demo warehouse, with scripted models behind the real OpenAI SDK. */
describe('nl2sql eval: scripted models through the loopback server', function () {
  this.timeout(120_000);
  let llm: LlmServer;
  let conn: Connection;
  before(async () => {
    conn = openDemo(await demoWarehouse());
  });
  afterEach(async () => {
    await llm?.stop();
  });
  after(async () => {
    await conn?.close();
  });

  const byQuestion = new Map(QUESTIONS.map((q) => [q.question, q]));
  const questionOf = (r: RecordedRequest) => r.body.messages.filter((m: any) => m.role === 'user')[0].content as string;
  const router = () => new LlmRouter([createProvider({ id: 'openai-compatible', model: 'scripted', baseUrl: llm.openaiBaseUrl })]);

  it('has at least 40 questions with unique ids', () => {
    assert.ok(QUESTIONS.length >= 40);
    assert.equal(new Set(QUESTIONS.map((q) => q.id)).size, QUESTIONS.length);
  });

  it('a perfect model (answers with the reference SQL) scores 100%', async () => {
    const perfect = (r: RecordedRequest) => ({ kind: 'text' as const, text: JSON.stringify({ sql: byQuestion.get(questionOf(r))!.sql, explanation: 'reference' }) });
    // Every reference must also run and pass our own catalog check + EXPLAIN on the first attempt.
    llm = await startLlmServer({ fallback: perfect });
    const report = await runEval({ connection: conn, router: router(), questions: QUESTIONS, maxRepairAttempts: 0 });
    const failed = report.items.filter((i) => !i.correct).map((i) => `${i.id}: ${i.error ?? 'wrong'}`);
    assert.deepEqual(failed, []);
    assert.equal(report.accuracy, 1);
    assert.equal(report.avgAttempts, 1);
    assert.ok(report.promptTokens > 0 && report.completionTokens > 0);
  });

  it('a model that is wrong on every other question scores exactly the questions it got right', async () => {
    let n = 0;
    // Plausible but wrong: counts customers instead of answering; valid SQL, so only execution accuracy catches it.
    const halfWrong = (r: RecordedRequest) => {
      const q = byQuestion.get(questionOf(r))!;
      const sql = n++ % 2 === 0 ? q.sql : 'SELECT count(*) AS n FROM shop.customers WHERE customer_id < 0';
      return { kind: 'text' as const, text: JSON.stringify({ sql, explanation: '' }) };
    };
    const questions = QUESTIONS.slice(0, 20);
    llm = await startLlmServer({ fallback: halfWrong });
    const report = await runEval({ connection: conn, router: router(), questions, maxRepairAttempts: 0 });
    assert.equal(report.correct, 10);
    assert.equal(report.accuracy, 0.5);
    assert.deepEqual(report.items.filter((i) => !i.correct).map((i) => i.id), ['q02', 'q04', 'q06', 'q08', 'q10', 'q12', 'q14', 'q16', 'q18', 'q20']);
  });
});

describe('nl2sql eval: `npm run eval:nl2sql` (the script, as a child process)', function () {
  this.timeout(120_000);
  const { execFile } = require('node:child_process') as typeof import('node:child_process');
  const { join } = require('node:path') as typeof import('node:path');
  const root = join(__dirname, '..', '..', '..');
  // Async on purpose: the loopback server answers from this process while the script runs.
  const runScript = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('IOPSDATA_'))) as Record<string, string>;
      execFile(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'test/eval/nl2sql.ts'), ...args], { cwd: root, env: { ...clean, ...env }, timeout: 110_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('without any key or base URL says so and exits 0', async () => {
    const r = await runScript([], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^nl2sql eval: no provider configured, nothing to score\. Set IOPSDATA_OPENAI_API_KEY, IOPSDATA_ANTHROPIC_API_KEY, IOPSDATA_GROQ_API_KEY or IOPSDATA_OPENAI_COMPATIBLE_BASE_URL/);
  });

  it('scores a configured OpenAI-compatible server by execution accuracy (--json)', async () => {
    const byQuestion = new Map(QUESTIONS.map((q) => [q.question, q]));
    // Right on the first two questions, plausible but wrong on the next two.
    const model = (r: RecordedRequest) => {
      const q = byQuestion.get(r.body.messages.filter((m: any) => m.role === 'user')[0].content)!;
      const sql = ['q01', 'q02'].includes(q.id) ? q.sql : 'SELECT 42 AS answer';
      return { kind: 'text' as const, text: JSON.stringify({ sql, explanation: '' }) };
    };
    const llm = await startLlmServer({ fallback: model });
    try {
      const r = await runScript(['--limit', '4', '--json'], { IOPSDATA_OPENAI_COMPATIBLE_BASE_URL: llm.openaiBaseUrl, IOPSDATA_OPENAI_COMPATIBLE_MODEL: 'scripted' });
      assert.equal(r.code, 0, r.stderr);
      const [report] = JSON.parse(r.stdout);
      assert.equal(report.provider, 'openai-compatible');
      assert.equal(report.model, 'scripted');
      assert.equal(report.total, 4);
      assert.equal(report.correct, 2);
      assert.equal(report.accuracy, 0.5);
      assert.deepEqual(report.items.map((i: { id: string; correct: boolean }) => [i.id, i.correct]), [['q01', true], ['q02', true], ['q03', false], ['q04', false]]);
    } finally {
      await llm.stop();
    }
  });
});
