/**
 * Runs statements the safe way: classify every statement first (a read-only connection refuses a write before
 * anything runs; a writable one asks for a modal confirmation naming the statement kinds), then run them in order
 * under a cancellable progress notification with the statement timeout, spill each result into a paged store for
 * the results panel, record history, and turn database errors into diagnostics at the reported position.
 */
import * as vscode from 'vscode';
import { classifyStatement, readOnlyMessage } from '../../core/connections/classify';
import type { Connection, QueryResult } from '../../core/connections/types';
import { isCancelled, userMessage } from '../../core/errors';
import { newId, sqlLabel, type RunStatus } from '../../core/run/history';
import type { PagedResult } from '../../core/run/pagedResult';
import type { ResultSetSummary } from '../../shared/protocol/results';
import type { ConnectionsApi } from '../connections/api';
import { errorDiagnostic } from './diagnostics';
import { confirmWrite } from './confirm';
import type { HistoryStore } from './history';
import { summarizeColumns, type ResultsPanel } from './resultsPanel';
import { openResult } from './resultSource';

export interface StatementToRun {
  text: string;
  /** Offset of the statement in the document (for diagnostics); 0 when not from a document. */
  offset: number;
}

export interface RunPlan {
  connectionId: string;
  statements: StatementToRun[];
  document?: vscode.TextDocument;
  title?: string;
}

export interface RunOutcome {
  status: RunStatus;
  sets: ResultSetSummary[];
  /** The last successful statement's result, first page only. */
  lastResult?: QueryResult;
  error?: string;
}

const FIRST_PAGE = 200;

export class Runner {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('iopsdata.sql');
  /** Runs in progress, so "Cancel Running Queries" can stop them like the notification's Cancel button. */
  private readonly running = new Set<AbortController>();

