/**
 * The Run feature: CodeLens/keybinding/editor-title commands that run SQL on the editor's connection, the results
 * panel, query history and saved queries, and SQL error diagnostics. Commands take arguments and return outcomes so
 * tests and other features can drive them.
 */
import * as vscode from 'vscode';
import type { FeatureContext } from '../context';
import { commandHelpers } from '../commands';
import type { ConnectionsApi, TableNodeRef } from '../connections/api';
import type { RunApi } from './api';
import { splitStatements, statementAt } from '../../core/connections/splitter';
import { queryFileSql } from '../../core/connections/dataFiles';
import { UserError } from '../../core/errors';
import { sqlLabel } from '../../core/run/history';
import { RunCodeLensProvider } from './codeLens';
import { HistoryStore, HistoryTreeProvider, type HistoryNode } from './history';
import { ResultsPanel } from './resultsPanel';
import { Runner, type RunOutcome, type StatementToRun } from './runner';
import { disposeResultStore } from './resultSource';
import { scriptConfirmations, type WriteConfirmation } from './confirm';

export type { RunApi } from './api';

async function documentFor(uri: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  if (typeof uri === 'string') return vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  return vscode.window.activeTextEditor?.document;
}

function statementsOf(document: vscode.TextDocument, dialect: string | undefined, from = 0, to?: number): StatementToRun[] {
  const text = document.getText();
  const slice = text.slice(from, to ?? text.length);
  return splitStatements(slice, { dialect }).map((s) => ({ text: s.text, offset: from + s.start }));
}

