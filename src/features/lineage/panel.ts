/** One lineage panel at a time per mode: shows a ViewGraph, opens nodes' files, saves exported images. */
import * as vscode from 'vscode';
import { openPanelApp, type PanelApp } from '../../webviews/host';
import type { FeatureContext } from '../context';
import type { LineageInitialState, LineageToHost, LineageToWebview } from '../../shared/protocol/lineage';
import type { ViewGraph } from '../../core/lineage/view';

export interface NodeTarget {
  /** Document to open; with `line`, the position to reveal. */
  uri: vscode.Uri;
  line?: number;
  character?: number;
}

type Mode = LineageInitialState['mode'];
type Rendered = Extract<LineageToHost, { type: 'rendered' }>;

/** What each open panel was last sent and last reported as painted (for iopsdata.lineage.stateForTests). */
export interface LineagePanelState {
  mode: Mode;
  title: string;
  sentNodes: string[];
  sentAt: number;
  rendered?: Rendered & { at: number };
}

export class LineagePanels implements vscode.Disposable {
  private readonly panels = new Map<Mode, PanelApp<LineageToWebview, LineageToHost>>();
  private readonly resolvers = new Map<Mode, (id: string) => NodeTarget | undefined>();
  private readonly states = new Map<Mode, LineagePanelState>();
  /** The graph each panel shows, re-sent when its webview reloads; and how many times each said `ready`. */
  private readonly last = new Map<Mode, { title: string; graph: ViewGraph }>();
  private readonly readies = new Map<Mode, number>();

  constructor(private readonly fc: FeatureContext) {}

  /** Shows `graph` in the panel for `mode`, creating it on first use; `resolve` maps a node id to a file position. */
  show(mode: Mode, title: string, graph: ViewGraph, resolve: (id: string) => NodeTarget | undefined, beside = true): vscode.WebviewPanel {
    this.resolvers.set(mode, resolve);
    let app = this.panels.get(mode);
    if (!app) {
      app = openPanelApp<LineageToWebview, LineageToHost>(this.fc.extension, this.fc.log, `iopsdata.lineage.${mode}`, {
        app: 'lineage',
        title,
        initialState: { title, mode } satisfies LineageInitialState,
        viewColumn: beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active,
        preserveFocus: true,
      });
      const created = app;
      this.panels.set(mode, created);
      created.panel.onDidDispose(() => {
        this.panels.delete(mode);
        this.states.delete(mode);
        this.last.delete(mode);
        this.readies.delete(mode);
      });
      created.channel.onMessage((m) => void this.onMessage(mode, m));
    } else {
      app.panel.reveal(undefined, true);
    }
    app.panel.title = title;
    this.send(mode, app, title, graph);
    return app.panel;
  }

  update(mode: Mode, title: string, graph: ViewGraph): boolean {
    const app = this.panels.get(mode);
    if (!app) return false;
    app.panel.title = title;
    this.send(mode, app, title, graph);
    return true;
  }

  private send(mode: Mode, app: PanelApp<LineageToWebview, LineageToHost>, title: string, graph: ViewGraph): void {
    this.last.set(mode, { title, graph });
    this.states.set(mode, { mode, title, sentNodes: graph.nodes.map((n) => n.id), sentAt: Date.now(), rendered: this.states.get(mode)?.rendered });
    app.channel.post({ type: 'lineageGraph', title, graph });
  }

  /** Replaces how node ids map to files after the panel's graph was updated. */
  setResolver(mode: Mode, resolve: (id: string) => NodeTarget | undefined): void {
    this.resolvers.set(mode, resolve);
  }

  state(): LineagePanelState[] {
    return [...this.states.values()];
  }

  error(mode: Mode, message: string): void {
    this.panels.get(mode)?.channel.post({ type: 'lineageError', message });
  }

  isOpen(mode: Mode): boolean {
    return this.panels.has(mode);
  }

  private async onMessage(mode: Mode, m: LineageToHost | { type: 'ready' }): Promise<void> {
    try {
      if (m.type === 'ready') {
        // The first `ready` flushes the queued graph; a later one means the webview reloaded and lost it.
        const n = (this.readies.get(mode) ?? 0) + 1;
        this.readies.set(mode, n);
        const last = this.last.get(mode);
        if (n > 1 && last) this.panels.get(mode)?.channel.post({ type: 'lineageGraph', title: last.title, graph: last.graph });
      } else if (m.type === 'rendered') {
        const st = this.states.get(mode);
        if (st) st.rendered = { ...m, at: Date.now() };
      } else if (m.type === 'openNode') {
        const target = this.resolvers.get(mode)?.(m.id);
        if (!target) return;
        const doc = await vscode.workspace.openTextDocument(target.uri);
        const pos = new vscode.Position(target.line ?? 0, target.character ?? 0);
        // Never over the graph: beside it when the graph is in the first column.
        const column = this.panels.get(mode)?.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
        await vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Range(pos, pos) });
      } else if (m.type === 'exportImage') {
        const dest = await vscode.window.showSaveDialog({
          filters: m.format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
          saveLabel: 'Export lineage',
        });
        if (!dest) return;
        const bytes = m.format === 'svg' ? Buffer.from(m.data, 'utf8') : Buffer.from(m.data.replace(/^data:image\/png;base64,/, ''), 'base64');
        await vscode.workspace.fs.writeFile(dest, bytes);
        void vscode.window.showInformationMessage(`Lineage exported to ${vscode.workspace.asRelativePath(dest)}.`);
      }
    } catch (err) {
      this.fc.log.error(`lineage panel: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(`iOpsData lineage: ${(err as Error).message}`);
    }
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
    this.panels.clear();
  }
}
