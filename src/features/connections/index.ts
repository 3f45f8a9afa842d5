/**
 * The Connections feature: definitions in settings + secrets in SecretStorage, the Connections tree, the guided
 * add/edit form, test/remove/reconnect, the "Allow writes" switch, and the active connection per editor.
 * Commands accept arguments (and return values) so integration tests and other features can drive them.
 */
import * as vscode from 'vscode';
import type { FeatureContext } from '../context';
import { commandHelpers } from '../commands';
import type { ConnectionsApi } from './api';
import { ConnectionStore, type DefinitionScope } from './store';
import { ConnectionPool } from './pool';
import { ConnectionsTreeProvider, type ConnectionsTreeNode, type FileNode } from './tree';
import { WorkspaceDataFiles } from './workspaceFiles';
import { queryFileSql, sqlPathFor } from '../../core/connections/dataFiles';
import { ActiveConnections } from './activeConnection';
import { connectionForm, type FormUi } from './form';
import { scriptedFormUi } from './scriptedForm';
import { describeDefinition, validateDefinition, slugId, WORKSPACE_FILES_ID, type SecretName } from '../../core/run/connectionDefinitions';
import { userMessage } from '../../core/errors';

export type { ConnectionsApi } from './api';

/** What the add command accepts from tests/other features: a definition plus optional secrets and scope. */
export interface AddConnectionArgs {
  id?: string;
  name: string;
  kind: string;
  scope?: DefinitionScope;
  password?: string;
  privateKey?: string;
  privateKeyPassphrase?: string;
  sshPrivateKey?: string;
  sshPassphrase?: string;
  [field: string]: unknown;
}

function idFrom(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object') {
    const a = arg as { type?: string; id?: string; connectionId?: string };
    if (a.type === 'connection' && a.id) return a.id;
    return a.connectionId ?? a.id;
  }
  return undefined;
}

