/**
 * What every adapter does the same way: check the whole script against the read-only policy before running any of
 * it (so a refused script changes nothing), run statements in order, return the last result.
 */
import { CancelledError, UserError } from '../errors';
import { classifyStatement, readOnlyMessage, type StatementClass } from './classify';
import { splitStatements } from './splitter';
import type { QueryOptions, QueryResult, RowStream } from './types';

export interface PlannedStatement extends StatementClass {
  text: string;
}

export function readOnlyError(connectionName: string, c: StatementClass): UserError {
  return new UserError(readOnlyMessage(connectionName, c), { code: 'read-only' });
}

/** Splits and classifies; throws the read-only refusal (before anything ran) when a statement would write. */
export function planScript(sql: string, dialect: string, allowWrites: boolean, connectionName: string): PlannedStatement[] {
  const statements = splitStatements(sql, { dialect }).map((s) => ({ ...classifyStatement(s.text, dialect), text: s.text }));
  if (statements.length === 0) throw new UserError('Nothing to run: the SQL is empty or only comments.');
  if (!allowWrites) {
    const write = statements.find((s) => s.isWrite);
    if (write) throw readOnlyError(connectionName, write);
  }
  return statements;
}

/** Runs a script through an adapter's single-statement runner; the last statement's result is returned. */
export async function runScript(
  sql: string,
  dialect: string,
  allowWrites: boolean,
  connectionName: string,
  options: QueryOptions,
  runOne: (statement: PlannedStatement, options: QueryOptions, isLast: boolean) => Promise<QueryResult>,
): Promise<QueryResult> {
  const started = performance.now();
  const plan = planScript(sql, dialect, allowWrites, connectionName);
  let last: QueryResult | undefined;
  for (let k = 0; k < plan.length; k++) {
    if (options.signal?.aborted) throw new CancelledError();
    last = await runOne(plan[k], options, k === plan.length - 1);
  }
  return { ...last!, elapsedMs: Math.round((performance.now() - started) * 100) / 100 };
}

/** Reads a stream into a QueryResult, stopping after maxRows (the rest is not fetched). */
export async function collect(stream: RowStream, maxRows: number | undefined, started: number): Promise<QueryResult> {
  const rows: unknown[][] = [];
  let truncated = false;
  try {
    for (;;) {
      const batch = await stream.next();
      if (!batch) break;
      for (const r of batch) {
        if (maxRows !== undefined && rows.length >= maxRows) {
          truncated = true;
          break;
        }
        rows.push(r);
      }
      if (truncated) break;
    }
  } finally {
    await stream.close();
  }
  return {
    columns: stream.columns,
    rows,
    rowCount: rows.length,
    elapsedMs: Math.round((performance.now() - started) * 100) / 100,
    statementType: stream.statementType,
    affectedRows: stream.affectedRows,
    ...(truncated ? { truncated } : {}),
  };
}

/** Rejects with CancelledError as soon as the signal aborts (the adapter also stops the server-side work). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => void): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    onAbort();
    promise.catch(() => {});
    return Promise.reject(new CancelledError());
  }
  return new Promise<T>((resolve, reject) => {
    const listener = () => {
      onAbort();
      promise.catch(() => {});
      reject(new CancelledError());
    };
    signal.addEventListener('abort', listener, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', listener), resolve(v)),
      (e) => (signal.removeEventListener('abort', listener), reject(signal.aborted ? new CancelledError() : e)),
    );
  });
}
