/**
 * Maps errors thrown by the Stainless-generated SDKs (openai, @anthropic-ai/sdk, groq-sdk share one error shape) to
 * ProviderError. Server messages are redacted and cut to one line: a 401 body often echoes part of the key.
 */
import { redactSecrets } from '../../logger';
import { ProviderError } from '../types';

/** Parses Retry-After (seconds or an HTTP date) and the OpenAI-style retry-after-ms header. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers || typeof headers.get !== 'function') return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const ra = headers.get('retry-after');
  if (!ra) return undefined;
  const v = ra.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

function oneLine(text: string, max = 200): string {
  const line = redactSecrets(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

/** The reason a server gave, from the parsed error body when there is one. */
function serverReason(err: any): string {
  const body = err?.error;
  const m = body?.error?.message ?? body?.message ?? (typeof body === 'string' ? body : undefined);
  if (typeof m === 'string' && m) return oneLine(m);
  const msg = typeof err?.message === 'string' ? err.message.replace(/^\d{3}\s*/, '') : '';
  return oneLine(msg || 'no details');
}

export function toProviderError(provider: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as any;
  const name: string = e?.constructor?.name ?? e?.name ?? '';
  const status: number | undefined = typeof e?.status === 'number' ? e.status : undefined;
  if (name === 'APIConnectionTimeoutError') {
    return new ProviderError(provider, `${provider}: the request timed out`, { retryable: true, cause: err });
  }
  if (name === 'APIConnectionError') {
    const cause = e?.cause?.code ?? e?.cause?.message ?? '';
    return new ProviderError(provider, `${provider}: could not connect${cause ? ` (${oneLine(String(cause), 80)})` : ''}`, { retryable: true, cause: err });
  }
  if (status !== undefined) {
    const retryable = status === 429 || status === 408 || status === 409 || status >= 500;
    const label =
      status === 401 ? 'the API key was rejected (HTTP 401); set it again with "iOpsData: Set API Key"'
      : status === 403 ? 'access denied (HTTP 403)'
      : status === 404 ? `not found (HTTP 404): check the model name and base URL — ${serverReason(e)}`
      : status === 429 ? `rate limited (HTTP 429) — ${serverReason(e)}`
      : `HTTP ${status} — ${serverReason(e)}`;
    return new ProviderError(provider, `${provider}: ${label}`, { status, retryable, retryAfterMs: retryAfterMs(e?.headers), cause: err });
  }
  // JSON.parse failures inside the SSE decoder and other malformed replies: the server is speaking something else;
  // retrying the same server rarely helps, the next provider might.
  if (err instanceof SyntaxError) {
    return new ProviderError(provider, `${provider}: the server sent a malformed response (${oneLine(err.message, 100)})`, { retryable: false, cause: err });
  }
  const msg = err instanceof Error ? err.message : String(err);
  const transient = /ECONNRESET|socket hang up|terminated|premature|EPIPE|other side closed/i.test(msg + ' ' + String(e?.cause?.message ?? ''));
  return new ProviderError(provider, `${provider}: ${oneLine(msg || 'unknown error')}`, { retryable: transient, cause: err });
}
