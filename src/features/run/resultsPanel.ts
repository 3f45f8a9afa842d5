/**
 * Host side of the results panel: keeps the result sets of the latest run (spilled results, never sent whole),
 * answers page requests with sort/filter applied by the store, copies ranges, and exports to CSV/JSON/Parquet
 * through a save dialog. One panel is reused; a new run replaces its tabs and releases the old results.
 */
import * as vscode from 'vscode';
import { openPanelApp, type PanelApp } from '../../webviews/host';
import {
  columnKindOf,
  type ResultCell,
  type ResultSetSummary,
  type ResultsToHost,
  type ResultsToWebview,
  type ResultView,
} from '../../shared/protocol/results';
import type { PagedResult, ViewSpec } from '../../core/run/pagedResult';
import type { ColumnInfo } from '../../core/connections/types';
import { toTsv } from '../../core/run/tsv';
import { userMessage } from '../../core/errors';

interface Entry {
  summary: ResultSetSummary;
  result?: PagedResult;
}

const MAX_COPY_ROWS = 100_000;

export function summarizeColumns(columns: ColumnInfo[]): ResultSetSummary['columns'] {
  return columns.map((c) => ({ name: c.name, type: c.type, kind: columnKindOf(c.type) }));
}

/** JSON cells for the webview: objects/arrays (lists, structs) are shown as JSON text. */
export function toCells(rows: unknown[][]): ResultCell[][] {
  return rows.map((r) =>
    r.map((v) => (v === null || v === undefined ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : typeof v === 'bigint' ? v.toString() : JSON.stringify(v))),
  );
}

function viewSpec(v: ResultView): ViewSpec {
  return { sort: v.sort, filter: v.filter || undefined };
}

