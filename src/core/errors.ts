/**
 * Errors are values with a user-facing message and a log detail: the UI and CLI show `message` (one line, says what
 * failed and what to do); `detail` goes to the log only and must never contain secrets.
 */
export class UserError extends Error {
  readonly detail?: string;
  readonly code?: string;
  constructor(message: string, options: { detail?: string; code?: string; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'UserError';
    this.detail = options.detail;
    this.code = options.code;
  }
}

/** Raised when the user (or a CancellationToken/AbortSignal) stopped the work. */
export class CancelledError extends UserError {
  constructor(message = 'Cancelled.') {
    super(message, { code: 'cancelled' });
    this.name = 'CancelledError';
  }
}

export function isCancelled(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError');
}

/** A single line for a user: never a stack trace. */
export function userMessage(err: unknown): string {
  if (err instanceof Error) return (err.message || err.name).split('\n')[0].trim();
  return String(err).split('\n')[0].trim();
}

/** Throws CancelledError when the signal is aborted; call between phases of long work. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError();
}
