/** The log surface core code writes to; the extension adapts a LogOutputChannel, the CLI writes to stderr. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const nullLogger: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Writes to stderr when `verbose`; used by the CLI with --debug. */
export function stderrLogger(verbose: boolean): Logger {
  const write = (level: string) => (message: string | Error, ...args: unknown[]) => {
    if (!verbose) return;
    const text = message instanceof Error ? message.stack ?? message.message : message;
    process.stderr.write(`[${level}] ${text}${args.length ? ' ' + args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : ''}\n`);
  };
  return { trace: write('trace'), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Removes things that look like secrets from text bound for logs or error messages. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@\s/]+)@/gi, '$1***@')
    .replace(/\b(sk-[A-Za-z0-9_-]{8})[A-Za-z0-9_-]+/g, '$1***')
    .replace(/\b(gsk_[A-Za-z0-9]{4})[A-Za-z0-9]+/g, '$1***')
    .replace(/((?:password|passwd|pwd|api[_-]?key|token|secret)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,]+)/gi, '$1***')
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/-]+=*/g, '$1***');
}