export function registerRun(fc: FeatureContext, connections: ConnectionsApi): RunApi {
  const { extension, log } = fc;
  const panel = new ResultsPanel(extension, log);
  const history = new HistoryStore(extension.globalState, extension.workspaceState);
  const runner = new Runner(connections, panel, history, log);
  const lenses = new RunCodeLensProvider(connections);
  const historyTree = new HistoryTreeProvider(history, (id) => connections.list().find((c) => c.id === id)?.name);
  const historyView = vscode.window.createTreeView('iopsdata.history', { treeDataProvider: historyTree });

  const kindOf = (id: string) => connections.list().find((c) => c.id === id)?.kind;

  const runDocumentRange = async (document: vscode.TextDocument, from: number, to: number | undefined): Promise<RunOutcome | undefined> => {
    const connectionId = connections.activeConnectionId(document.uri);
    const statements = statementsOf(document, kindOf(connectionId), from, to);
    return runner.run({ connectionId, statements, document });
  };

  const { register, guard } = commandHelpers(fc);

  // From a CodeLens: (uri, start, end). Without arguments: the statement under the cursor.
  register(
    'iopsdata.run.statement',
    guard(async (uri?: unknown, start?: unknown, end?: unknown) => {
      const document = await documentFor(uri);
      if (!document) throw new UserError('Open a SQL file to run a statement.');
      if (typeof start === 'number' && typeof end === 'number') return runDocumentRange(document, start, end);
      const editor = vscode.window.activeTextEditor;
      const offset = editor && editor.document === document ? document.offsetAt(editor.selection.active) : 0;
      const all = statementsOf(document, kindOf(connections.activeConnectionId(document.uri)));
      const at = statementAt(
        all.map((s) => ({ ...s, start: s.offset, end: s.offset + s.text.length, line: 0, column: 0 })),
        offset,
      );
      if (!at) throw new UserError('Nothing to run: the file is empty or only comments.');
      return runDocumentRange(document, at.start, at.end);
    }),
  );
  register(
    'iopsdata.run.selection',
    guard(async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) throw new UserError('Open a SQL file and select the SQL to run.');
      if (editor.selection.isEmpty) return vscode.commands.executeCommand('iopsdata.run.statement');
      return runDocumentRange(editor.document, editor.document.offsetAt(editor.selection.start), editor.document.offsetAt(editor.selection.end));
    }),
  );
  // Ctrl/Cmd+Enter and the editor title button: the selection if any, else the statement under the cursor.
  register('iopsdata.run.atCursor', () => vscode.commands.executeCommand('iopsdata.run.selection'));
  register(
    'iopsdata.run.file',
    guard(async (uri?: unknown) => {
      const document = await documentFor(uri);
      if (!document) throw new UserError('Open a SQL file to run it.');
      return runDocumentRange(document, 0, undefined);
    }),
  );
  // Programmatic: run SQL text on a connection (tests, other features). Returns the outcome.
  register(
    'iopsdata.run.sql',
    guard(async (connectionId?: unknown, sql?: unknown) => {
      if (typeof sql !== 'string') throw new UserError('iopsdata.run.sql needs (connectionId, sql).');
      const id = typeof connectionId === 'string' ? connectionId : connections.activeConnectionId();
      return runner.run({ connectionId: id, statements: splitStatements(sql, { dialect: kindOf(id) }).map((s) => ({ text: s.text, offset: s.start })) });
    }),
  );
  register(
    'iopsdata.run.previewTable',
    guard(async (node?: TableNodeRef | { type: 'file'; connectionId: string; sqlPath: string; relative: string }) => {
      const limit = vscode.workspace.getConfiguration('iopsdata').get<number>('results.previewRows', 1000);
      if (node && 'type' in node && node.type === 'file') {
        // A data file under Workspace files: the same statement "Query File" writes, run right away.
        const sql = queryFileSql(node.sqlPath, limit).trim().replace(/;$/, '');
        return runner.run({ connectionId: node.connectionId, statements: [{ text: sql, offset: 0 }], title: node.relative.split('/').pop() });
      }
      if (!node?.connectionId || !('table' in node) || !node.table) throw new UserError('Use Preview Rows on a table in the Connections view.');
      const conn = await connections.getConnection(node.connectionId);
      const parts = [node.database, node.schema, node.table].filter((p): p is string => !!p);
      // The catalog name can be skipped for the connection's own database; it is included to be exact.
      const name = (conn.kind === 'duckdb' && node.database ? parts : parts.slice(-2)).map((p) => conn.quoteIdent(p)).join('.');
      return runner.run({ connectionId: node.connectionId, statements: [{ text: `SELECT * FROM ${name} LIMIT ${Math.max(1, limit)}`, offset: 0 }], title: node.table });
    }),
  );
  register(
    'iopsdata.results.export',
    guard(async (format?: unknown, setId?: unknown, target?: unknown) => {
      const sets = panel.summaries().filter((s) => s.status === 'ok' && s.columns.length);
      if (!sets.length) throw new UserError('No result to export: run a query first.');
      const fmt =
        format === 'csv' || format === 'json' || format === 'parquet'
          ? format
          : (await vscode.window.showQuickPick(['csv', 'json', 'parquet'], { placeHolder: 'Export the full result as…' })) as 'csv' | 'json' | 'parquet' | undefined;
      if (!fmt) return undefined;
      const id = typeof setId === 'string' ? setId : sets[sets.length - 1].id;
      const uri = await panel.exportResult(id, fmt, {}, target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined);
      return uri?.fsPath;
    }),
  );

  // History and saved queries.
  const sqlOf = (n?: HistoryNode): { sql: string; connectionId?: string } | undefined =>
    n?.type === 'entry' ? { sql: n.entry.sql, connectionId: n.entry.connectionId } : n?.type === 'saved' ? { sql: n.query.sql, connectionId: n.query.connectionId } : undefined;
  register(
    'iopsdata.history.rerun',
    guard(async (n?: HistoryNode) => {
      const q = sqlOf(n);
      if (!q) throw new UserError('Choose a query in the History view to run again.');
      const connectionId = q.connectionId && connections.list().some((c) => c.id === q.connectionId) ? q.connectionId : connections.activeConnectionId();
      return runner.run({ connectionId, statements: splitStatements(q.sql, { dialect: kindOf(connectionId) }).map((s) => ({ text: s.text, offset: s.start })) });
    }),
  );
  register(
    'iopsdata.history.open',
    guard(async (n?: HistoryNode) => {
      const q = sqlOf(n);
      if (!q) return;
      const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: q.sql.endsWith(';') ? `${q.sql}\n` : `${q.sql};\n` });
      if (q.connectionId && connections.list().some((c) => c.id === q.connectionId)) await connections.setActiveConnection(doc.uri, q.connectionId);
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
  );
  register(
    'iopsdata.history.copySql',
    guard(async (n?: HistoryNode) => {
      const q = sqlOf(n);
      if (q) await vscode.env.clipboard.writeText(q.sql);
    }),
  );
  register(
    'iopsdata.history.saveQuery',
    guard(async (n?: HistoryNode | vscode.Uri, nameArg?: unknown) => {
      let q = n && !(n instanceof vscode.Uri) ? sqlOf(n) : undefined;
      if (!q) {
        const editor = vscode.window.activeTextEditor;
        if (!editor) throw new UserError('Select SQL in an editor, or a query in History, to save it.');
        const doc = editor.document;
        let sql = doc.getText(editor.selection).trim();
        if (!sql) {
          const all = statementsOf(doc, kindOf(connections.activeConnectionId(doc.uri)));
          const offset = doc.offsetAt(editor.selection.active);
          sql = (all.filter((s) => s.offset <= offset).pop() ?? all[0])?.text ?? '';
        }
        if (!sql) throw new UserError('Nothing to save: the editor has no SQL.');
        q = { sql, connectionId: connections.activeConnectionId(doc.uri) };
      }
      const name = typeof nameArg === 'string' ? nameArg : await vscode.window.showInputBox({ prompt: 'Name for the saved query', value: sqlLabel(q.sql, 40) });
      if (!name) return undefined;
      return (await history.save(name, q.sql, q.connectionId)).id;
    }),
  );
  register(
    'iopsdata.history.deleteSaved',
    guard(async (n?: HistoryNode) => {
      if (n?.type === 'saved') await history.removeSaved(n.query.id);
    }),
  );
  register(
    'iopsdata.history.renameSaved',
    guard(async (n?: HistoryNode, nameArg?: unknown) => {
      if (n?.type !== 'saved') throw new UserError('Choose a saved query in the History view to rename.');
      const name = typeof nameArg === 'string' ? nameArg : await vscode.window.showInputBox({ prompt: 'New name for the saved query', value: n.query.name });
      if (!name) return undefined;
      return (await history.savedQueries.update(n.query.id, { name })).name;
    }),
  );
  register(
    'iopsdata.history.clear',
    guard(async (options?: { confirm?: boolean }) => {
      if (options?.confirm !== false) {
        const ok = await vscode.window.showWarningMessage('Clear the query history? Saved queries are kept.', { modal: true }, 'Clear');
        if (ok !== 'Clear') return false;
      }
      await history.clear();
      return true;
    }),
  );
  register('iopsdata.run.cancel', () => {
    const n = runner.cancelAll();
    if (!n) void vscode.window.showInformationMessage('No query is running.');
    return n;
  });
  const confirmations: WriteConfirmation[] = [];
  if (extension.extensionMode === vscode.ExtensionMode.Test) {
    // Extension tests cannot click a modal: they script the write confirmation's answers (never in production).
    register('iopsdata.run.scriptConfirmationsForTests', (answers?: boolean[]) => {
      confirmations.length = 0;
      scriptConfirmations(Array.isArray(answers) ? answers.map((a) => a === true) : undefined, confirmations);
    });
  }
  // Internal: integration tests read the panel's sets and the history.
  register('iopsdata.run.stateForTests', () => ({ panelOpen: panel.isOpen, sets: panel.summaries(), history: history.entries(), saved: history.saved(), diagnostics: runner.diagnostics, confirmations: [...confirmations] }));

  extension.subscriptions.push(
    panel,
    runner,
    { dispose: () => void disposeResultStore() },
    historyView,
    vscode.languages.registerCodeLensProvider({ language: 'sql' }, lenses),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('iopsdata.run.codeLens')) lenses.refresh();
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // An edited statement's old error position is stale.
      if (runner.diagnostics.has(e.document.uri) && e.contentChanges.length) runner.diagnostics.delete(e.document.uri);
    }),
  );

  return {
    savedQueries: history.savedQueries,
    run: async (request) => {
      const document = request.source ? await vscode.workspace.openTextDocument(request.source.uri) : undefined;
      const offset = request.source?.offset ?? 0;
      const statements = splitStatements(request.sql, { dialect: kindOf(request.connectionId) }).map((s) => ({ text: s.text, offset: offset + s.start }));
      const outcome = await runner.run({ connectionId: request.connectionId, statements, document, title: request.title });
      if (outcome.status === 'cancelled') return undefined;
      if (outcome.status !== 'ok') throw new UserError(outcome.error ?? 'The query failed.', { code: outcome.status === 'refused' ? 'read-only' : undefined });
      return outcome.lastResult;
    },
  };
}
