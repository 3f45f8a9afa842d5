import type * as vscode from 'vscode';
import type { Connection, ConnectionKind } from '../../core/connections/types';

/** A saved connection as other features see it (never contains secrets). */
export interface ConnectionSummary {
  id: string;
  name: string;
  kind: ConnectionKind;
  allowWrites: boolean;
  /** True for the built-in "Workspace files" DuckDB connection. */
  builtIn?: boolean;
}

/** The argument VS Code passes to commands invoked on a table node of the Connections tree. */
export interface TableNodeRef {
  connectionId: string;
  database?: string;
  schema: string;
  table: string;
  kind: 'table' | 'view';
}

/** What other features may ask of the connections feature. */
export interface ConnectionsApi {
  list(): ConnectionSummary[];
  /** Opens (or reuses) the live connection; secrets are read from SecretStorage here and nowhere else. */
  getConnection(id: string): Promise<Connection>;
  /** The connection chosen for this editor (status bar), else the last used, else the Workspace files connection. */
  activeConnectionId(uri?: vscode.Uri): string;
  /** Quick pick; undefined when the user dismissed it. */
  pickConnection(placeHolder?: string): Promise<string | undefined>;
  readonly onDidChange: vscode.Event<void>;
  /** Remembers `id` as the connection for the document (and as the last used one). */
  setActiveConnection(uri: vscode.Uri | undefined, id: string): Promise<void>;
  /** Closes the live connection so the next use opens a new one (after a dropped connection). */
  reconnect(id: string): Promise<void>;
  /** The Connections tree's data provider (integration tests inspect its items). */
  readonly treeDataProvider: vscode.TreeDataProvider<unknown>;
}