export function registerConnections(fc: FeatureContext): ConnectionsApi {
  const { extension, log } = fc;
  const store = new ConnectionStore(extension.secrets, log);
  const pool = new ConnectionPool(store, log);
  const dataFiles = new WorkspaceDataFiles();
  const tree = new ConnectionsTreeProvider(store, pool, dataFiles);
  const active = new ActiveConnections(extension.workspaceState, store);
  const changed = new vscode.EventEmitter<void>();
  const view = vscode.window.createTreeView('iopsdata.connections', { treeDataProvider: tree, showCollapseAll: true });

  const takenIds = () => new Set(store.list().map((d) => d.id));

  const pickConnection = async (placeHolder = 'Choose a connection'): Promise<string | undefined> => {
    const current = active.get(vscode.window.activeTextEditor?.document.uri);
    const items = store.list().map((d) => ({
      label: `${d.id === current ? '$(check) ' : ''}${d.name}`,
      description: describeDefinition(d),
      detail: d.allowWrites ? 'Writes allowed (confirmed each time)' : 'Read-only',
      id: d.id,
    }));
    const addItem = { label: '$(add) Add connection…', description: '', detail: undefined, id: '__add__' };
    const chosen = await vscode.window.showQuickPick([...items, addItem], { placeHolder, matchOnDescription: true });
    if (!chosen) return undefined;
    if (chosen.id === '__add__') return (await vscode.commands.executeCommand<string | undefined>('iopsdata.connections.add')) ?? undefined;
    return chosen.id;
  };

  const requireId = async (arg: unknown, placeHolder: string): Promise<string | undefined> => idFrom(arg) ?? (await pickConnection(placeHolder));

  const testConnection = async (id: string, quiet = false): Promise<{ ok: boolean; message: string; elapsedMs: number }> => {
    const def = store.get(id);
    if (!def) return { ok: false, message: `No connection with id '${id}'.`, elapsedMs: 0 };
    const started = performance.now();
    const run = async () => {
      const conn = await pool.openUncached(def);
      try {
        await conn.query('SELECT 1', { timeoutMs: 15_000 });
      } finally {
        await conn.close().catch(() => undefined);
      }
    };
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Testing '${def.name}'…` }, run);
      const elapsedMs = Math.round(performance.now() - started);
      const message = `Connected to '${def.name}' in ${elapsedMs} ms.`;
      if (!quiet) void vscode.window.showInformationMessage(message);
      return { ok: true, message, elapsedMs };
    } catch (err) {
      const message = `Could not connect to '${def.name}': ${userMessage(err)}`;
      log.warn(message);
      if (!quiet) void vscode.window.showErrorMessage(message);
      return { ok: false, message, elapsedMs: Math.round(performance.now() - started) };
    }
  };

  const addConnection = async (arg?: AddConnectionArgs, ui: FormUi = vscode.window): Promise<string | undefined> => {
    if (arg && typeof arg === 'object' && typeof arg.kind === 'string') {
      // Programmatic add (tests, other features): secrets are split off before validation.
      const { password, privateKey, privateKeyPassphrase, sshPrivateKey, sshPassphrase, scope, ...fields } = arg;
      const id = typeof fields.id === 'string' ? fields.id : slugId(String(fields.name ?? ''), takenIds());
      const definition = validateDefinition({ ...fields, id });
      const secrets: Partial<Record<SecretName, string>> = { password, privateKey, privateKeyPassphrase, sshPrivateKey, sshPassphrase };
      await store.save(definition, scope ?? (vscode.workspace.workspaceFolders?.length ? 'workspace' : 'user'), secrets);
      await pool.reconnect(definition.id);
      tree.refresh(definition.id);
      return definition.id;
    }
    const result = await connectionForm(undefined, takenIds(), undefined, ui);
    if (!result) return undefined;
    await store.save(result.definition, result.scope, result.secrets);
    tree.refresh();
    // Not awaited: a notification stays until dismissed, and the command returns the new id now.
    void vscode.window.showInformationMessage(`Saved connection '${result.definition.name}' (read-only).`, 'Test Connection').then((test) => {
      if (test) void testConnection(result.definition.id);
    });
    return result.definition.id;
  };

  const { register, guard } = commandHelpers(fc);

  register('iopsdata.connections.add', guard((arg?: AddConnectionArgs) => addConnection(arg)));
  if (extension.extensionMode === vscode.ExtensionMode.Test) {
    // Extension tests drive the real guided form with scripted answers (a quick input cannot be typed into from a test).
    register(
      'iopsdata.connections.addWithFormForTests',
      guard(async (answers: string[]) => {
        const { ui, steps } = scriptedFormUi(answers);
        return { id: await addConnection(undefined, ui), steps };
      }),
    );
  }
  register(
    'iopsdata.connections.edit',
    guard(async (arg?: unknown) => {
      const id = await requireId(arg, 'Edit which connection?');
      if (!id) return undefined;
      const def = store.get(id);
      if (!def || def.scope === 'builtIn') throw new Error('The built-in Workspace files connection cannot be edited.');
      const result = await connectionForm(def, takenIds(), def.scope);
      if (!result) return undefined;
      await store.save(result.definition, result.scope, result.secrets);
      await pool.reconnect(id);
      tree.refresh(id);
      return id;
    }),
  );
  register(
    'iopsdata.connections.remove',
    guard(async (arg?: unknown, options?: { confirm?: boolean }) => {
      const id = await requireId(arg, 'Remove which connection?');
      if (!id) return false;
      const def = store.get(id);
      if (!def) return false;
      if (id === WORKSPACE_FILES_ID) throw new Error('The built-in Workspace files connection cannot be removed.');
      if (options?.confirm !== false) {
        const ok = await vscode.window.showWarningMessage(`Remove connection '${def.name}'? Its stored password/keys are deleted too.`, { modal: true }, 'Remove');
        if (ok !== 'Remove') return false;
      }
      await pool.reconnect(id);
      await store.remove(id);
      tree.refresh();
      return true;
    }),
  );
  register(
    'iopsdata.connections.test',
    guard(async (arg?: unknown, options?: { quiet?: boolean }) => {
      const id = await requireId(arg, 'Test which connection?');
      return id ? testConnection(id, options?.quiet) : undefined;
    }),
  );
  register('iopsdata.connections.refresh', (arg?: unknown) => {
    const id = idFrom(arg);
    if (id) void pool.reconnect(id);
    tree.refresh(id);
  });
  register(
    'iopsdata.connections.reconnect',
    guard(async (arg?: unknown) => {
      const id = await requireId(arg, 'Reconnect which connection?');
      if (!id) return;
      await pool.reconnect(id);
      tree.refresh(id);
    }),
  );
  register(
    'iopsdata.connections.filter',
    guard(async (text?: unknown) => {
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({ prompt: 'Show tables whose name contains… (empty to clear)', value: tree.filter, placeHolder: 'orders' });
      if (value === undefined) return;
      tree.setFilter(value);
      view.description = tree.filter ? `filter: ${tree.filter}` : undefined;
      await vscode.commands.executeCommand('setContext', 'iopsdata.connections.filtered', !!tree.filter);
    }),
  );
  register('iopsdata.connections.clearFilter', () => vscode.commands.executeCommand('iopsdata.connections.filter', ''));
  const setWrites = (allow: boolean) =>
    guard(async (arg?: unknown, options?: { confirm?: boolean }) => {
      const id = await requireId(arg, allow ? 'Allow writes on which connection?' : 'Make which connection read-only?');
      if (!id) return false;
      const def = store.get(id);
      if (!def || def.scope === 'builtIn') throw new Error('The built-in Workspace files connection is always read-only.');
      if (allow && options?.confirm !== false) {
        const ok = await vscode.window.showWarningMessage(
          `Allow writes on '${def.name}'? Statements that change data will still ask for confirmation each time.`,
          { modal: true },
          'Allow Writes',
        );
        if (ok !== 'Allow Writes') return false;
      }
      const { scope, ...definition } = def;
      await store.save({ ...definition, allowWrites: allow }, scope);
      await pool.reconnect(id);
      tree.refresh(id);
      active.update();
      return true;
    });
  register('iopsdata.connections.allowWrites', setWrites(true));
  register('iopsdata.connections.makeReadOnly', setWrites(false));
  register(
    'iopsdata.connections.selectForEditor',
    guard(async (uriArg?: unknown, idArg?: unknown) => {
      const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.window.activeTextEditor?.document.uri;
      const id = typeof idArg === 'string' ? idArg : await pickConnection('Run SQL in this editor on…');
      if (!id) return undefined;
      if (!store.get(id)) throw new Error(`No connection with id '${id}'.`);
      await active.set(uri, id);
      return id;
    }),
  );
  register(
    'iopsdata.connections.newQuery',
    guard(async (arg?: unknown) => {
      const id = idFrom(arg) ?? active.get();
      const table = arg && typeof arg === 'object' && (arg as { type?: string }).type === 'table' ? (arg as { schema: string; table: string }) : undefined;
      const content = table ? `SELECT *\nFROM ${table.schema}.${table.table}\nLIMIT 100;\n` : '-- Ctrl/Cmd+Enter runs the statement under the cursor\n';
      const doc = await vscode.workspace.openTextDocument({ language: 'sql', content });
      await active.set(doc.uri, id);
      await vscode.window.showTextDocument(doc);
      return doc.uri.toString();
    }),
  );
  // Data file nodes of the Workspace files connection (a Uri works too, e.g. from other features).
  const fileArg = (arg: unknown): { uri: vscode.Uri; sqlPath: string } | undefined => {
    if (arg instanceof vscode.Uri) return { uri: arg, sqlPath: sqlPathFor(arg.fsPath, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath) };
    const n = arg as Partial<FileNode> | undefined;
    return n?.type === 'file' && n.uri && n.sqlPath ? { uri: n.uri, sqlPath: n.sqlPath } : undefined;
  };
  register(
    'iopsdata.connections.profileFile',
    guard(async (arg?: unknown) => {
      const file = fileArg(arg);
      if (!file) throw new Error('Use Profile File on a data file under Workspace files in the Connections view.');
      return vscode.commands.executeCommand('iopsdata.profile.file', file.uri);
    }),
  );
  register(
    'iopsdata.connections.queryFile',
    guard(async (arg?: unknown) => {
      const file = fileArg(arg);
      if (!file) throw new Error('Use Query File on a data file under Workspace files in the Connections view.');
      const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: `-- Runs on the Workspace files (DuckDB) connection\n${queryFileSql(file.sqlPath)}` });
      await active.set(doc.uri, WORKSPACE_FILES_ID);
      await vscode.window.showTextDocument(doc);
      return doc.uri.toString();
    }),
  );
  // Internal: integration tests read the tree through its provider.
  register('iopsdata.connections.treeForTests', () => tree);

  extension.subscriptions.push(
    store,
    pool,
    tree,
    dataFiles,
    active,
    view,
    changed,
    store.onDidChange(() => {
      pool.prune();
      tree.refresh();
      changed.fire();
    }),
    active.onDidChange(() => changed.fire()),
  );

  return {
    list: () => store.list().map((d) => ({ id: d.id, name: d.name, kind: d.kind, allowWrites: d.allowWrites === true, builtIn: d.scope === 'builtIn' || undefined })),
    getConnection: (id) => pool.get(id),
    activeConnectionId: (uri) => active.get(uri),
    pickConnection,
    onDidChange: changed.event,
    setActiveConnection: (uri, id) => active.set(uri, id),
    reconnect: async (id) => {
      await pool.reconnect(id);
      tree.refresh(id);
    },
    treeDataProvider: tree as vscode.TreeDataProvider<unknown>,
  };
}

export type { ConnectionsTreeNode };
