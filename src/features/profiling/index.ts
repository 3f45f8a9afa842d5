/**
 * Profiling in VS Code: "Profile File" (explorer context menu, command palette with a file picker) and "Profile
 * Table" (connection tree, pushed down). Work runs in core with an AbortSignal tied to the notification's Cancel,
 * partial profiles stream to the panel, finished file profiles are cached by size + mtime.
 */
import * as vscode from 'vscode';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';
import type { TableNodeRef } from '../connections/api';
import { openPanelApp, type PanelApp } from '../../webviews/host';
import { isCancelled, userMessage } from '../../core/errors';
import type { CsvDialect, FileProfile, ProfileOptions, ProfilePhase } from '../../core/profiling/types';
import type { ProfileCache } from '../../core/profiling/cache';
import type { ProfileInitialState, ProfileToHost, ProfileToWebview } from '../../shared/protocol/profile';

const PHASES: ProfilePhase[] = ['detect', 'load', 'stats', 'values', 'histograms', 'findings', 'done'];
const FILE_FILTERS = { 'Data files': ['csv', 'tsv', 'txt', 'parquet', 'json', 'jsonl', 'ndjson', 'gz', 'zst'] };

type Panel = PanelApp<ProfileToWebview, ProfileToHost>;

/** Lazily loaded core: DuckDB and the profiler are not touched during activation. */
const core = () => import('../../core/profiling');