  constructor(
    private readonly connections: ConnectionsApi,
    private readonly panel: ResultsPanel,
    private readonly history: HistoryStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private timeoutMs(): number {
    return Math.max(0, Number(vscode.workspace.getConfiguration('iopsdata').get<number>('query.timeoutSeconds', 300)) || 0) * 1000;
  }

  async run(plan: RunPlan): Promise<RunOutcome> {
    const summary = this.connections.list().find((c) => c.id === plan.connectionId);
    if (!summary) {
      const error = `No connection with id '${plan.connectionId}'. Choose one from the status bar.`;
      void vscode.window.showErrorMessage(error);
      return { status: 'error', sets: [], error };
    }
    const name = summary.name;
    const statements = plan.statements.filter((s) => s.text.trim());
    if (!statements.length) {
      void vscode.window.showInformationMessage('Nothing to run: the SQL is empty or only comments.');
      return { status: 'cancelled', sets: [] };
    }
    if (plan.document) this.diagnostics.delete(plan.document.uri);

    const dialect = summary.kind === 'duckdb' ? 'duckdb' : summary.kind;
    const classes = statements.map((s) => classifyStatement(s.text, dialect));
    const writes = classes.map((c, i) => ({ c, s: statements[i] })).filter((x) => x.c.isWrite);
    const baseSet = (s: StatementToRun, i: number): ResultSetSummary => ({
      id: newId(),
      title: statements.length > 1 ? `${i + 1}: ${sqlLabel(s.text, 40)}` : plan.title ?? sqlLabel(s.text, 50),
      sql: s.text,
      connectionName: name,
      status: 'running',
      columns: [],
      rowCount: 0,
      elapsedMs: 0,
      statementType: classes[i].kind,
    });

    if (writes.length && !summary.allowWrites) {
      // Refused before anything runs: nothing is changed.
      const message = readOnlyMessage(name, writes[0].c);
      void vscode.window.showErrorMessage(message, 'Allow Writes…').then((a) => {
        if (a) void vscode.commands.executeCommand('iopsdata.connections.allowWrites', plan.connectionId);
      });
      if (plan.document) {
        const doc = plan.document;
        this.diagnostics.set(
          doc.uri,
          writes.map(({ s }) => {
            const d = new vscode.Diagnostic(new vscode.Range(doc.positionAt(s.offset), doc.positionAt(s.offset + s.text.length)), message, vscode.DiagnosticSeverity.Warning);
            d.source = 'iOpsData';
            return d;
          }),
        );
      }
      const sets = statements.map((s, i) => ({ ...baseSet(s, i), status: 'refused' as const, error: message }));
      await this.panel.begin(sets);
      for (const s of statements) await this.record(plan.connectionId, name, s.text, Date.now(), 0, 'refused', undefined, message);
      return { status: 'refused', sets, error: message };
    }
    if (writes.length) {
      const kinds = [...new Set(writes.map((w) => w.c.kind.toUpperCase()))].join(', ');
      const confirmed = await confirmWrite({ message: `Run ${kinds} on '${name}'? This can change data.`, detail: writes.map((w) => sqlLabel(w.s.text, 120)).join('\n') });
      if (!confirmed) return { status: 'cancelled', sets: [] };
    }

    const sets = statements.map((s, i) => baseSet(s, i));
    await this.panel.begin(sets);
    const outcome: RunOutcome = { status: 'ok', sets };
    const diagnostics: vscode.Diagnostic[] = [];
    const ac = new AbortController();
    this.running.add(ac);

    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Running on ${name}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => ac.abort());
        let conn: Connection;
        try {
          conn = await this.connections.getConnection(plan.connectionId);
        } catch (err) {
          const message = `Could not connect to '${name}': ${userMessage(err)}`;
          this.fail(sets, 0, message, 'error');
          outcome.status = 'error';
          outcome.error = message;
          void vscode.window.showErrorMessage(message);
          return;
        }
        for (let i = 0; i < statements.length; i++) {
          const s = statements[i];
          if (statements.length > 1) progress.report({ message: `statement ${i + 1} of ${statements.length}` });
          const startedAt = Date.now();
          const t0 = performance.now();
          let result: PagedResult | undefined;
          // The set as shown while rows are still streaming into the store (footer: "fetching… N rows").
          let fetching: ResultSetSummary | undefined;
          let lastPush = 0;
          try {
            result = await openResult(conn, s.text, {
              signal: ac.signal,
              timeoutMs: this.timeoutMs(),
              onProgress: (rows) => {
                progress.report({ message: `${statements.length > 1 ? `statement ${i + 1} of ${statements.length}: ` : ''}${rows.toLocaleString()} rows so far` });
                const now = performance.now();
                if (fetching && result && now - lastPush >= 250) {
                  lastPush = now;
                  fetching = { ...fetching, rowCount: rows };
                  sets[i] = fetching;
                  this.panel.update(fetching, result);
                }
              },
            });
            // The first batch is stored: show it now, the rest keeps streaming in.
            fetching = {
              ...sets[i],
              status: 'ok',
              columns: summarizeColumns(result.columns),
              rowCount: result.rowCount,
              elapsedMs: Math.round(performance.now() - t0),
              fetching: !result.complete,
              statementType: result.statementType ?? sets[i].statementType,
            };
            lastPush = performance.now();
            sets[i] = fetching;
            this.panel.update(fetching, result);
            await result.done;
            const elapsedMs = Math.round(performance.now() - t0);
            const stopped = !!result.truncated;
            const done: ResultSetSummary = {
              ...fetching,
              fetching: undefined,
              rowCount: result.rowCount,
              elapsedMs,
              affectedRows: result.affectedRows,
              statementType: result.statementType ?? sets[i].statementType,
              ...(stopped ? { truncated: true } : {}),
            };
            fetching = undefined;
            sets[i] = done;
            this.panel.update(done, result);
            const rows = result.columns.length ? result.rowCount : (result.affectedRows ?? 0);
            await this.record(plan.connectionId, name, s.text, startedAt, elapsedMs, stopped ? 'cancelled' : 'ok', rows, stopped ? 'Cancelled while fetching; the rows read so far are kept.' : undefined);
            // A newer run may have replaced (and closed) this result meanwhile: then there is no first page to give.
            const first = await result.page(0, FIRST_PAGE).catch(() => ({ rows: [] as unknown[][] }));
            outcome.lastResult = {
              columns: result.columns,
              rows: first.rows,
              rowCount: result.rowCount,
              elapsedMs,
              affectedRows: result.affectedRows,
              statementType: done.statementType,
              truncated: result.rowCount > first.rows.length || stopped,
            };
            if (stopped) {
              // Cancelled while fetching: keep what was read, run nothing after it.
              outcome.status = 'cancelled';
              outcome.error = 'Cancelled.';
              this.notRun(sets, i + 1);
              break;
            }
          } catch (err) {
            const elapsedMs = Math.round(performance.now() - t0);
            const cancelled = isCancelled(err) || ac.signal.aborted;
            const message = cancelled ? 'Cancelled.' : userMessage(err);
            this.log.warn(`Query on '${name}' ${cancelled ? 'cancelled' : 'failed'}: ${message}`);
            if (fetching && result && result.rowCount > 0) {
              // It failed after rows were on screen (e.g. the connection dropped mid-fetch): keep the rows read so
              // far, browsable and exportable, and say why the rest is missing.
              const kept: ResultSetSummary = {
                ...fetching,
                fetching: undefined,
                rowCount: result.rowCount,
                elapsedMs,
                truncated: true,
                error: `Fetching stopped after ${result.rowCount.toLocaleString('en-US')} rows: ${message}`,
              };
              sets[i] = kept;
              this.panel.update(kept, result);
              this.notRun(sets, i + 1);
            } else {
              await result?.dispose().catch(() => undefined);
              this.fail(sets, i, message, cancelled ? 'cancelled' : 'error');
            }
            await this.record(plan.connectionId, name, s.text, startedAt, elapsedMs, cancelled ? 'cancelled' : 'error', undefined, message);
            outcome.status = cancelled ? 'cancelled' : 'error';
            outcome.error = message;
            if (!cancelled) {
              if (plan.document) diagnostics.push(errorDiagnostic(plan.document, s.offset, s.text, conn.dialect, err, message));
              const code = (err as { code?: string }).code;
              if (code === 'connection-lost') {
                void vscode.window.showErrorMessage(message, 'Reconnect').then((a) => {
                  if (a) void this.connections.reconnect(plan.connectionId);
                });
              } else {
                void vscode.window.showErrorMessage(`Query failed on '${name}': ${message}`);
              }
            }
            break;
          }
        }
      },
    );
    this.running.delete(ac);
    if (plan.document && diagnostics.length) this.diagnostics.set(plan.document.uri, diagnostics);
    await this.connections.setActiveConnection(undefined, plan.connectionId);
    return outcome;
  }

  /** Cancels every run in progress (the server-side cancel each adapter sends); returns how many there were. */
  cancelAll(): number {
    const n = this.running.size;
    for (const ac of this.running) ac.abort();
    return n;
  }

  /** Marks statement i as failed and the ones after it as not run. */
  private fail(sets: ResultSetSummary[], i: number, message: string, status: 'error' | 'cancelled'): void {
    sets[i] = { ...sets[i], status, error: message };
    this.panel.update(sets[i]);
    this.notRun(sets, i + 1);
  }

  /** Statements from `from` on were not run because an earlier one did not finish. */
  private notRun(sets: ResultSetSummary[], from: number): void {
    for (let k = from; k < sets.length; k++) {
      sets[k] = { ...sets[k], status: 'cancelled', error: 'Not run: an earlier statement did not finish.' };
      this.panel.update(sets[k]);
    }
  }

  private async record(connectionId: string, connectionName: string, sql: string, startedAt: number, durationMs: number, status: RunStatus, rows?: number, error?: string): Promise<void> {
    await this.history.add({ id: newId(), connectionId, connectionName, sql, startedAt, durationMs, status, rows, error });
  }

  dispose(): void {
    this.diagnostics.dispose();
  }
}
