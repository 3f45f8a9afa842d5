/**
 * A loopback HTTP server (127.0.0.1, free port) that speaks the real OpenAI (/v1/chat/completions), Groq
 * (/openai/v1/chat/completions) and Anthropic (/v1/messages) wire protocols, so tests drive the real SDKs through
 * our production code. Replies are scripted per request; every request is recorded for assertions.
 *
 *   const llm = await startLlmServer({ apiKey: 'sk-test-123456789' });
 *   llm.script({ kind: 'status', status: 429, retryAfter: '0' }, { kind: 'text', text: 'SELECT 1' });
 *   new OpenAiLikeProvider({ id: 'openai', model: 'm', apiKey: 'sk-test-123456789', baseUrl: llm.openaiBaseUrl })
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { writeAnthropicError, writeAnthropicReply } from './anthropicWire';
import { writeOpenAiError, writeOpenAiReply } from './openaiWire';
import type { RecordedRequest, Script, ScriptedReply } from './script';

export * from './script';

export interface LlmServerOptions {
  /** When set, requests must carry this key (Bearer / x-api-key / api-key) or get a 401 like the real services. */
  apiKey?: string;
  /** Used when the script queue is empty. */
  fallback?: Script;
}

export interface LlmServer {
  readonly port: number;
  /** For the openai SDK and OpenAI-compatible servers (includes /v1). */
  readonly openaiBaseUrl: string;
  /** For @anthropic-ai/sdk (the SDK appends /v1/messages). */
  readonly anthropicBaseUrl: string;
  /** For groq-sdk (the SDK appends /openai/v1/chat/completions). */
  readonly groqBaseUrl: string;
  readonly requests: RecordedRequest[];
  /** Queues replies, consumed one per request in order. */
  script(...replies: Script[]): void;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function presentedKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const x = req.headers['x-api-key'] ?? req.headers['api-key'];
  return typeof x === 'string' ? x : undefined;
}

export async function startLlmServer(options: LlmServerOptions = {}): Promise<LlmServer> {
  const queue: Script[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = raw;
    }
    const recorded: RecordedRequest = { path, headers: { ...req.headers }, body };
    const index = requests.length;
    requests.push(recorded);
    const protocol = path === '/v1/messages' ? 'anthropic' : path === '/openai/v1/chat/completions' ? 'groq' : path === '/v1/chat/completions' ? 'openai' : undefined;
    if (req.method !== 'POST' || !protocol) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Unknown route ${req.method} ${path}` } }));
      return;
    }
    const writeError = protocol === 'anthropic' ? writeAnthropicError : writeOpenAiError;
    if (options.apiKey !== undefined && presentedKey(req) !== options.apiKey) {
      // Real services echo a masked key; ours echoes the full one so tests prove we redact it.
      writeError(res, 401, `Incorrect API key provided: ${presentedKey(req) ?? '(none)'}.`);
      return;
    }
    const script = queue.shift() ?? options.fallback;
    if (!script) {
      writeError(res, 500, 'loopback server: no scripted reply left');
      return;
    }
    const reply: ScriptedReply = typeof script === 'function' ? script(recorded, index) : script;
    if (reply.kind === 'hang') return; // keep the socket open; stop() destroys it
    if (reply.kind === 'status') {
      writeError(res, reply.status, reply.message ?? `scripted HTTP ${reply.status}`, reply.retryAfter);
      return;
    }
    if (protocol === 'anthropic') writeAnthropicReply(res, recorded, reply);
    else writeOpenAiReply(res, recorded, reply, protocol);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err) } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    openaiBaseUrl: `${origin}/v1`,
    anthropicBaseUrl: origin,
    groqBaseUrl: origin,
    requests,
    script: (...replies) => queue.push(...replies),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
