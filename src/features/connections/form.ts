/**
 * The guided Add/Edit Connection form: a sequence of quick picks and input boxes per kind. Passwords and keys go
 * to SecretStorage only; a pasted URL has its password split off before anything is saved.
 */
import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { slugId, splitUrlPassword, validateDefinition, type ConnectionDefinition, type SecretName } from '../../core/run/connectionDefinitions';
import type { ConnectionKind } from '../../core/connections/types';
import type { DefinitionScope } from './store';

export interface FormResult {
  definition: ConnectionDefinition;
  secrets: Partial<Record<SecretName, string>>;
  scope: DefinitionScope;
}

/** The prompts the form uses; vscode.window in production, a scripted stand-in in extension tests (scriptedForm.ts). */
export interface FormUi {
  showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  showOpenDialog(options: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
}

class Cancelled extends Error {}

function prompts(ui: FormUi) {
  return {
    ask: async (o: vscode.InputBoxOptions): Promise<string> => {
      const v = await ui.showInputBox({ ignoreFocusOut: true, ...o });
      if (v === undefined) throw new Cancelled();
      return v.trim();
    },
    pick: async <T extends vscode.QuickPickItem>(items: T[], placeHolder: string, title: string): Promise<T> => {
      const v = await ui.showQuickPick(items, { placeHolder, title, ignoreFocusOut: true });
      if (!v) throw new Cancelled();
      return v;
    },
  };
}

const required = (label: string) => (v: string) => (v.trim() ? undefined : `${label} is required.`);

/** Runs the form; undefined when the user cancelled at any step. */
export async function connectionForm(
  existing: ConnectionDefinition | undefined,
  takenIds: ReadonlySet<string>,
  existingScope?: DefinitionScope,
  ui: FormUi = vscode.window,
): Promise<FormResult | undefined> {
  try {
    return await runForm(existing, takenIds, existingScope, ui);
  } catch (err) {
    if (err instanceof Cancelled) return undefined;
    throw err;
  }
}

const portCheck = (v: string) => (/^\d{1,5}$/.test(v) && +v > 0 && +v < 65536 ? undefined : 'A port is 1–65535.');

/** PostgreSQL only: optionally reach the server through an SSH server (ssh -N -L); the key goes to secret storage. */
async function sshStep(
  def: Record<string, unknown>,
  secrets: Partial<Record<SecretName, string>>,
  existing: ConnectionDefinition | undefined,
  title: string,
  keep: string,
  ui: FormUi,
): Promise<void> {
  const { ask, pick } = prompts(ui);
  const choices = [
    { label: 'Connect directly', v: 'direct' },
    { label: 'Through an SSH tunnel', description: 'via an SSH server, with a private key (uses the system ssh)', v: 'ssh' },
  ];
  if (existing?.sshHost) choices.reverse();
  const how = (await pick(choices, 'Reach the server directly or through an SSH server?', title)).v;
  if (how === 'direct') {
    // Switching a tunnelled connection to direct: its SSH key has no use any more.
    if (existing?.sshHost) Object.assign(secrets, { sshPrivateKey: '', sshPassphrase: '' });
    return;
  }
  def.sshHost = await ask({ title, prompt: 'SSH server host', value: existing?.sshHost ?? '', validateInput: required('A host') });
  def.sshPort = Number(await ask({ title, prompt: 'SSH port', value: String(existing?.sshPort ?? 22), validateInput: portCheck }));
  def.sshUser = await ask({ title, prompt: 'SSH user', value: existing?.sshUser ?? '', validateInput: required('A user') });
  const files = await ui.showOpenDialog({ canSelectMany: false, openLabel: 'Use SSH private key', defaultUri: vscode.Uri.file(join(homedir(), '.ssh')) });
  if (files?.length) secrets.sshPrivateKey = await readFile(files[0].fsPath, 'utf8');
  else if (!existing?.sshHost) throw new Cancelled();
  const pass = await ask({ title, prompt: `SSH key passphrase${keep}`, password: true });
  if (pass) secrets.sshPassphrase = pass;
}

async function runForm(existing: ConnectionDefinition | undefined, takenIds: ReadonlySet<string>, existingScope: DefinitionScope | undefined, ui: FormUi): Promise<FormResult> {
  const { ask, pick } = prompts(ui);
  const title = existing ? `Edit connection '${existing.name}'` : 'Add connection';
  const kind: ConnectionKind =
    existing?.kind ??
    (
      await pick(
        [
          { label: '$(database) DuckDB', description: 'a database file, or in-memory', v: 'duckdb' as const },
          { label: '$(server) PostgreSQL', description: 'host/port/database, or a connection URL', v: 'postgres' as const },
          { label: '$(cloud) Snowflake', description: 'account, user, password or key pair', v: 'snowflake' as const },
        ],
        'What kind of database?',
        title,
      )
    ).v;
  const name = await ask({ title, prompt: 'Connection name', value: existing?.name ?? '', validateInput: required('A name') });
  const id = existing?.id ?? slugId(name, takenIds);
  const def: Record<string, unknown> = { id, name, kind, allowWrites: existing?.allowWrites ?? false };
  const secrets: Partial<Record<SecretName, string>> = {};
  const keep = existing ? ' (leave empty to keep the stored one)' : ' (optional)';

  if (kind === 'duckdb') {
    const choice = await pick(
      [
        { label: 'In-memory', description: 'reads files by path; nothing is kept', v: 'memory' },
        { label: 'Choose a database file…', v: 'file' },
        { label: 'Type a path…', description: 'relative paths resolve against the workspace folder', v: 'type' },
      ],
      'Which DuckDB database?',
      title,
    );
    if (choice.v === 'memory') def.path = ':memory:';
    else if (choice.v === 'file') {
      const files = await ui.showOpenDialog({ canSelectMany: false, openLabel: 'Use database', filters: { DuckDB: ['duckdb', 'db', 'ddb'], 'All files': ['*'] } });
      if (!files?.length) throw new Cancelled();
      def.path = files[0].fsPath;
    } else def.path = await ask({ title, prompt: 'Database file path', value: existing?.path ?? '', validateInput: required('A path') });
  } else if (kind === 'postgres') {
    const how = existing?.url
      ? 'url'
      : existing
        ? 'fields'
        : (await pick([{ label: 'Enter host, port, database, user', v: 'fields' }, { label: 'Paste a connection URL', description: 'postgres://user:password@host:5432/db?sslmode=require', v: 'url' }], 'How do you want to connect?', title)).v;
    if (how === 'url') {
      const raw = await ask({
        title,
        prompt: 'PostgreSQL URL (the password, if any, is moved to secret storage)',
        value: existing?.url ?? '',
        placeHolder: 'postgres://user:password@host:5432/database?sslmode=require',
        validateInput: (v) => (/^postgres(ql)?:\/\/.+/i.test(v.trim()) ? undefined : 'Use postgres://user@host:5432/database'),
      });
      const split = splitUrlPassword(raw);
      def.url = split.url;
      if (split.password !== undefined) secrets.password = split.password;
      else if (!existing) {
        const pw = await ask({ title, prompt: `Password${keep}`, password: true });
        if (pw) secrets.password = pw;
      }
    } else {
      def.host = await ask({ title, prompt: 'Host', value: existing?.host ?? 'localhost', validateInput: required('A host') });
      const port = await ask({ title, prompt: 'Port', value: String(existing?.port ?? 5432), validateInput: portCheck });
      def.port = Number(port);
      def.database = await ask({ title, prompt: 'Database', value: existing?.database ?? 'postgres', validateInput: required('A database') });
      def.user = await ask({ title, prompt: 'User', value: existing?.user ?? '', validateInput: required('A user') });
      const pw = await ask({ title, prompt: `Password${keep}`, password: true });
      if (pw) secrets.password = pw;
      def.sslMode = (
        await pick(
          [
            { label: 'prefer', description: 'no TLS (node-postgres does not fall back)', v: 'prefer' },
            { label: 'require', description: 'TLS without certificate check', v: 'require' },
            { label: 'verify-full', description: 'TLS with certificate and host name check', v: 'verify-full' },
            { label: 'verify-ca', description: 'TLS with certificate check', v: 'verify-ca' },
            { label: 'disable', description: 'no TLS', v: 'disable' },
          ],
          'SSL mode',
          title,
        )
      ).v;
    }
    await sshStep(def, secrets, existing, title, keep, ui);
  } else {
    def.account = await ask({ title, prompt: 'Account identifier (e.g. myorg-myaccount)', value: existing?.account ?? '', validateInput: required('An account') });
    def.user = await ask({ title, prompt: 'User', value: existing?.user ?? '', validateInput: required('A user') });
    const auth = (await pick([{ label: 'Password', v: 'password' as const }, { label: 'Key pair', description: 'a PEM private key file, optionally encrypted', v: 'keypair' as const }], 'Authentication', title)).v;
    def.authenticator = auth;
    if (auth === 'password') {
      const pw = await ask({ title, prompt: `Password${keep}`, password: true });
      if (pw) secrets.password = pw;
    } else {
      const files = await ui.showOpenDialog({ canSelectMany: false, openLabel: 'Use private key', filters: { 'Private key': ['p8', 'pem', 'key'], 'All files': ['*'] } });
      if (files?.length) secrets.privateKey = await readFile(files[0].fsPath, 'utf8');
      else if (!existing) throw new Cancelled();
      const pass = await ask({ title, prompt: `Private key passphrase${keep}`, password: true });
      if (pass) secrets.privateKeyPassphrase = pass;
    }
    def.warehouse = (await ask({ title, prompt: 'Warehouse (optional)', value: existing?.warehouse ?? '' })) || undefined;
    def.role = (await ask({ title, prompt: 'Role (optional)', value: existing?.role ?? '' })) || undefined;
    def.database = (await ask({ title, prompt: 'Database (optional)', value: existing?.database ?? '' })) || undefined;
    def.schema = (await ask({ title, prompt: 'Schema (optional)', value: existing?.schema ?? '' })) || undefined;
  }

  const hasWorkspace = !!vscode.workspace.workspaceFolders?.length;
  const scope: DefinitionScope = hasWorkspace
    ? (
        await pick(
          [
            { label: 'Workspace settings', description: 'shared with the team via .vscode/settings.json (no secrets)', v: 'workspace' as const, picked: existingScope !== 'user' },
            { label: 'User settings', description: 'only on this machine', v: 'user' as const, picked: existingScope === 'user' },
          ].sort((a, b) => Number(b.picked) - Number(a.picked)),
          'Where should the definition be saved? (passwords and keys always go to secret storage)',
          title,
        )
      ).v
    : 'user';
  return { definition: validateDefinition(def), secrets, scope };
}
