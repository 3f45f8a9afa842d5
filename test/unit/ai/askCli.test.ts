import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startLlmServer, type LlmServer } from '../../helpers/llm/server';
import { demoWarehouse } from '../../helpers/llm/demoWarehouse';

const root = join(__dirname, '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');
const KEY = 'sk-cli-secret-ABCDEFGHIJKLMNOPQRSTUV';

/** Async spawn: the loopback server lives in this process, so the event loop must keep running. */
function run(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, IOPSDATA_OPENAI_API_KEY: undefined, IOPSDATA_ANTHROPIC_API_KEY: undefined, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('iopsdata ask (CLI contract, real SDKs against loopback servers, real DuckDB)', function () {
  this.timeout(60_000);
  let llm: LlmServer;
  let url: string;
  before(async function () {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
    url = `duckdb:${await demoWarehouse()}`;
  });
  beforeEach(async () => {
    llm = await startLlmServer({ apiKey: KEY });
  });
  afterEach(async () => {
    await llm.stop();
  });

  it('--json --run prints sql, explanation, attempts, usage and the query result', async () => {
    llm.script({ kind: 'text', text: '```json\n{"sql": "SELECT count(*) AS n FROM shop.products;", "explanation": "Counts products."}\n```', usage: { promptTokens: 812, completionTokens: 23 } });
    const r = await run(['ask', 'How many products are there?', '--url', url, '--provider', 'openai', '--model', 'gpt-x', '--base-url', llm.openaiBaseUrl, '--run', '--json'], { IOPSDATA_OPENAI_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['sql', 'explanation', 'attempts', 'usage', 'result']);
    assert.equal(out.sql, 'SELECT count(*) AS n FROM shop.products');
    assert.equal(out.explanation, 'Counts products.');
    assert.equal(out.attempts, 1);
    assert.deepEqual(out.usage, { promptTokens: 812, completionTokens: 23 });
    // The demo has 60 products (range 1..60), whatever the customer count.
    assert.deepEqual(out.result.rows, [[60]]);
    assert.equal(out.result.rowCount, 1);
    assert.equal(out.result.columns[0].name, 'n');
    assert.equal(typeof out.result.elapsedMs, 'number');
    assert.equal(llm.requests[0].body.model, 'gpt-x');
  });

  it('without --run there is no result; a repair shows in attempts', async () => {
    llm.script(
      { kind: 'text', text: '{"sql": "SELECT max(price) FROM shop.products", "explanation": "x"}' },
      { kind: 'text', text: '{"sql": "SELECT max(unit_price) AS top_price FROM shop.products", "explanation": "Highest list price."}' },
    );
    const r = await run(['ask', 'most expensive price', '--url', url, '--provider', 'openai', '--base-url', llm.openaiBaseUrl, '--json'], { IOPSDATA_OPENAI_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.attempts, 2);
    assert.equal(out.result, undefined);
    assert.equal(out.sql, 'SELECT max(unit_price) AS top_price FROM shop.products');
  });

  it('talks to Anthropic with IOPSDATA_ANTHROPIC_API_KEY; text output is pipeable SQL', async () => {
    llm.script({ kind: 'text', text: 'Here it is:\n```sql\nSELECT category, count(*) AS products\nFROM shop.products\nGROUP BY category\n```\nOne row per category.' });
    const r = await run(['ask', 'products per category', '--url', url, '--provider', 'anthropic', '--base-url', llm.anthropicBaseUrl], { IOPSDATA_ANTHROPIC_API_KEY: KEY });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(llm.requests[0].path, '/v1/messages');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], '-- One row per category.');
    assert.equal(lines.slice(1, 4).join('\n'), 'SELECT category, count(*) AS products\nFROM shop.products\nGROUP BY category;');
    assert.match(lines[4], /^-- 1 attempt · \d+ prompt \+ \d+ completion tokens · Anthropic/);
  });

  it('fails with one line when the key is missing, the provider is unknown or the question is empty', async () => {
    const noKey = await run(['ask', 'q', '--url', url, '--provider', 'openai']);
    assert.equal(noKey.code, 1);
    assert.equal(noKey.stderr, 'iopsdata ask: error: Set IOPSDATA_OPENAI_API_KEY to your openai API key.\n');
    const bad = await run(['ask', 'q', '--url', url, '--provider', 'mistral'], { IOPSDATA_OPENAI_API_KEY: KEY });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^iopsdata ask: error: --provider must be openai, anthropic, groq or openai-compatible, not 'mistral'\.\n$/);
    const empty = await run(['ask', '--url', url, '--provider', 'openai'], { IOPSDATA_OPENAI_API_KEY: KEY });
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /Missing the question/);
  });

  it('never prints the key when the server rejects it', async () => {
    const wrong = 'sk-wrong-key-SHOULDNOTAPPEAR12345';
    const r = await run(['ask', 'q', '--url', url, '--provider', 'openai', '--base-url', llm.openaiBaseUrl, '--json'], { IOPSDATA_OPENAI_API_KEY: wrong });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /API key was rejected/);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1);
    assert.ok(!r.stderr.includes('SHOULDNOTAPPEAR'), r.stderr);
  });

  it('exits 1 when the SQL still fails after the repairs', async () => {
    const wrong = { kind: 'text' as const, text: '{"sql": "SELECT * FROM shop.refunds", "explanation": "x"}' };
    llm.script(wrong, wrong);
    const r = await run(['ask', 'refunds', '--url', url, '--provider', 'openai', '--base-url', llm.openaiBaseUrl, '--max-repairs', '1', '--json'], { IOPSDATA_OPENAI_API_KEY: KEY });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "iopsdata ask: error: The model's SQL still fails after 2 attempts: Unknown table shop.refunds.\n");
    assert.equal(llm.requests.length, 2);
  });

  it('works with a keyless OpenAI-compatible server (local models)', async () => {
    const local = await startLlmServer();
    try {
      local.script({ kind: 'text', text: 'SELECT count(*) AS n FROM shop.customers' });
      const r = await run(['ask', 'customers', '--url', url, '--provider', 'openai-compatible', '--model', 'qwen2.5-coder', '--base-url', local.openaiBaseUrl, '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).sql, 'SELECT count(*) AS n FROM shop.customers');
      assert.equal(local.requests[0].body.model, 'qwen2.5-coder');
    } finally {
      await local.stop();
    }
  });
});
