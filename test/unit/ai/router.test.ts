import { strict as assert } from 'node:assert';
import { LlmRouter, abortableSleep, type RouterEvent } from '../../../src/core/ai/router';
import { createProvider } from '../../../src/core/ai/providers';
import { startLlmServer, type LlmServer } from '../../helpers/llm/server';
import type { Logger } from '../../../src/core/logger';

const KEY = 'sk-loopbacktest-0123456789abcdef';

function capturingLogger(lines: string[]): Logger {
  const w = (level: string) => (m: string | Error, ...args: unknown[]) => lines.push(`${level} ${String(m)} ${args.map(String).join(' ')}`);
  return { trace: w('trace'), debug: w('debug'), info: w('info'), warn: w('warn'), error: w('error') };
}

describe('LLM router over loopback servers (real SDKs)', function () {
  let llm: LlmServer;
  beforeEach(async () => {
    llm = await startLlmServer({ apiKey: KEY });
  });
  afterEach(async () => {
    await llm.stop();
  });

  const openai = () => createProvider({ id: 'openai', model: 'gpt-test', apiKey: KEY, baseUrl: llm.openaiBaseUrl });
  const anthropic = () => createProvider({ id: 'anthropic', model: 'claude-test', apiKey: KEY, baseUrl: llm.anthropicBaseUrl });
  const groq = () => createProvider({ id: 'groq', model: 'llama-test', apiKey: KEY, baseUrl: llm.groqBaseUrl });

  it('streams OpenAI text and reads usage from the final chunk (stream_options)', async () => {
    llm.script({ kind: 'text', text: 'SELECT 42 AS answer', chunks: 4, usage: { promptTokens: 120, completionTokens: 7 } });
    const deltas: string[] = [];
    const router = new LlmRouter([openai()]);
    const res = await router.complete({ messages: [{ role: 'system', content: 'sys' }, { role: 'user', content: 'q' }], onText: (d) => deltas.push(d) });
    assert.equal(res.text, 'SELECT 42 AS answer');
    assert.ok(deltas.length >= 3, `expected several streamed deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), 'SELECT 42 AS answer');
    assert.deepEqual(res.usage, { promptTokens: 120, completionTokens: 7 });
    assert.equal(res.provider, 'openai');
    const req = llm.requests[0];
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.body.stream, true);
    assert.deepEqual(req.body.stream_options, { include_usage: true });
    assert.equal(req.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(req.body.messages.map((m: any) => m.role), ['system', 'user']);
  });

  it('streams Anthropic events with the system prompt apart and usage from message_start/message_delta', async () => {
    llm.script({ kind: 'text', text: 'Hello from Claude', usage: { promptTokens: 55, completionTokens: 9 } });
    const router = new LlmRouter([anthropic()]);
    const deltas: string[] = [];
    const res = await router.complete({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }], onText: (d) => deltas.push(d) });
    assert.equal(res.text, 'Hello from Claude');
    assert.equal(deltas.join(''), 'Hello from Claude');
    assert.deepEqual(res.usage, { promptTokens: 55, completionTokens: 9 });
    const req = llm.requests[0];
    assert.equal(req.path, '/v1/messages');
    assert.equal(req.body.system, 'be brief');
    assert.deepEqual(req.body.messages, [{ role: 'user', content: 'hi' }]);
    // This SDK generation sends the key as a Bearer token; older ones used x-api-key. Either must carry our key.
    assert.ok(req.headers['x-api-key'] === KEY || req.headers.authorization === `Bearer ${KEY}`, JSON.stringify(req.headers));
    assert.equal(typeof req.body.max_tokens, 'number');
  });

  it('streams Groq at /openai/v1 with usage in x_groq', async () => {
    llm.script({ kind: 'text', text: 'groq says hi', usage: { promptTokens: 31, completionTokens: 4 } });
    const res = await new LlmRouter([groq()]).complete({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.text, 'groq says hi');
    assert.deepEqual(res.usage, { promptTokens: 31, completionTokens: 4 });
    assert.equal(llm.requests[0].path, '/openai/v1/chat/completions');
  });

  it('reaches an OpenAI-compatible server without a key (local models)', async () => {
    const open = await startLlmServer();
    try {
      open.script({ kind: 'text', text: 'local answer', usage: { promptTokens: 3, completionTokens: 2 } });
      const p = createProvider({ id: 'openai-compatible', model: 'llama3.1', baseUrl: open.openaiBaseUrl });
      const res = await new LlmRouter([p]).complete({ messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(res.text, 'local answer');
      assert.equal(open.requests[0].body.model, 'llama3.1');
    } finally {
      await open.stop();
    }
  });

  it('passes api-version and api-key for Azure-style base URLs', async () => {
    llm.script({ kind: 'text', text: 'azure ok' });
    // The deployment path is part of the base URL; the key goes in the api-key header as Azure expects.
    const p = createProvider({ id: 'openai-compatible', model: 'gpt-4o', apiKey: KEY, baseUrl: `${llm.openaiBaseUrl}?api-version=2024-10-21` });
    const res = await new LlmRouter([p]).complete({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.text, 'azure ok');
    assert.equal(llm.requests[0].headers['api-key'], KEY);
  });

  it('retries a 429 after the Retry-After delay, then succeeds; each step is logged and reported', async () => {
    llm.script({ kind: 'status', status: 429, retryAfter: '1', message: 'slow down' }, { kind: 'text', text: 'ok after wait' });
    const lines: string[] = [];
    const events: RouterEvent[] = [];
    const router = new LlmRouter([openai()], { log: capturingLogger(lines) });
    const started = Date.now();
    const res = await router.complete({ messages: [{ role: 'user', content: 'q' }] }, (e) => events.push(e));
    const elapsed = Date.now() - started;
    assert.equal(res.text, 'ok after wait');
    assert.equal(res.calls, 2);
    assert.ok(elapsed >= 950, `waited only ${elapsed} ms despite Retry-After: 1`);
    const retry = events.find((e) => e.type === 'retry');
    assert.ok(retry && retry.type === 'retry' && retry.delayMs === 1000, JSON.stringify(events));
    assert.ok(lines.some((l) => /attempt 1 failed: .*429.*retrying in 1\.0 s \(Retry-After\)/.test(l)), lines.join('\n'));
  });

  it('retries 500s with backoff, then falls back to the next provider', async () => {
    llm.script(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503 },
      { kind: 'text', text: 'anthropic rescued it', usage: { promptTokens: 10, completionTokens: 3 } },
    );
    const delays: number[] = [];
    const events: RouterEvent[] = [];
    const router = new LlmRouter([openai(), anthropic()], {
      retry: { baseDelayMs: 20, maxDelayMs: 100 },
      sleep: (ms, s) => (delays.push(ms), abortableSleep(ms, s)),
    });
    const res = await router.complete({ messages: [{ role: 'user', content: 'q' }] }, (e) => events.push(e));
    assert.equal(res.text, 'anthropic rescued it');
    assert.equal(res.provider, 'anthropic');
    assert.deepEqual(llm.requests.map((r) => r.path), ['/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions', '/v1/messages']);
    assert.equal(delays.length, 2);
    // Backoff doubles: first wait in [10, 20], second in [20, 40].
    assert.ok(delays[0] >= 10 && delays[0] <= 20 && delays[1] >= 20 && delays[1] <= 40, String(delays));
    assert.deepEqual(events.filter((e) => e.type === 'fallback').map((e) => (e as any).to), ['anthropic']);
    assert.deepEqual(router.meter.total, { promptTokens: 10, completionTokens: 3 });
  });

  it('does not retry a 401; falls back at once, and never leaks the key in the error', async () => {
    const bad = createProvider({ id: 'openai', model: 'm', apiKey: 'sk-wrongkey-ABCDEFGHIJKLMNOP', baseUrl: llm.openaiBaseUrl });
    const lines: string[] = [];
    const router = new LlmRouter([bad], { log: capturingLogger(lines) });
    await assert.rejects(router.complete({ messages: [{ role: 'user', content: 'q' }] }), (err: Error) => {
      assert.match(err.message, /API key was rejected/);
      assert.ok(!err.message.includes('ABCDEFGHIJKLMNOP'));
      return true;
    });
    assert.equal(llm.requests.length, 1);
    assert.ok(!lines.join('\n').includes('ABCDEFGHIJKLMNOP'));
  });

  it('times out a hanging server, retries, and reports a timeout', async () => {
    llm.script({ kind: 'hang' }, { kind: 'text', text: 'second try' });
    const router = new LlmRouter([openai()], { idleTimeoutMs: 300, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    const events: RouterEvent[] = [];
    const res = await router.complete({ messages: [{ role: 'user', content: 'q' }] }, (e) => events.push(e));
    assert.equal(res.text, 'second try');
    const retry = events.find((e) => e.type === 'retry');
    assert.ok(retry && /timed out/.test((retry as any).reason));
  });

  it('treats a truncated stream as retryable (OpenAI and Anthropic)', async () => {
    llm.script({ kind: 'truncate', text: 'SELECT * FROM orders' }, { kind: 'text', text: 'complete' });
    llm.script({ kind: 'truncate', text: 'SELECT * FROM orders' }, { kind: 'text', text: 'complete too' });
    const fast = { retry: { baseDelayMs: 1, maxDelayMs: 1 } };
    assert.equal((await new LlmRouter([openai()], fast).complete({ messages: [{ role: 'user', content: 'q' }] })).text, 'complete');
    assert.equal((await new LlmRouter([anthropic()], fast).complete({ messages: [{ role: 'user', content: 'q' }] })).text, 'complete too');
    assert.equal(llm.requests.length, 4);
  });

  it('moves on from malformed JSON to the next provider', async () => {
    llm.script({ kind: 'malformed' }, { kind: 'text', text: 'groq fine' });
    const events: RouterEvent[] = [];
    const res = await new LlmRouter([openai(), groq()], { retry: { baseDelayMs: 1, maxDelayMs: 1 } }).complete({ messages: [{ role: 'user', content: 'q' }] }, (e) => events.push(e));
    assert.equal(res.text, 'groq fine');
    const fb = events.find((e) => e.type === 'fallback');
    assert.ok(fb && /malformed|JSON/i.test((fb as any).reason), JSON.stringify(events));
  });

  it('gives a one-line error naming every provider when all fail', async () => {
    llm.script({ kind: 'status', status: 400, message: 'model not supported' }, { kind: 'status', status: 400, message: 'bad model' });
    await assert.rejects(new LlmRouter([openai(), anthropic()]).complete({ messages: [{ role: 'user', content: 'q' }] }), (err: Error) => {
      assert.match(err.message, /^No language model answered: openai: HTTP 400 — model not supported; anthropic: HTTP 400 — bad model$/);
      return true;
    });
  });

  it('cancels promptly while waiting for a hanging server', async () => {
    llm.script({ kind: 'hang' });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 150);
    await assert.rejects(new LlmRouter([openai()]).complete({ messages: [{ role: 'user', content: 'q' }], signal: ac.signal }), (err: Error) => err.name === 'CancelledError');
    assert.ok(Date.now() - started < 2000);
  });

  it('skips a provider whose Retry-After is longer than we are willing to wait', async () => {
    llm.script({ kind: 'status', status: 429, retryAfter: '3600' }, { kind: 'text', text: 'fallback used' });
    const res = await new LlmRouter([openai(), groq()]).complete({ messages: [{ role: 'user', content: 'q' }] });
    assert.equal(res.text, 'fallback used');
    assert.equal(res.provider, 'groq');
  });

  it('accumulates session usage across requests and providers', async () => {
    llm.script({ kind: 'text', text: 'a', usage: { promptTokens: 100, completionTokens: 10 } }, { kind: 'text', text: 'b', usage: { promptTokens: 50, completionTokens: 5 } });
    const router = new LlmRouter([openai()]);
    await router.complete({ messages: [{ role: 'user', content: 'q' }] });
    await router.complete({ messages: [{ role: 'user', content: 'q' }] });
    assert.deepEqual(router.meter.total, { promptTokens: 150, completionTokens: 15 });
    assert.equal(router.meter.requests, 2);
    assert.deepEqual(router.meter.byProvider(), { openai: { promptTokens: 150, completionTokens: 15 } });
  });
});
