/**
 * SQL lineage in VS Code: "Show lineage" (explorer/editor context on .sql), an "Explain lineage" CodeLens per
 * statement, the dbt model DAG kept up to date by a file watcher, and parse problems as diagnostics. Commands return
 * their data so integration tests can check results without reading the webview.
 */
import * as vscode from 'vscode';
import { dirname, join, basename, extname, isAbsolute, relative, sep } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import type { FeatureContext } from '../context';
import { LineagePanels } from './panel';
import { lineageDiagnostics } from './diagnostics';
import { definitionOffset } from './definition';
import type { ScriptLineage, StatementLineage } from '../../core/lineage';
import type { ViewGraph } from '../../core/lineage/view';
import type { ProjectGraph, ProjectGraphCache } from '../../core/lineage/dbt';
import type { ColumnGraphCache } from '../../core/lineage/crossModel';

// The engine (and node-sql-parser behind it) loads on first use, not at activation.
const engine = () => require('../../core/lineage') as typeof import('../../core/lineage');
const views = () => require('../../core/lineage/view') as typeof import('../../core/lineage/view');
const dbt = () => require('../../core/lineage/dbt') as typeof import('../../core/lineage/dbt');
const crossModel = () => require('../../core/lineage/crossModel') as typeof import('../../core/lineage/crossModel');

function dialectFor(): string {
  return vscode.workspace.getConfiguration('iopsdata.lineage').get<string>('dialect') || 'ansi';
}