export function registerProfiling(fc: FeatureContext, connections: ConnectionsApi): void {
  const panels = new Map<string, Panel>();
  let cache: ProfileCache | undefined;
  const getCache = async () => (cache ??= new (await core()).ProfileCache());
  const latest = new Map<string, FileProfile>();

  function panelFor(key: string, title: string, source: 'file' | 'table', onMessage: (m: ProfileToHost, panel: Panel) => void): Panel {
    const open = panels.get(key);
    if (open) {
      open.panel.reveal(undefined, true);
      return open;
    }
    const initialState: ProfileInitialState = { title, source };
    const app = openPanelApp<ProfileToWebview, ProfileToHost>(fc.extension, fc.log, 'iopsdata.profile', {
      app: 'profile',
      title: `Profile: ${title}`,
      initialState,
    });
    panels.set(key, app);
    app.panel.onDidDispose(() => panels.delete(key));
    app.channel.onMessage((m) => onMessage(m, app));
    return app;
  }

  /** Runs one profile with a cancellable progress notification; partials go to the panel. */
  async function runWithProgress(title: string, panel: Panel, work: (signal: AbortSignal, onProgress: (phase: ProfilePhase, p: FileProfile) => void) => Promise<FileProfile>): Promise<FileProfile | undefined> {
    const controller = new AbortController();
    const cancelFromPanel = panel.channel.onMessage((m) => m.type === 'cancelProfile' && controller.abort());
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Profiling ${title}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          const { PHASE_LABELS } = await import('../../core/profiling/types');
          let last = 0;
          const onProgress = (phase: ProfilePhase, p: FileProfile) => {
            const step = PHASES.indexOf(phase) + 1;
            progress.report({ message: PHASE_LABELS[phase], increment: ((step - last) * 100) / PHASES.length });
            last = step;
            panel.channel.post({ type: 'profile', profile: p, phase, phaseLabel: PHASE_LABELS[phase], done: phase === 'done' });
          };
          progress.report({ message: PHASE_LABELS.detect });
          return await work(controller.signal, onProgress);
        },
      );
    } catch (err) {
      const cancelled = isCancelled(err);
      panel.channel.post({ type: 'profileError', message: cancelled ? 'Profiling was cancelled.' : userMessage(err), cancelled });
      if (cancelled) fc.log.info(`profile cancelled: ${title}`);
      else {
        fc.log.error(`profile failed: ${title}: ${userMessage(err)}`);
        void vscode.window.showErrorMessage(`iOpsData: ${userMessage(err)}`);
      }
      return undefined;
    } finally {
      cancelFromPanel.dispose();
    }
  }

  async function profileFileCommand(uri?: vscode.Uri, options: ProfileOptions = {}): Promise<FileProfile | undefined> {
    if (!(uri instanceof vscode.Uri)) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: FILE_FILTERS, openLabel: 'Profile' });
      uri = picked?.[0];
      if (!uri) return undefined;
    }
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('iOpsData: only files on this machine can be profiled.');
      return undefined;
    }
    const path = uri.fsPath;
    const name = basename(path);
    const panel = panelFor(`file:${path}`, name, 'file', (m, p) => onFileMessage(m, p, path));
    const c = await getCache();
    const hit = await c.get(path, options);
    if (hit) {
      latest.set(path, hit);
      panel.channel.post({ type: 'profile', profile: hit, phase: 'done', phaseLabel: 'Done', done: true, cached: true });
      return hit;
    }
    const { profileFile } = await core();
    const started = performance.now();
    const result = await runWithProgress(name, panel, (signal, onProgress) => profileFile(path, options, { signal, onProgress }));
    if (result) {
      c.set(path, options, result);
      latest.set(path, result);
      fc.log.info(`profiled ${name}: ${result.rowCount} rows, ${result.columns.length} columns in ${Math.round(performance.now() - started)} ms`);
    }
    return result;
  }

  async function onFileMessage(m: ProfileToHost, panel: Panel, path: string): Promise<void> {
    const profile = latest.get(path);
    switch (m.type) {
      case 'reprofile':
        await profileFileCommand(vscode.Uri.file(path), { dialect: sanitizeDialect(m.dialect) });
        break;
      case 'queryFile':
        await queryFile(vscode.Uri.file(path));
        break;
      default:
        await exportMessage(m, profile, basename(path));
    }
    void panel;
  }

  /** "Query this file": a .sql editor reading the file, bound to the built-in Workspace files (DuckDB) connection. */
  async function queryFile(uri: vscode.Uri): Promise<string> {
    const { queryFileSql, sqlPathFor } = await import('../../core/connections/dataFiles');
    const sql = queryFileSql(sqlPathFor(uri.fsPath, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath));
    const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: `-- Runs on the Workspace files (DuckDB) connection\n${sql}` });
    const workspaceFiles = connections.list().find((c) => c.builtIn);
    if (workspaceFiles) await connections.setActiveConnection(doc.uri, workspaceFiles.id);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside });
    return doc.uri.toString();
  }

  async function exportMessage(m: ProfileToHost, profile: FileProfile | undefined, name: string): Promise<void> {
    if (!profile) return;
    const { profileToMarkdown, toContractJson } = await core();
    if (m.type === 'copyMarkdown') {
      await vscode.env.clipboard.writeText(profileToMarkdown(profile));
      void vscode.window.showInformationMessage('Profile copied as Markdown.');
    } else if (m.type === 'exportJson') {
      const base = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({
        filters: { JSON: ['json'] },
        defaultUri: base ? vscode.Uri.joinPath(base, `${name.replace(/[^\w.-]+/g, '_')}.profile.json`) : undefined,
      });
      if (!target) return;
      await writeFile(target.fsPath, JSON.stringify(toContractJson(profile), null, 2));
      void vscode.window.showInformationMessage(`Profile saved to ${basename(target.fsPath)}.`);
    }
  }

  async function profileTableCommand(ref?: TableNodeRef): Promise<FileProfile | undefined> {
    if (!ref || typeof ref !== 'object' || !ref.connectionId || !ref.table) {
      void vscode.window.showInformationMessage('iOpsData: right-click a table in the Connections view and choose Profile Table.');
      return undefined;
    }
    const label = [ref.schema, ref.table].filter(Boolean).join('.');
    const key = `table:${ref.connectionId}:${ref.database ?? ''}:${label}`;
    const panel = panelFor(key, label, 'table', (m) => exportMessage(m, latest.get(key), label));
    let connection;
    try {
      connection = await connections.getConnection(ref.connectionId);
    } catch (err) {
      panel.channel.post({ type: 'profileError', message: userMessage(err) });
      void vscode.window.showErrorMessage(`iOpsData: ${userMessage(err)}`);
      return undefined;
    }
    const { profileTable } = await core();
    const result = await runWithProgress(label, panel, (signal, onProgress) =>
      profileTable(connection, { database: ref.database, schema: ref.schema, table: ref.table }, {}, { signal, onProgress }),
    );
    if (result) latest.set(key, result);
    return result;
  }

  fc.extension.subscriptions.push(
    vscode.commands.registerCommand('iopsdata.profile.file', (uri?: vscode.Uri, options?: ProfileOptions) => profileFileCommand(uri, options ?? {})),
    vscode.commands.registerCommand('iopsdata.profile.table', (ref?: TableNodeRef) => profileTableCommand(ref)),
    // Internal: the panel's "Query this file" button (the integration test runs it by this name).
    vscode.commands.registerCommand('iopsdata.profile.queryFile', (uri?: vscode.Uri) => (uri instanceof vscode.Uri ? queryFile(uri) : undefined)),
  );
}

/** Only the dialect fields we know, as strings/booleans: the message comes from a webview. */
function sanitizeDialect(d: Partial<CsvDialect> | undefined): Partial<CsvDialect> {
  const out: Partial<CsvDialect> = {};
  if (!d || typeof d !== 'object') return out;
  if (typeof d.delimiter === 'string' && d.delimiter.length > 0 && d.delimiter.length <= 4) out.delimiter = d.delimiter;
  if (typeof d.quote === 'string' && d.quote.length <= 1) out.quote = d.quote;
  if (typeof d.escape === 'string' && d.escape.length <= 1) out.escape = d.escape;
  if (typeof d.header === 'boolean') out.header = d.header;
  if (typeof d.encoding === 'string' && ['utf-8', 'utf-16', 'latin-1'].includes(d.encoding)) out.encoding = d.encoding;
  if (typeof d.dateFormat === 'string' && d.dateFormat.length < 40) out.dateFormat = d.dateFormat;
  return out;
}
