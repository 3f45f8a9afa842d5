/**
 * The Anthropic Messages wire protocol: JSON for non-streaming calls; for streams, SSE with named events
 * message_start (input usage), content_block_start, ping, content_block_delta (text_delta), content_block_stop,
 * message_delta (stop_reason + cumulative output usage), message_stop. Errors are {type:'error', error:{type,message}}.
 */
import type { ServerResponse } from 'node:http';
import { estimateTokens, splitIntoChunks, type RecordedRequest, type ScriptedReply } from './script';

function promptText(body: any): string {
  const msgs = (body?.messages ?? []).map((m: any) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
  return [typeof body?.system === 'string' ? body.system : '', ...msgs].join('\n');
}

export function writeAnthropicError(res: ServerResponse, status: number, message: string, retryAfter?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
  const type = status === 429 ? 'rate_limit_error' : status === 401 ? 'authentication_error' : status === 529 ? 'overloaded_error' : 'api_error';
  res.writeHead(status, headers);
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

export function writeAnthropicReply(res: ServerResponse, req: RecordedRequest, reply: ScriptedReply): void {
  const model = String(req.body?.model ?? 'unknown');
  const id = 'msg_loopback';
  if (reply.kind === 'text' && req.body?.stream !== true) {
    const input = reply.usage?.promptTokens ?? estimateTokens(promptText(req.body));
    const output = reply.usage?.completionTokens ?? estimateTokens(reply.text);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text: reply.text }], stop_reason: reply.finishReason ?? 'end_turn', stop_sequence: null, usage: { input_tokens: input, output_tokens: output } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const start = (input: number) =>
    send('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: input, output_tokens: 1 } } });
  if (reply.kind === 'malformed') {
    start(10);
    res.write('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {\n\n');
    res.end();
    return;
  }
  if (reply.kind === 'truncate') {
    start(10);
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: reply.text.slice(0, Math.ceil(reply.text.length / 2)) } });
    res.socket?.destroy();
    return;
  }
  if (reply.kind !== 'text') throw new Error(`unexpected reply kind ${reply.kind}`);
  const input = reply.usage?.promptTokens ?? estimateTokens(promptText(req.body));
  const output = reply.usage?.completionTokens ?? estimateTokens(reply.text);
  start(input);
  send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  send('ping', { type: 'ping' });
  for (const piece of splitIntoChunks(reply.text, reply.chunks ?? 3)) {
    send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } });
  }
  send('content_block_stop', { type: 'content_block_stop', index: 0 });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: reply.finishReason ?? 'end_turn', stop_sequence: null }, usage: { output_tokens: output } });
  send('message_stop', { type: 'message_stop' });
  res.end();
}
