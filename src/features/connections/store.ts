/**
 * Connection definitions (the `iopsdata.connections` setting, user and workspace scopes merged) and their secrets
 * (SecretStorage only). The built-in "Workspace files" connection is always first and cannot be edited or removed.
 */
import * as vscode from 'vscode';
import {
  parseDefinitions,
  SECRET_NAMES,
  secretKey,
  validateDefinition,
  workspaceFilesDefinition,
  WORKSPACE_FILES_ID,
  type ConnectionDefinition,
  type SecretName,
} from '../../core/run/connectionDefinitions';
import type { ConnectionSecrets } from '../../core/connections/config';

const SECTION = 'iopsdata';
const KEY = 'connections';

export type DefinitionScope = 'user' | 'workspace';

export interface StoredDefinition extends ConnectionDefinition {
  scope: DefinitionScope | 'builtIn';
}

export class ConnectionStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private reportedProblems = new Set<string>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.${KEY}`)) this.emitter.fire();
      }),
    );
  }

  /** All definitions: the built-in one, then user, then workspace (a workspace entry wins over a user one with the same id). */
  list(): StoredDefinition[] {
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(KEY);
    const out = new Map<string, StoredDefinition>();
    out.set(WORKSPACE_FILES_ID, { ...workspaceFilesDefinition(), scope: 'builtIn' });
    const scopes: [DefinitionScope, unknown][] = [
      ['user', inspected?.globalValue],
      ['workspace', inspected?.workspaceValue],
    ];
    for (const [scope, raw] of scopes) {
      const { definitions, problems } = parseDefinitions(raw);
      for (const p of problems) this.reportProblem(`iopsdata.connections (${scope} settings): ${p}`);
      for (const d of definitions) out.set(d.id, { ...d, scope });
    }
    return [...out.values()];
  }

  get(id: string): StoredDefinition | undefined {
    return this.list().find((d) => d.id === id);
  }

  private reportProblem(message: string): void {
    if (this.reportedProblems.has(message)) return;
    this.reportedProblems.add(message);
    this.log.warn(message);
    void vscode.window.showWarningMessage(message);
  }

  private target(scope: DefinitionScope): vscode.ConfigurationTarget {
    return scope === 'workspace' && vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  }

  private raw(scope: DefinitionScope): unknown[] {
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(KEY);
    const v = scope === 'workspace' ? inspected?.workspaceValue : inspected?.globalValue;
    return Array.isArray(v) ? [...v] : [];
  }

  /** Adds or replaces a definition in a scope, then stores its secrets (undefined = leave as is, '' = delete). */
  async save(def: ConnectionDefinition, scope: DefinitionScope, secrets: Partial<Record<SecretName, string>> = {}): Promise<void> {
    if (def.id === WORKSPACE_FILES_ID) throw new Error('The built-in Workspace files connection cannot be changed.');
    const clean = validateDefinition(def);
    // Secrets first: a definition that appears before its password would fail its first connect.
    for (const [name, value] of Object.entries(secrets) as [SecretName, string | undefined][]) {
      if (value === undefined) continue;
      if (value === '') await this.secrets.delete(secretKey(clean.id, name));
      else await this.secrets.store(secretKey(clean.id, name), value);
    }
    const other: DefinitionScope = scope === 'workspace' ? 'user' : 'workspace';
    // Moving between scopes: drop it from the other one so it is not defined twice.
    const inOther = this.raw(other);
    if (inOther.some((d) => (d as { id?: unknown })?.id === clean.id)) {
      await vscode.workspace.getConfiguration(SECTION).update(KEY, inOther.filter((d) => (d as { id?: unknown })?.id !== clean.id), this.target(other));
    }
    const list = this.raw(scope);
    const i = list.findIndex((d) => (d as { id?: unknown })?.id === clean.id);
    if (i >= 0) list[i] = clean;
    else list.push(clean);
    await vscode.workspace.getConfiguration(SECTION).update(KEY, list, this.target(scope));
  }

  async remove(id: string): Promise<void> {
    if (id === WORKSPACE_FILES_ID) throw new Error('The built-in Workspace files connection cannot be removed.');
    for (const scope of ['user', 'workspace'] as const) {
      const list = this.raw(scope);
      const kept = list.filter((d) => (d as { id?: unknown })?.id !== id);
      if (kept.length !== list.length) await vscode.workspace.getConfiguration(SECTION).update(KEY, kept.length ? kept : undefined, this.target(scope));
    }
    for (const name of SECRET_NAMES) await this.secrets.delete(secretKey(id, name));
  }

  async readSecrets(id: string): Promise<ConnectionSecrets> {
    const values = await Promise.all(SECRET_NAMES.map((name) => this.secrets.get(secretKey(id, name))));
    return Object.fromEntries(SECRET_NAMES.map((name, i) => [name, values[i]])) as ConnectionSecrets;
  }

  async hasSecret(id: string, name: SecretName): Promise<boolean> {
    return (await this.secrets.get(secretKey(id, name))) !== undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