/** The nearest folder at or above `file` that holds dbt_project.yml. */
export function findDbtRoot(file: string): string | undefined {
  let dir = dirname(file);
  for (;;) {
    if (existsSync(join(dir, 'dbt_project.yml'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

async function documentFor(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  if (typeof arg === 'string') return vscode.workspace.openTextDocument(vscode.Uri.file(arg));
  return vscode.window.activeTextEditor?.document;
}

function analyse(doc: vscode.TextDocument): ScriptLineage {
  const inDbt = doc.uri.scheme === 'file' && findDbtRoot(doc.uri.fsPath) !== undefined;
  return engine().analyzeScript(doc.getText(), {
    dialect: dialectFor(),
    thisName: inDbt ? basename(doc.uri.fsPath, extname(doc.uri.fsPath)) : undefined,
  });
}

/** The model a .sql file defines when it lies under a model path of its dbt project (dbt_project.yml `model-paths`). */
export function dbtModelName(file: string): string | undefined {
  const root = findDbtRoot(file);
  if (!root || extname(file) !== '.sql') return undefined;
  let paths = ['models'];
  try {
    const m = /^model-paths:\s*\[([^\]]*)\]/m.exec(readFileSync(join(root, 'dbt_project.yml'), 'utf8'));
    if (m) paths = m[1].split(',').map((p) => p.trim().replace(/^['"]|['"]$/g, '').replace(/\/+$/, '')).filter(Boolean);
  } catch {
    // Unreadable project file: dbt's default model path.
  }
  const rel = relative(root, file).split(sep).join('/');
  return paths.some((p) => rel.startsWith(`${p}/`)) ? basename(file, '.sql') : undefined;
}

/** In a dbt model the final SELECT is the model itself: name its result node after it. */
function nameModelResult(doc: vscode.TextDocument, graph: ViewGraph): ViewGraph {
  const model = doc.uri.scheme === 'file' ? dbtModelName(doc.uri.fsPath) : undefined;
  const results = graph.nodes.filter((n) => n.kind === 'result');
  const last = results[results.length - 1];
  if (model && last) {
    last.label = model;
    last.kind = 'model';
  }
  return graph;
}

/**
 * Beside the editor when the SQL is on screen (editor menu, CodeLens); from the explorer, where the file is not open,
 * the graph gets the whole editor area and node clicks open the file beside it.
 */
function besideIfVisible(doc: vscode.TextDocument): boolean {
  return vscode.window.visibleTextEditors.some((e) => e.document === doc);
}

export interface ShowLineageResult {
  lineage: ScriptLineage;
  graph: ViewGraph;
}

export interface ExplainResult {
  statement: StatementLineage;
  summary: string;
  graph: ViewGraph;
}

export function registerLineage(fc: FeatureContext): void {
  const panels = new LineagePanels(fc);
  const diagnostics = vscode.languages.createDiagnosticCollection('iopsdata-lineage');
  const codeLensChanged = new vscode.EventEmitter<void>();
  let dbtState:
    | { root: string; cache: ProjectGraphCache; columnCache: ColumnGraphCache; focus?: string; watcher: vscode.FileSystemWatcher; timer?: NodeJS.Timeout; onChange?: (uri: vscode.Uri) => void }
    | undefined;
  /**
   * Saves, creates, deletes and renames done in VS Code also redraw the DAG: they do not depend on the file watcher,
   * which can lag or restart on a busy machine (the watcher still covers changes made outside VS Code, e.g. git).
   */
  const projectFileTouched = (uri: vscode.Uri) => {
    const state = dbtState;
    if (!state?.onChange || uri.scheme !== 'file') return;
    const rel = relative(state.root, uri.fsPath);
    if (rel.startsWith('..') || isAbsolute(rel) || !/\.(sql|ya?ml|csv|json)$/i.test(rel)) return;
    state.onChange(uri);
  };

  const lineResolver = (doc: vscode.TextDocument, graph: ViewGraph) => (id: string) => {
    const n = graph.nodes.find((x) => x.id === id);
    if (!n) return undefined;
    const at = definitionOffset(doc.getText(), n.label, n.kind, n.line === undefined ? 0 : doc.offsetAt(new vscode.Position(n.line, 0)));
    if (at !== undefined) {
      const pos = doc.positionAt(at);
      return { uri: doc.uri, line: pos.line, character: pos.character };
    }
    return n.line !== undefined ? { uri: doc.uri, line: n.line } : undefined;
  };

  const refreshDiagnostics = (doc: vscode.TextDocument, result?: ScriptLineage) => {
    if (doc.languageId !== 'sql' && doc.languageId !== 'jinja-sql') return;
    try {
      diagnostics.set(doc.uri, lineageDiagnostics(doc, result ?? analyse(doc)));
    } catch (err) {
      fc.log.warn(`lineage diagnostics: ${(err as Error).message}`);
    }
  };

  // The document the file panel shows, so saving it redraws the graph.
  let shownFile: vscode.Uri | undefined;

  const show = async (arg?: unknown): Promise<ShowLineageResult | undefined> => {
    const doc = await documentFor(arg);
    if (!doc) {
      void vscode.window.showWarningMessage('Open or select a .sql file to show its lineage.');
      return undefined;
    }
    const lineage = analyse(doc);
    refreshDiagnostics(doc, lineage);
    const graph = nameModelResult(doc, views().scriptView(lineage));
    panels.show('file', `Lineage: ${basename(doc.uri.path)}`, graph, lineResolver(doc, graph), besideIfVisible(doc));
    shownFile = doc.uri;
    return { lineage, graph };
  };

  const refreshShownFile = (doc: vscode.TextDocument) => {
    if (!shownFile || doc.uri.toString() !== shownFile.toString() || !panels.isOpen('file')) return;
    try {
      const graph = nameModelResult(doc, views().scriptView(analyse(doc)));
      panels.update('file', `Lineage: ${basename(doc.uri.path)}`, graph);
      panels.setResolver('file', lineResolver(doc, graph));
    } catch (err) {
      panels.error('file', (err as Error).message);
    }
  };

  const explain = async (uriArg?: unknown, index?: number): Promise<ExplainResult | undefined> => {
    const doc = await documentFor(uriArg);
    if (!doc) return undefined;
    const lineage = analyse(doc);
    let i = typeof index === 'number' ? index : undefined;
    if (i === undefined) {
      const offset = vscode.window.activeTextEditor?.document === doc ? doc.offsetAt(vscode.window.activeTextEditor.selection.active) : 0;
      i = lineage.statements.find((s) => offset >= s.range.start && offset <= s.range.end)?.index ?? 0;
    }
    const statement = lineage.statements.find((s) => s.index === i);
    if (!statement) return undefined;
    const graph = nameModelResult(doc, views().scriptView(lineage, i));
    const summary = views().describe(statement);
    panels.show('statement', `Lineage: statement ${i + 1} of ${basename(doc.uri.path)}`, graph, lineResolver(doc, graph), besideIfVisible(doc));
    return { statement, summary, graph };
  };

  const buildDag = async (root: string, focus?: string): Promise<{ project: ProjectGraph; graph: ViewGraph }> => {
    const state = dbtState?.root === root ? dbtState : undefined;
    const project = await dbt().buildProjectGraph(root, { cache: state?.cache });
    // Column flows across models are a bonus on top of the model DAG: if tracing fails, the DAG still shows.
    const columns = await crossModel()
      .buildColumnGraph(project, { cache: state?.columnCache })
      .catch((err: unknown) => {
        fc.log.warn(`lineage: column flows across dbt models failed: ${(err as Error).message}`);
        return undefined;
      });
    return { project, graph: views().projectView(project, focus, columns) };
  };

  const showDbtDag = async (arg?: unknown): Promise<{ project: ProjectGraph; graph: ViewGraph } | undefined> => {
    const doc = await documentFor(arg).catch(() => undefined);
    const file = doc?.uri.scheme === 'file' ? doc.uri.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath + '/x';
    const root = file ? findDbtRoot(file) : undefined;
    if (!root) {
      void vscode.window.showWarningMessage('No dbt_project.yml found above this file.');
      return undefined;
    }
    const focus = doc && extname(doc.uri.fsPath) === '.sql' ? `model.${basename(doc.uri.fsPath, '.sql')}` : undefined;
    if (!dbtState || dbtState.root !== root) {
      dbtState?.watcher.dispose();
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**/*.{sql,yml,yaml,csv,json}'));
      dbtState = { root, cache: new (dbt().ProjectGraphCache)(), columnCache: new (crossModel().ColumnGraphCache)(), focus, watcher };
      const state = dbtState;
      const onChange = (uri: vscode.Uri) => {
        fc.log.debug(`lineage: dbt project file changed: ${uri.fsPath}`);
        // Debounced: a git checkout touches many files at once.
        if (state.timer) clearTimeout(state.timer);
        state.timer = setTimeout(() => {
          if (!panels.isOpen('dbt')) return;
          buildDag(state.root, state.focus).then(
            (r) => {
              panels.update('dbt', `dbt DAG: ${basename(state.root)}`, r.graph);
              panels.setResolver('dbt', dagResolver(state.root, r.graph));
            },
            (err) => panels.error('dbt', (err as Error).message),
          );
        }, 300);
      };
      watcher.onDidChange(onChange);
      watcher.onDidCreate(onChange);
      watcher.onDidDelete(onChange);
      state.onChange = onChange;
      fc.extension.subscriptions.push(watcher);
    }
    dbtState.focus = focus;
    const result = await buildDag(root, focus);
    panels.show('dbt', `dbt DAG: ${basename(root)}`, result.graph, dagResolver(root, result.graph), !doc || besideIfVisible(doc));
    return result;
  };

  const dagResolver = (root: string, graph: ViewGraph) => (id: string) => {
    const n = graph.nodes.find((x) => x.id === id);
    if (!n?.path) return undefined;
    const file = isAbsolute(n.path) ? n.path : join(root, n.path);
    // A source is declared in a yml file: open it at the table's entry.
    if (n.kind === 'source' && existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const at = new RegExp(`name:\\s*['"]?${n.label.split('.').pop()!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]?\\s*$`, 'm').exec(text);
      if (at) {
        const line = text.slice(0, at.index).split('\n').length - 1;
        return { uri: vscode.Uri.file(file), line };
      }
    }
    return { uri: vscode.Uri.file(file) };
  };

  // The DAG follows the model being edited: switching to another model of the project re-centres the open DAG.
  const recentreDag = (editor: vscode.TextEditor | undefined) => {
    const state = dbtState;
    const doc = editor?.document;
    if (!state || !doc || doc.uri.scheme !== 'file' || extname(doc.uri.fsPath) !== '.sql' || !panels.isOpen('dbt')) return;
    if (findDbtRoot(doc.uri.fsPath) !== state.root) return;
    const focus = `model.${basename(doc.uri.fsPath, '.sql')}`;
    if (focus === state.focus) return;
    state.focus = focus;
    buildDag(state.root, focus).then(
      (r) => {
        panels.update('dbt', `dbt DAG: ${basename(state.root)}`, r.graph);
        panels.setResolver('dbt', dagResolver(state.root, r.graph));
      },
      (err) => panels.error('dbt', (err as Error).message),
    );
  };

  const codeLens: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: codeLensChanged.event,
    provideCodeLenses(doc) {
      const { renderJinja } = engine();
      const { splitStatements } = require('../../core/connections/splitter') as typeof import('../../core/connections/splitter');
      const sql = renderJinja(doc.getText()).sql;
      return splitStatements(sql, { dialect: dialectFor() }).map((r, index) => {
        const pos = new vscode.Position(r.line, r.column);
        return new vscode.CodeLens(new vscode.Range(pos, pos), { title: 'Explain lineage', command: 'iopsdata.lineage.explainStatement', arguments: [doc.uri, index] });
      });
    },
  };

  const timers = new Map<string, NodeJS.Timeout>();
  fc.extension.subscriptions.push(
    panels,
    diagnostics,
    codeLensChanged,
    vscode.commands.registerCommand('iopsdata.lineage.show', show),
    vscode.commands.registerCommand('iopsdata.lineage.explainStatement', explain),
    vscode.commands.registerCommand('iopsdata.lineage.showDbtDag', showDbtDag),
    vscode.languages.registerCodeLensProvider([{ language: 'sql' }, { language: 'jinja-sql' }], codeLens),
    vscode.workspace.onDidOpenTextDocument((d) => refreshDiagnostics(d)),
    vscode.workspace.onDidSaveTextDocument((d) => {
      refreshDiagnostics(d);
      refreshShownFile(d);
      projectFileTouched(d.uri);
    }),
    vscode.workspace.onDidCreateFiles((e) => e.files.forEach(projectFileTouched)),
    vscode.workspace.onDidDeleteFiles((e) => e.files.forEach(projectFileTouched)),
    vscode.workspace.onDidRenameFiles((e) => e.files.forEach((f) => (projectFileTouched(f.oldUri), projectFileTouched(f.newUri)))),
    vscode.window.onDidChangeActiveTextEditor(recentreDag),
    // Test hook (hidden from the palette): what each lineage panel was sent and reported as painted.
    vscode.commands.registerCommand('iopsdata.lineage.stateForTests', () => ({ panels: panels.state(), dbt: dbtState ? { root: dbtState.root, focus: dbtState.focus } : undefined })),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const k = e.document.uri.toString();
      clearTimeout(timers.get(k));
      timers.set(k, setTimeout(() => refreshDiagnostics(e.document), 500));
    }),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    { dispose: () => dbtState?.watcher.dispose() },
  );
}
