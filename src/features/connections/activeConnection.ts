/**
 * Which connection an editor runs against: chosen per document (quick pick from the status bar), else the last
 * one used, else the built-in Workspace files connection. Remembered in workspaceState (ids only, no secrets).
 */
import * as vscode from 'vscode';
import { WORKSPACE_FILES_ID } from '../../core/run/connectionDefinitions';
import type { ConnectionStore } from './store';

const MAP_KEY = 'iopsdata.activeConnections';
const LAST_KEY = 'iopsdata.lastConnection';

export class ActiveConnections implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('iopsdata.activeConnection', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly store: ConnectionStore,
  ) {
    this.item.name = 'iOpsData connection';
    this.item.command = 'iopsdata.connections.selectForEditor';
    this.disposables.push(
      this.emitter,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      store.onDidChange(() => this.update()),
    );
    this.update();
  }

  private map(): Record<string, string> {
    return this.state.get<Record<string, string>>(MAP_KEY, {});
  }

  get(uri?: vscode.Uri): string {
    const chosen = uri ? this.map()[uri.toString()] : undefined;
    if (chosen && this.store.get(chosen)) return chosen;
    const last = this.state.get<string>(LAST_KEY);
    if (last && this.store.get(last)) return last;
    return WORKSPACE_FILES_ID;
  }

  async set(uri: vscode.Uri | undefined, id: string): Promise<void> {
    if (uri) {
      const map = this.map();
      map[uri.toString()] = id;
      // Keep the memento small: the most recent 200 documents.
      const entries = Object.entries(map).slice(-200);
      await this.state.update(MAP_KEY, Object.fromEntries(entries));
    }
    await this.state.update(LAST_KEY, id);
    this.update();
    this.emitter.fire();
  }

  /** Remembers the connection a run used, so new editors default to it. */
  async markUsed(id: string): Promise<void> {
    await this.state.update(LAST_KEY, id);
  }

  update(): void {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'sql') {
      this.item.hide();
      return;
    }
    const id = this.get(editor.document.uri);
    const def = this.store.get(id);
    this.item.text = `$(database) ${def?.name ?? id}${def?.allowWrites ? ' $(unlock)' : ''}`;
    this.item.tooltip = `iOpsData: SQL in this editor runs on '${def?.name ?? id}'${def?.allowWrites ? ' (writes allowed, confirmed each time)' : ' (read-only)'}. Click to change.`;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
