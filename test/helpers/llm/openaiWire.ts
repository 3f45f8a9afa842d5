/**
 * The OpenAI Chat Completions wire protocol (also Groq's at /openai/v1 and every OpenAI-compatible server):
 * JSON for non-streaming calls; SSE `data: {chunk}` lines ending with `data: [DONE]` for streams, with usage in a
 * final chunk (empty choices) when the request has stream_options.include_usage (Groq: in x_groq.usage).
 */
import type { ServerResponse } from 'node:http';
import { estimateTokens, splitIntoChunks, type RecordedRequest, type ScriptedReply } from './script';

type TextReply = Extract<ScriptedReply, { kind: 'text' }>;

function promptText(body: any): string {
  return (body?.messages ?? []).map((m: any) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
}

export function usageFor(req: RecordedRequest, reply: TextReply): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = reply.usage?.promptTokens ?? estimateTokens(promptText(req.body));
  const completion = reply.usage?.completionTokens ?? estimateTokens(reply.text);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function writeOpenAiError(res: ServerResponse, status: number, message: string, retryAfter?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  const type = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_request_error' : 'server_error';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ error: { message, type, param: null, code: status === 401 ? 'invalid_api_key' : null } }));
}

export function writeOpenAiReply(res: ServerResponse, req: RecordedRequest, reply: ScriptedReply, flavour: 'openai' | 'groq'): void {
  const id = 'chatcmpl-loopback';
  const created = Math.floor(Date.now() / 1000);
  const model = String(req.body?.model ?? 'unknown');
  const base = { id, object: 'chat.completion.chunk', created, model };
  const stream = req.body?.stream === true;
  if (reply.kind === 'text' && !stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id, object: 'chat.completion', created, model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: reply.finishReason ?? 'stop' }],
        usage: usageFor(req, reply),
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
  if (reply.kind === 'malformed') {
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    res.write('data: {"id": "chatcmpl-loopback", "choices": [ {"delta": \n\n');
    res.end();
    return;
  }
  if (reply.kind === 'truncate') {
    send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: reply.text.slice(0, Math.ceil(reply.text.length / 2)) }, finish_reason: null }] });
    // Drop the connection mid-stream, as a crashed server or reset proxy would.
    res.socket?.destroy();
    return;
  }
  if (reply.kind !== 'text') throw new Error(`unexpected reply kind ${reply.kind}`);
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  for (const piece of splitIntoChunks(reply.text, reply.chunks ?? 3)) {
    send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  }
  const usage = usageFor(req, reply);
  const includeUsage = req.body?.stream_options?.include_usage === true;
  if (flavour === 'groq') {
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason ?? 'stop' }], x_groq: { id: 'req_loopback', usage } });
  } else {
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.finishReason ?? 'stop' }], ...(includeUsage ? { usage: null } : {}) });
    if (includeUsage) send({ ...base, choices: [], usage });
  }
  res.write('data: [DONE]\n\n');
  res.end();
}
