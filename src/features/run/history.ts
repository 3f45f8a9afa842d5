/**
 * Query history (globalState, newest first, capped) and saved queries (globalState, the store account sync shares),
 * shown together in the `iopsdata.history` view: a "Saved queries" group on top, then the history entries. Nothing
 * secret is stored.
 */
import * as vscode from 'vscode';
import { addToHistory, describeEntry, formatDuration, parseHistory, sqlLabel, type HistoryEntry, type SavedQuery } from '../../core/run/history';
import { SavedQueryStore } from '../../core/run/savedQueries';

const HISTORY_KEY = 'iopsdata.queryHistory';

export class HistoryStore {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  /** Saved queries: shared with account sync (which pushes and pulls them), so the view refreshes on both. */
  readonly savedQueries: SavedQueryStore;
  private readonly savedSub: { dispose(): void };

  constructor(
    private readonly global: vscode.Memento,
    workspace: vscode.Memento,
  ) {
    // Saved queries follow the user (globalState), as account sync does; older versions kept them per folder.
    this.savedQueries = new SavedQueryStore(global);
    this.savedSub = this.savedQueries.onDidChange(() => this.emitter.fire());
    void this.savedQueries.adoptLegacy(workspace).catch(() => undefined);
  }

  entries(): HistoryEntry[] {
    return parseHistory(this.global.get(HISTORY_KEY));
  }

  async add(entry: HistoryEntry): Promise<void> {
    const limit = vscode.workspace.getConfiguration('iopsdata').get<number>('history.maxEntries', 500);
    await this.global.update(HISTORY_KEY, addToHistory(this.entries(), entry, limit));
    this.emitter.fire();
  }

  async clear(): Promise<void> {
    await this.global.update(HISTORY_KEY, []);
    this.emitter.fire();
  }

  saved(): SavedQuery[] {
    return this.savedQueries.list();
  }

  save(name: string, sql: string, connectionId?: string): Promise<SavedQuery> {
    return this.savedQueries.save(name, sql, connectionId);
  }

  async removeSaved(id: string): Promise<void> {
    await this.savedQueries.remove(id);
  }

  dispose(): void {
    this.savedSub.dispose();
    this.emitter.dispose();
  }
}

export type HistoryNode = { type: 'savedGroup' } | { type: 'saved'; query: SavedQuery } | { type: 'entry'; entry: HistoryEntry };

const STATUS_ICON: Record<HistoryEntry['status'], [string, string | undefined]> = {
  ok: ['pass', 'testing.iconPassed'],
  error: ['error', 'errorForeground'],
  cancelled: ['circle-slash', undefined],
  refused: ['lock', 'problemsWarningIcon.foreground'],
};

export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(
    private readonly store: HistoryStore,
    private readonly connectionName: (id: string) => string | undefined,
  ) {
    this.onDidChangeTreeData = store.onDidChange;
  }

  getChildren(n?: HistoryNode): HistoryNode[] {
    if (!n) {
      const entries = this.store.entries().map((entry) => ({ type: 'entry', entry }) as HistoryNode);
      return this.store.saved().length ? [{ type: 'savedGroup' }, ...entries] : entries;
    }
    if (n.type === 'savedGroup') return this.store.saved().map((query) => ({ type: 'saved', query }));
    return [];
  }

  getTreeItem(n: HistoryNode): vscode.TreeItem {
    if (n.type === 'savedGroup') {
      const item = new vscode.TreeItem('Saved queries', vscode.TreeItemCollapsibleState.Expanded);
      item.id = 'saved';
      item.iconPath = new vscode.ThemeIcon('bookmark');
      item.contextValue = 'iopsdata.savedGroup';
      return item;
    }
    if (n.type === 'saved') {
      const q = n.query;
      const item = new vscode.TreeItem(q.name, vscode.TreeItemCollapsibleState.None);
      item.id = `saved:${q.id}`;
      item.description = (q.connectionId ? this.connectionName(q.connectionId) ?? q.connectionId : undefined) ?? q.connectionName;
      item.tooltip = new vscode.MarkdownString().appendCodeblock(q.sql, 'sql');
      item.iconPath = new vscode.ThemeIcon('bookmark');
      item.contextValue = 'iopsdata.savedQuery';
      item.command = { command: 'iopsdata.history.open', title: 'Open', arguments: [n] };
      return item;
    }
    const e = n.entry;
    const item = new vscode.TreeItem(sqlLabel(e.sql), vscode.TreeItemCollapsibleState.None);
    item.id = `h:${e.id}`;
    item.description = `${describeEntry(e)} · ${new Date(e.startedAt).toLocaleTimeString()}`;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${e.status.toUpperCase()}** on ${e.connectionName} — ${new Date(e.startedAt).toLocaleString()}, ${formatDuration(e.durationMs)}`);
    if (e.rows !== undefined) md.appendMarkdown(`, ${e.rows.toLocaleString()} row(s)`);
    if (e.error) md.appendText(`\n\n${e.error}`);
    md.appendCodeblock(e.sql.length > 2000 ? `${e.sql.slice(0, 2000)}…` : e.sql, 'sql');
    item.tooltip = md;
    const [icon, color] = STATUS_ICON[e.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = 'iopsdata.historyEntry';
    item.command = { command: 'iopsdata.history.open', title: 'Open', arguments: [n] };
    return item;
  }
}
