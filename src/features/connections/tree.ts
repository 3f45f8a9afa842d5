/**
 * The Connections tree: connection → schema → table/view → column, loaded lazily (a level is queried only when
 * expanded) and cached until refresh. Table nodes ARE TableNodeRef objects, so commands contributed on them (e.g.
 * iopsdata.profile.table) receive the documented argument directly.
 */
import * as vscode from 'vscode';
import type { CatalogColumn, CatalogSchema, CatalogTable } from '../../core/connections/types';
import { describeFile, queryFileSql } from '../../core/connections/dataFiles';
import { describeDefinition, WORKSPACE_FILES_ID } from '../../core/run/connectionDefinitions';
import { userMessage } from '../../core/errors';
import type { TableNodeRef } from './api';
import type { ConnectionPool } from './pool';
import type { ConnectionStore, StoredDefinition } from './store';
import { formatBytes, MAX_LISTED_FILES, type DataFile, type WorkspaceDataFiles } from './workspaceFiles';

export interface ConnectionNode {
  type: 'connection';
  id: string;
  definition: StoredDefinition;
}
export interface SchemaNode {
  type: 'schema';
  connectionId: string;
  schema: CatalogSchema;
}
export interface TableNode extends TableNodeRef {
  type: 'table';
  catalog: CatalogTable;
}
/** A data file under the built-in Workspace files connection; its columns come from DuckDB's DESCRIBE. */
export interface FileNode extends DataFile {
  type: 'file';
  connectionId: string;
}
export interface ColumnNode {
  type: 'column';
  connectionId: string;
  table: TableNode | FileNode;
  column: CatalogColumn;
}
export interface MessageNode {
  type: 'message';
  key: string;
  text: string;
  error?: boolean;
  command?: vscode.Command;
}
export type ConnectionsTreeNode = ConnectionNode | SchemaNode | TableNode | FileNode | ColumnNode | MessageNode;

export function formatEstimate(n: number | undefined): string | undefined {
  if (n === undefined || !Number.isFinite(n) || n < 0) return undefined;
  if (n < 1000) return `~${n} rows`;
  if (n < 1e6) return `~${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k rows`;
  if (n < 1e9) return `~${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M rows`;
  return `~${(n / 1e9).toFixed(1)}B rows`;
}

function nodeKey(n: ConnectionsTreeNode): string {
  switch (n.type) {
    case 'connection':
      return `c:${n.id}`;
    case 'schema':
      return `s:${n.connectionId}:${n.schema.database ?? ''}.${n.schema.name}`;
    case 'table':
      return `t:${n.connectionId}:${n.database ?? ''}.${n.schema}.${n.table}`;
    case 'file':
      return `f:${n.connectionId}:${n.uri.toString()}`;
    case 'column':
      return `${nodeKey(n.table)}:${n.column.name}`;
    case 'message':
      return `m:${n.key}`;
  }
}

