/**
 * The LLM router: tries the providers of a chain in order. On 429/5xx/timeouts/cut streams it retries the same
 * provider with exponential backoff (honouring Retry-After), then falls back to the next provider. Every step is
 * logged and reported through `onEvent`, and token use is accounted per request and per session.
 */
import { CancelledError, UserError } from '../errors';
import { nullLogger, redactSecrets, type Logger } from '../logger';
import { ProviderError, type CompletionRequest, type CompletionResponse, type LlmProvider, type TokenUsage } from './types';
import { UsageMeter, addUsage, zeroUsage } from './usage';

export interface RetryPolicy {
  /** Retries per provider after the first try. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this makes us move to the next provider instead of waiting. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000 };

export type RouterEvent =
  | { type: 'attempt'; provider: string; model: string; attempt: number }
  | { type: 'retry'; provider: string; attempt: number; delayMs: number; reason: string }
  | { type: 'fallback'; from: string; to: string; reason: string }
  | { type: 'done'; provider: string; model: string; usage: TokenUsage };

export interface RouterOptions {
  log?: Logger;
  retry?: Partial<RetryPolicy>;
  /** Abort an attempt after this long without receiving anything (ms). */
  idleTimeoutMs?: number;
  /** Shared across routers when the caller wants one session total (the extension keeps one per window). */
  meter?: UsageMeter;
  /** Injectable for tests; must honour the signal. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RoutedResponse extends CompletionResponse {
  /** Provider calls made, failed ones included. */
  calls: number;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class LlmRouter {
  readonly meter: UsageMeter;
  private readonly log: Logger;
  private readonly retry: RetryPolicy;
  private readonly idleTimeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(readonly providers: LlmProvider[], o: RouterOptions = {}) {
    if (!providers.length) throw new UserError('No language model is configured. Run "iOpsData: Select AI Provider" or set an API key.');
    this.log = o.log ?? nullLogger;
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.idleTimeoutMs = o.idleTimeoutMs ?? 60_000;
    this.meter = o.meter ?? new UsageMeter();
    this.sleep = o.sleep ?? abortableSleep;
  }

  get label(): string {
    return this.providers.map((p) => p.label).join(' → ');
  }

  async complete(request: CompletionRequest, onEvent?: (e: RouterEvent) => void): Promise<RoutedResponse> {
    const errors: string[] = [];
    let calls = 0;
    for (let i = 0; i < this.providers.length; i++) {
      const provider = this.providers[i];
      for (let attempt = 1; attempt <= this.retry.maxRetries + 1; attempt++) {
        if (request.signal?.aborted) throw new CancelledError();
        onEvent?.({ type: 'attempt', provider: provider.id, model: provider.model, attempt });
        this.log.debug(`[ai] ${provider.label}: request (attempt ${attempt})`);
        calls++;
        const started = Date.now();
        try {
          const res = await this.attempt(provider, request);
          this.meter.record(provider.id, res.usage);
          this.log.info(
            `[ai] ${provider.label}: ${res.usage.promptTokens} prompt + ${res.usage.completionTokens} completion tokens in ${Date.now() - started} ms` +
              (res.finishReason ? ` (${res.finishReason})` : ''),
          );
          onEvent?.({ type: 'done', provider: provider.id, model: provider.model, usage: res.usage });
          return { ...res, calls };
        } catch (err) {
          if (request.signal?.aborted) throw new CancelledError();
          const pe = err instanceof ProviderError ? err : new ProviderError(provider.id, redactSecrets(String((err as Error)?.message ?? err)), { retryable: false, cause: err });
          const reason = redactSecrets(pe.message);
          const last = attempt > this.retry.maxRetries;
          const tooLong = pe.retryAfterMs !== undefined && pe.retryAfterMs > this.retry.maxRetryAfterMs;
          if (pe.retryable && !last && !tooLong) {
            const delayMs = this.delayFor(attempt, pe.retryAfterMs);
            const why = pe.retryAfterMs !== undefined ? ' (Retry-After)' : '';
            this.log.warn(`[ai] ${provider.label}: attempt ${attempt} failed: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s${why}`);
            onEvent?.({ type: 'retry', provider: provider.id, attempt, delayMs, reason });
            await this.sleep(delayMs, request.signal);
            continue;
          }
          this.log.warn(`[ai] ${provider.label}: gave up: ${reason}`);
          errors.push(reason);
          const next = this.providers[i + 1];
          if (next) {
            this.log.info(`[ai] falling back from ${provider.label} to ${next.label}`);
            onEvent?.({ type: 'fallback', from: provider.id, to: next.id, reason });
          }
          break;
        }
      }
    }
    throw new UserError(`No language model answered: ${errors.join('; ')}`, { code: 'llm-failed' });
  }

  private delayFor(attempt: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined) return retryAfterMs;
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    // Full jitter between half and all of the exponential step, so parallel clients spread out.
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  /** One call with an idle timeout: the timer restarts whenever text arrives. */
  private async attempt(provider: LlmProvider, request: CompletionRequest): Promise<CompletionResponse> {
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.idleTimeoutMs);
    };
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    arm();
    try {
      return await provider.complete({
        ...request,
        signal: controller.signal,
        onText: (d) => {
          arm();
          request.onText?.(d);
        },
      });
    } catch (err) {
      if (timedOut) {
        throw new ProviderError(provider.id, `${provider.id}: no response for ${Math.round(this.idleTimeoutMs / 1000)} s (timed out)`, { retryable: true, cause: err });
      }
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** Sum of usage over several routed responses (the repair loop makes more than one call). */
export function sumUsage(list: TokenUsage[]): TokenUsage {
  return list.reduce(addUsage, zeroUsage());
}
