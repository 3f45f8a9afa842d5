/** What a scripted loopback LLM server answers, one entry per request (or computed from the request). */

export interface ScriptedUsage {
  promptTokens: number;
  completionTokens: number;
}

export type ScriptedReply =
  /** A normal answer, streamed in `chunks` pieces when the client asked for a stream. */
  | { kind: 'text'; text: string; usage?: ScriptedUsage; chunks?: number; finishReason?: string }
  /** An HTTP error with the provider's JSON error body; `retryAfter` is sent as the Retry-After header (seconds). */
  | { kind: 'status'; status: number; message?: string; retryAfter?: string }
  /** Accepts the request and never answers (client timeouts). */
  | { kind: 'hang' }
  /** Streams the first part of `text` then closes the socket without the end of stream. */
  | { kind: 'truncate'; text: string }
  /** Sends a stream whose data line is not JSON. */
  | { kind: 'malformed' };

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A reply, or a function of the request (and its index) that returns one; e.g. a scripted "model". */
export type Script = ScriptedReply | ((req: RecordedRequest, index: number) => ScriptedReply);

/** Rough token count used when a scripted reply gives none: one token per 4 characters, like real tokenizers roughly. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function splitIntoChunks(text: string, n: number): string[] {
  if (n <= 1 || text.length <= 1) return [text];
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