export class ConnectionsTreeProvider implements vscode.TreeDataProvider<ConnectionsTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ConnectionsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly cache = new Map<string, Promise<ConnectionsTreeNode[]>>();
  private filterText = '';
  /** Connections that failed to open, so their icon shows the error until refreshed. */
  private readonly failed = new Map<string, string>();

  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: ConnectionStore,
    private readonly pool: ConnectionPool,
    private readonly dataFiles: WorkspaceDataFiles,
  ) {
    this.disposables.push(
      dataFiles.onDidChangeList(() => this.refreshFiles()),
      dataFiles.onDidChangeFile((uri) => {
        // Only a file whose columns were read needs them read again.
        if (this.cache.delete(`f:${WORKSPACE_FILES_ID}:${uri.toString()}`)) this.emitter.fire(undefined);
      }),
    );
  }

  /** Lists the workspace's data files again (keeps the connection itself open). */
  refreshFiles(): void {
    this.cache.delete(`c:${WORKSPACE_FILES_ID}`);
    this.emitter.fire(undefined);
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    // The file list is capped: search again so a matching file past the cap is found (tables filter in memory).
    this.cache.delete(`c:${WORKSPACE_FILES_ID}`);
    this.emitter.fire(undefined);
  }

  /** Forgets loaded children (all, or one connection's) and redraws. */
  refresh(connectionId?: string): void {
    if (connectionId) {
      for (const k of [...this.cache.keys()]) if (k.startsWith(`c:${connectionId}`) || k.split(':')[1] === connectionId) this.cache.delete(k);
      this.failed.delete(connectionId);
    } else {
      this.cache.clear();
      this.failed.clear();
    }
    this.emitter.fire(undefined);
  }

  getTreeItem(n: ConnectionsTreeNode): vscode.TreeItem {
    switch (n.type) {
      case 'connection': {
        const d = n.definition;
        const item = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeKey(n);
        const error = this.failed.get(d.id);
        item.description = `${describeDefinition(d).split(' · ')[0]}${d.allowWrites ? ' · writes allowed' : ' · read-only'}`;
        item.iconPath = error
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
          : new vscode.ThemeIcon(d.id === WORKSPACE_FILES_ID ? 'files' : 'database');
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${escapeMd(d.name)}**\n\n`);
        md.appendMarkdown(`${escapeMd(describeDefinition(d))}\n`);
        md.appendMarkdown(`\n${d.allowWrites ? '⚠️ Writes allowed (each write asks for confirmation)' : '🔒 Read-only'}`);
        if (d.scope !== 'builtIn') md.appendMarkdown(` · defined in ${d.scope} settings`);
        if (d.id === WORKSPACE_FILES_ID) md.appendMarkdown("\n\nQuery workspace files by path: `SELECT * FROM 'data/orders.csv'`");
        if (error) md.appendMarkdown(`\n\nLast error: ${escapeMd(error)}`);
        item.tooltip = md;
        item.contextValue = d.id === WORKSPACE_FILES_ID ? 'iopsdata.connection.builtIn' : d.allowWrites ? 'iopsdata.connection.writable' : 'iopsdata.connection';
        return item;
      }
      case 'schema': {
        const item = new vscode.TreeItem(n.schema.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeKey(n);
        item.description = n.schema.database;
        item.iconPath = new vscode.ThemeIcon('symbol-namespace');
        item.contextValue = 'iopsdata.schema';
        item.tooltip = n.schema.database ? `${n.schema.database}.${n.schema.name}` : n.schema.name;
        return item;
      }
      case 'table': {
        const t = n.catalog;
        const item = new vscode.TreeItem(t.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeKey(n);
        item.iconPath = new vscode.ThemeIcon(t.kind === 'view' ? 'eye' : 'table');
        const estimate = formatEstimate(t.rowEstimate);
        item.description = [t.kind === 'view' ? 'view' : undefined, estimate].filter(Boolean).join(' · ');
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${escapeMd(t.schema)}.${escapeMd(t.name)}** (${t.kind})`);
        if (estimate) md.appendMarkdown(`\n\n${escapeMd(estimate.replace('~', 'About '))} (estimate)`);
        if (t.comment) md.appendMarkdown(`\n\n${escapeMd(t.comment)}`);
        item.tooltip = md;
        item.contextValue = t.kind === 'view' ? 'iopsdata.view' : 'iopsdata.table';
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(n.uri.path.split('/').pop() ?? n.relative, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeKey(n);
        item.resourceUri = n.uri;
        item.iconPath = vscode.ThemeIcon.File;
        const dir = n.relative.includes('/') ? n.relative.slice(0, n.relative.lastIndexOf('/')) : '';
        item.description = [dir, formatBytes(n.size)].filter(Boolean).join(' · ');
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${escapeMd(n.relative)}**${n.size === undefined ? '' : ` · ${escapeMd(formatBytes(n.size) ?? '')}`}\n\n`);
        md.appendCodeblock(queryFileSql(n.sqlPath).trim(), 'sql');
        item.tooltip = md;
        item.contextValue = 'iopsdata.dataFile';
        return item;
      }
      case 'column': {
        const c = n.column;
        const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
        item.id = nodeKey(n);
        item.iconPath = new vscode.ThemeIcon(c.primaryKey ? 'key' : 'symbol-field');
        item.description = [c.type, c.primaryKey ? 'PK' : undefined, c.nullable ? undefined : 'not null'].filter(Boolean).join(' · ');
        item.tooltip = [`${c.name}: ${c.type}`, c.primaryKey ? 'Primary key' : '', c.nullable ? 'Nullable' : 'NOT NULL', c.comment ?? ''].filter(Boolean).join('\n');
        item.contextValue = 'iopsdata.column';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(n.text, vscode.TreeItemCollapsibleState.None);
        item.id = nodeKey(n);
        item.iconPath = n.error ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('info');
        item.tooltip = n.text;
        item.command = n.command;
        item.contextValue = 'iopsdata.message';
        return item;
      }
    }
  }

  getChildren(n?: ConnectionsTreeNode): vscode.ProviderResult<ConnectionsTreeNode[]> {
    if (!n) return this.store.list().map((definition) => ({ type: 'connection', id: definition.id, definition }) as ConnectionNode);
    if (n.type === 'column' || n.type === 'message') return [];
    const key = nodeKey(n);
    let p = this.cache.get(key);
    if (!p) {
      p = this.load(n);
      this.cache.set(key, p);
    }
    return p.then((children) => this.applyFilter(n, children));
  }

  private applyFilter(parent: ConnectionsTreeNode, children: ConnectionsTreeNode[]): ConnectionsTreeNode[] {
    const files = parent.type === 'connection' && parent.id === WORKSPACE_FILES_ID;
    if (!this.filterText || (parent.type !== 'schema' && !files)) return children;
    const f = this.filterText.toLowerCase();
    const kept = children.filter((c) => (c.type === 'table' ? c.table.toLowerCase().includes(f) : c.type === 'file' ? c.relative.toLowerCase().includes(f) : !files));
    return kept.length ? kept : [{ type: 'message', key: `${nodeKey(parent)}:nomatch`, text: `No ${files ? 'files' : 'tables'} match “${this.filterText}”` }];
  }

  /** The Workspace files connection lists files, not schemas: its in-memory database has no tables of its own. */
  private async loadFiles(): Promise<ConnectionsTreeNode[]> {
    if (!vscode.workspace.workspaceFolders?.length) return [{ type: 'message', key: 'files:nofolder', text: 'Open a folder to list its CSV, Parquet and JSON files' }];
    const { files, capped } = await this.dataFiles.list(undefined, this.filterText);
    const nodes: ConnectionsTreeNode[] = files.map((f) => ({ type: 'file', connectionId: WORKSPACE_FILES_ID, ...f }));
    if (!files.length) nodes.push({ type: 'message', key: 'files:none', text: "No CSV, Parquet or JSON files — query any file by path, e.g. SELECT * FROM 'data.csv'" });
    if (capped) nodes.push({ type: 'message', key: 'files:capped', text: `Showing the first ${MAX_LISTED_FILES} data files; query others by path` });
    return nodes;
  }

  private async load(n: ConnectionNode | SchemaNode | TableNode | FileNode): Promise<ConnectionsTreeNode[]> {
    const connectionId = n.type === 'connection' ? n.id : n.connectionId;
    try {
      if (n.type === 'connection' && n.id === WORKSPACE_FILES_ID) return await this.loadFiles();
      const conn = await this.pool.get(connectionId);
      if (n.type === 'file') {
        const columns = await describeFile(conn, n.uri.fsPath);
        return columns.map((column) => ({ type: 'column', connectionId, table: n, column }));
      }
      if (n.type === 'connection') {
        const schemas = await conn.listSchemas();
        this.failed.delete(connectionId);
        if (!schemas.length) return [{ type: 'message', key: `${connectionId}:noschemas`, text: 'No schemas' }];
        return schemas.map((schema) => ({ type: 'schema', connectionId, schema }));
      }
      if (n.type === 'schema') {
        const tables = await conn.listTables(n.schema);
        if (!tables.length) {
          const hint = connectionId === WORKSPACE_FILES_ID ? " — query files by path, e.g. SELECT * FROM 'data.csv'" : '';
          return [{ type: 'message', key: `${nodeKey(n)}:empty`, text: `No tables${hint}` }];
        }
        return tables.map((t) => ({
          type: 'table',
          connectionId,
          database: t.database ?? n.schema.database,
          schema: t.schema,
          table: t.name,
          kind: t.kind,
          catalog: t,
        }));
      }
      const columns = n.catalog.columns ?? (await conn.listColumns(n.catalog));
      return columns.map((column) => ({ type: 'column', connectionId, table: n, column }));
    } catch (err) {
      const message = userMessage(err);
      // The error stays cached (no retry loop when the tree redraws); Reconnect/Refresh clears it.
      if (n.type === 'connection' && !this.failed.has(connectionId)) {
        this.failed.set(connectionId, message);
        setTimeout(() => this.emitter.fire(undefined), 0);
      }
      return [
        {
          type: 'message',
          key: `${nodeKey(n)}:error:${Date.now()}`,
          text: message,
          error: true,
          // A file DuckDB cannot read is not fixed by reconnecting; opening it shows what is wrong.
          command:
            n.type === 'file'
              ? { command: 'vscode.open', title: 'Open File', arguments: [n.uri] }
              : { command: 'iopsdata.connections.reconnect', title: 'Reconnect', arguments: [connectionId] },
        },
      ];
    }
  }

  getParent(n: ConnectionsTreeNode): ConnectionsTreeNode | undefined {
    if (n.type === 'column') return n.table;
    return undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
