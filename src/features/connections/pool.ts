/**
 * Live connections, opened on first use and kept until their definition changes, they are removed, or the user
 * reconnects. Adapters load lazily (openConnection requires pg/DuckDB/Snowflake only when one opens), so activation
 * stays fast.
 */
import * as vscode from 'vscode';
import type { Connection } from '../../core/connections/types';
import { toConnectionConfig } from '../../core/run/connectionDefinitions';
import type { ConnectionStore, StoredDefinition } from './store';

export class ConnectionPool implements vscode.Disposable {
  private readonly live = new Map<string, { key: string; connection: Promise<Connection> }>();

  constructor(
    private readonly store: ConnectionStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private timeoutMs(): number {
    const s = vscode.workspace.getConfiguration('iopsdata').get<number>('query.timeoutSeconds', 300);
    return Math.max(0, Number(s) || 0) * 1000;
  }

  private workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  /** A fingerprint of what the connection was opened with; a change means "reopen". */
  private keyOf(def: StoredDefinition): string {
    const { scope: _scope, ...rest } = def;
    return JSON.stringify([rest, this.timeoutMs(), this.workspaceFolders()]);
  }

  async get(id: string): Promise<Connection> {
    const def = this.store.get(id);
    if (!def) throw new Error(`No connection with id '${id}'. It may have been removed; pick another connection.`);
    const key = this.keyOf(def);
    const existing = this.live.get(id);
    if (existing && existing.key === key) return existing.connection;
    if (existing) void this.closeEntry(id, existing.connection);
    const connection = this.open(def);
    this.live.set(id, { key, connection });
    connection.catch(() => {
      // A failed open is not cached: the next attempt tries again (e.g. after fixing the password).
      if (this.live.get(id)?.connection === connection) this.live.delete(id);
    });
    return connection;
  }

  /** Opens a fresh connection that is not kept (Test Connection). */
  async openUncached(def: StoredDefinition): Promise<Connection> {
    return this.open(def);
  }

  private async open(def: StoredDefinition): Promise<Connection> {
    const folders = this.workspaceFolders();
    const config = toConnectionConfig(def, { workspaceRoot: folders[0], workspaceFolders: folders, statementTimeoutMs: this.timeoutMs() });
    const secrets = await this.store.readSecrets(def.id);
    const { openConnection } = require('../../core/connections/open') as typeof import('../../core/connections/open');
    this.log.info(`Opening connection '${def.name}' (${def.kind}${def.allowWrites ? ', writes allowed' : ', read-only'})`);
    return openConnection(config, secrets, this.log);
  }

  /** Closes the live connection so the next use reconnects (after a dropped connection or a settings change). */
  async reconnect(id: string): Promise<void> {
    const existing = this.live.get(id);
    this.live.delete(id);
    if (existing) await this.closeEntry(id, existing.connection);
  }

  private async closeEntry(id: string, connection: Promise<Connection>): Promise<void> {
    try {
      await (await connection).close();
    } catch (err) {
      this.log.debug(`closing connection ${id}: ${String(err)}`);
    }
  }

  /** Drops connections whose definitions disappeared. */
  prune(): void {
    for (const [id, entry] of this.live) {
      if (!this.store.get(id)) {
        this.live.delete(id);
        void this.closeEntry(id, entry.connection);
      }
    }
  }

  dispose(): void {
    for (const [id, entry] of this.live) void this.closeEntry(id, entry.connection);
    this.live.clear();
  }
}