export class ResultsPanel implements vscode.Disposable {
  private app: PanelApp<ResultsToWebview, ResultsToHost> | undefined;
  private readonly entries = new Map<string, Entry>();
  private order: string[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the panel opened or its sets changed (tests wait on it). */
  readonly onDidUpdate = this.emitter.event;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get isOpen(): boolean {
    return !!this.app;
  }

  /** Current sets (for tests and the API). */
  summaries(): ResultSetSummary[] {
    return this.order.map((id) => this.entries.get(id)!.summary);
  }

  result(id: string): PagedResult | undefined {
    return this.entries.get(id)?.result;
  }

  private pageSize(): number {
    return Math.max(50, Math.min(5000, vscode.workspace.getConfiguration('iopsdata').get<number>('results.pageSize', 200)));
  }

  private ensurePanel(): PanelApp<ResultsToWebview, ResultsToHost> {
    if (this.app) {
      this.app.panel.reveal(undefined, true);
      return this.app;
    }
    const app = openPanelApp<ResultsToWebview, ResultsToHost>(this.extension, this.log, 'iopsdata.results', {
      app: 'results',
      title: 'iOpsData Results',
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: true,
      initialState: { pageSize: this.pageSize(), sets: this.summaries() },
    });
    app.channel.onMessage((m) => void this.onMessage(m));
    app.panel.onDidDispose(() => {
      this.app = undefined;
      void this.clear();
    });
    this.app = app;
    return app;
  }

  /** Starts a new run: replaces all tabs with the given (running) sets and releases the previous results. */
  async begin(sets: ResultSetSummary[]): Promise<void> {
    const old = [...this.entries.values()];
    this.entries.clear();
    this.order = sets.map((s) => s.id);
    for (const s of sets) this.entries.set(s.id, { summary: s });
    const app = this.ensurePanel();
    app.channel.post({ type: 'results/reset', sets, activeId: sets[0]?.id });
    this.emitter.fire();
    for (const e of old) await e.result?.dispose().catch(() => undefined);
  }

  /** Updates one set (finished, failed, …) and attaches its stored result. */
  update(summary: ResultSetSummary, result?: PagedResult): void {
    const entry = this.entries.get(summary.id);
    if (!entry) {
      // The run was replaced by a newer one meanwhile: drop the late result.
      void result?.dispose();
      return;
    }
    entry.summary = summary;
    entry.result = result;
    this.app?.channel.post({ type: 'results/set', set: summary });
    this.emitter.fire();
  }

  private async onMessage(m: ResultsToHost | { type: 'ready' }): Promise<void> {
    switch (m.type) {
      case 'ready':
        // The webview (re)loaded: give it the current sets again.
        this.app?.channel.post({ type: 'results/reset', sets: this.summaries(), activeId: this.order[0] });
        return;
      case 'results/requestPage': {
        const entry = this.entries.get(m.setId);
        try {
          if (!entry?.result) throw new Error('This result is no longer available; run the query again.');
          const limit = Math.max(1, Math.min(5000, m.limit));
          // While rows still stream in, answer with what is stored; the grid asks again as the count grows.
          const page = await entry.result.page(Math.max(0, m.offset), limit, viewSpec(m), undefined, { partial: !entry.result.complete });
          this.app?.channel.post({ type: 'results/page', setId: m.setId, requestId: m.requestId, offset: m.offset, rows: toCells(page.rows), totalRows: page.total });
        } catch (err) {
          this.log.warn(`results page: ${userMessage(err)}`);
          this.app?.channel.post({ type: 'results/pageError', setId: m.setId, requestId: m.requestId, message: userMessage(err) });
        }
        return;
      }
      case 'results/copyRange':
        await this.copyRange(m);
        return;
      case 'results/export':
        await this.exportResult(m.setId, m.format, viewSpec(m));
        return;
      case 'results/requestChartRows': {
        const entry = this.entries.get(m.setId);
        if (!entry?.result) return;
        const limit = Math.max(1, Math.min(100_000, m.limit));
        const page = await entry.result.page(0, limit, viewSpec(m)).catch(() => undefined);
        if (page) this.app?.channel.post({ type: 'results/chartRows', setId: m.setId, requestId: m.requestId, rows: toCells(page.rows), truncated: page.total > page.rows.length });
        return;
      }
      case 'results/rerun':
        return;
    }
  }

  private async copyRange(m: Extract<ResultsToHost, { type: 'results/copyRange' }>): Promise<void> {
    const entry = this.entries.get(m.setId);
    if (!entry?.result) return;
    const count = m.rowEnd - m.rowStart + 1;
    if (count > MAX_COPY_ROWS) {
      void vscode.window.showWarningMessage(`Copying ${count.toLocaleString()} rows is too much for the clipboard (limit ${MAX_COPY_ROWS.toLocaleString()}); use Export instead.`);
      return;
    }
    const { rows } = await entry.result.page(m.rowStart, count, viewSpec(m));
    const cols = rows.map((r) => r.slice(m.colStart, m.colEnd + 1));
    const header = m.withHeader ? entry.summary.columns.slice(m.colStart, m.colEnd + 1).map((c) => c.name) : undefined;
    await vscode.env.clipboard.writeText(toTsv(cols, header));
    vscode.window.setStatusBarMessage(`Copied ${rows.length.toLocaleString()} row(s)`, 3000);
  }

  /** Exports the full result (no row cap); returns the file written, or undefined if cancelled. */
  async exportResult(setId: string, format: 'csv' | 'json' | 'parquet', view: ViewSpec = {}, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const entry = this.entries.get(setId);
    if (!entry?.result) {
      void vscode.window.showErrorMessage('This result is no longer available; run the query again.');
      return undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri =
      target ??
      (await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, `result.${format}`) : undefined,
        filters: format === 'csv' ? { CSV: ['csv'] } : format === 'json' ? { JSON: ['json'] } : { Parquet: ['parquet'] },
        saveLabel: `Export ${format.toUpperCase()}`,
      }));
    if (!uri) return undefined;
    const result = entry.result;
    try {
      const written = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Exporting ${format.toUpperCase()}…`, cancellable: true },
        async (_p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          return result.exportTo(uri.fsPath, format, view, ac.signal);
        },
      );
      void vscode.window.showInformationMessage(`Exported ${written.rows.toLocaleString()} rows to ${vscode.workspace.asRelativePath(uri)}.`, 'Reveal').then((open) => {
        if (open) void vscode.commands.executeCommand('revealFileInOS', uri);
      });
      return uri;
    } catch (err) {
      void vscode.window.showErrorMessage(`Export failed: ${userMessage(err)}`);
      return undefined;
    }
  }

  private async clear(): Promise<void> {
    const old = [...this.entries.values()];
    this.entries.clear();
    this.order = [];
    for (const e of old) await e.result?.dispose().catch(() => undefined);
  }

  dispose(): void {
    this.app?.panel.dispose();
    void this.clear();
    this.emitter.dispose();
  }
}
