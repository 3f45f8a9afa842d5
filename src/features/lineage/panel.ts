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
}

export class LineagePanels implements vscode.Disposable {
  private readonly panels = new Map<LineageInitialState['mode'], PanelApp<LineageToWebview, LineageToHost>>();
  private readonly resolvers = new Map<LineageInitialState['mode'], (id: string) => NodeTarget | undefined>();

  constructor(private readonly fc: FeatureContext) {}

  /** Shows `graph` in the panel for `mode`, creating it on first use; `resolve` maps a node id to a file position. */
  show(mode: LineageInitialState['mode'], title: string, graph: ViewGraph, resolve: (id: string) => NodeTarget | undefined): vscode.WebviewPanel {
    this.resolvers.set(mode, resolve);
    let app = this.panels.get(mode);
    if (!app) {
      app = openPanelApp<LineageToWebview, LineageToHost>(this.fc.extension, this.fc.log, `iopsdata.lineage.${mode}`, {
        app: 'lineage',
        title,
        initialState: { title, mode } satisfies LineageInitialState,
        viewColumn: vscode.ViewColumn.Beside,
        preserveFocus: true,
      });
      const created = app;
      this.panels.set(mode, created);
      created.panel.onDidDispose(() => this.panels.delete(mode));
      created.channel.onMessage((m) => void this.onMessage(mode, m));
    } else {
      app.panel.reveal(undefined, true);
    }
    app.panel.title = title;
    app.channel.post({ type: 'lineageGraph', title, graph });
    return app.panel;
  }

  update(mode: LineageInitialState['mode'], title: string, graph: ViewGraph): boolean {
    const app = this.panels.get(mode);
    if (!app) return false;
    app.channel.post({ type: 'lineageGraph', title, graph });
    return true;
  }

  error(mode: LineageInitialState['mode'], message: string): void {
    this.panels.get(mode)?.channel.post({ type: 'lineageError', message });
  }

  isOpen(mode: LineageInitialState['mode']): boolean {
    return this.panels.has(mode);
  }

  private async onMessage(mode: LineageInitialState['mode'], m: LineageToHost | { type: 'ready' }): Promise<void> {
    try {
      if (m.type === 'openNode') {
        const target = this.resolvers.get(mode)?.(m.id);
        if (!target) return;
        const doc = await vscode.workspace.openTextDocument(target.uri);
        const pos = new vscode.Position(target.line ?? 0, 0);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
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
