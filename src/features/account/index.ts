/**
 * iOpsData account (Supabase): AuthenticationProvider in the Accounts menu, sign-in flows (password, email code /
 * magic link, OAuth via PKCE + UriHandler), sync of settings and connection definitions, "Upload to workspace",
 * and team key export/import. Nothing here loads supabase-js at activation; the client is created on first use.
 */
import * as vscode from 'vscode';
import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';
import type { RunApi } from '../run';
import { UserError, isCancelled, userMessage } from '../../core/errors';
import { redactSecrets } from '../../core/logger';
import { AccountService, PROVIDER_ID, PROVIDER_LABEL, type SignInOptions } from './service';
import { SupabaseAuthProvider, toVsSession } from './authProvider';

export { PROVIDER_ID, PROVIDER_LABEL } from './service';

export interface AccountApi {
  readonly service: AccountService;
}

export function registerAccount(fc: FeatureContext, connections: ConnectionsApi, runApi?: RunApi): AccountApi {
  const service = new AccountService(fc, {
    savedQueries: runApi?.savedQueries,
    connectionNames: {
      nameOf: (id) => connections.list().find((c) => c.id === id)?.name,
      idOf: (name) => connections.list().find((c) => c.name === name)?.id,
    },
  });
  const provider = new SupabaseAuthProvider(service);
  const subs = fc.extension.subscriptions;

  const run = (title: string, fn: (...args: any[]) => Promise<unknown>) =>
    async (...args: any[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        if (isCancelled(err) || (err as { code?: string })?.code === 'cancelled') return undefined;
        fc.log.error(`${title}: ${redactSecrets(userMessage(err))}`);
        service.lastError = `${title}: ${redactSecrets(userMessage(err))}`;
        void vscode.window.showErrorMessage(userMessage(err));
        return undefined;
      }
    };

  subs.push(
    service,
    provider,
    vscode.authentication.registerAuthenticationProvider(PROVIDER_ID, PROVIDER_LABEL, provider, { supportsMultipleAccounts: false }),
    vscode.window.registerUriHandler({ handleUri: (uri) => service.handleUri(uri) }),
    vscode.commands.registerCommand(
      'iopsdata.account.signIn',
      run('Sign in', async (options?: SignInOptions) => {
        service.requireConfig();
        // Automation (tasks, tests): what the argument gives is not asked for ({ email, password }, { method: 'otp',
        // email }, { provider: 'github' }). Without one, the provider's own interactive flow runs (no "allow
        // access" consent dialog: the provider is ours).
        const opts = options && typeof options === 'object' ? options : undefined;
        const s =
          opts && typeof opts.email === 'string' && typeof opts.password === 'string'
            ? toVsSession(await service.signInWithPassword(opts.email, opts.password))
            : await provider.signIn(opts);
        void vscode.window.showInformationMessage(`Signed in to iOpsData as ${s.account.label}.`);
        return s.account.label;
      }),
    ),
    vscode.commands.registerCommand(
      'iopsdata.account.signOut',
      run('Sign out', async () => {
        const revoked = await provider.signOut();
        void vscode.window.showInformationMessage(
          revoked ? 'Signed out of iOpsData.' : 'Signed out of iOpsData on this machine. The server could not be reached to end the session; it expires on its own.',
        );
        return revoked;
      }),
    ),
    vscode.commands.registerCommand(
      'iopsdata.account.sync',
      run('Sync', async () =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'iOpsData: syncing', cancellable: true }, async (_p, token) => {
          const ac = new AbortController();
          token.onCancellationRequested(() => ac.abort());
          const r = await service.sync(true, ac.signal);
          if (r && !r.error) vscode.window.setStatusBarMessage(`iOpsData: synced (${r.pushed} up, ${r.applied} applied)`, 4000);
          return r && { pushed: r.pushed, pulled: r.pulled, applied: r.applied, pending: r.pending, conflicts: r.conflicts.length };
        }),
      ),
    ),
    vscode.commands.registerCommand(
      'iopsdata.account.uploadFile',
      run('Upload to workspace', async (uri?: vscode.Uri, profile?: Record<string, unknown>) => {
        let target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
        if (!target || target.scheme === 'untitled') {
          const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Upload to workspace', filters: { Data: ['csv', 'tsv', 'parquet', 'json', 'jsonl', 'ndjson'], All: ['*'] } });
          target = picked?.[0];
        }
        if (!target) return undefined;
        const file = target;
        const path = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Uploading ${file.path.split('/').pop()} to the team workspace…`, cancellable: true },
          (_p, token) => service.uploadFile(file, profile && typeof profile === 'object' ? profile : undefined, token),
        );
        void vscode.window.showInformationMessage(`Uploaded to the team workspace: ${path.split('/').slice(2).join('/')}`);
        return path;
      }),
    ),
    vscode.commands.registerCommand(
      'iopsdata.account.addMember',
      run('Add team member', async (emailArg?: string, roleArg?: 'member' | 'admin') => {
        const email = typeof emailArg === 'string' ? emailArg : await vscode.window.showInputBox({ title: 'Add a teammate to your iOpsData workspace', prompt: 'Their account email (they must have signed in once)', ignoreFocusOut: true });
        if (!email) return undefined;
        const role = roleArg === 'admin' || roleArg === 'member' ? roleArg : ((await vscode.window.showQuickPick(['member', 'admin'], { title: 'Role' })) as 'member' | 'admin' | undefined);
        if (!role) return undefined;
        await service.addMember(email, role);
        // not awaited: the command resolves once the member is added, whether or not the notice is ever clicked
        void vscode.window.showInformationMessage(`${email.trim()} can now sync this workspace. Send them the team key so shared connections decrypt.`, 'Export Team Key').then((next) => {
          if (next) void vscode.commands.executeCommand('iopsdata.account.exportTeamKey');
        });
        return true;
      }),
    ),
    vscode.commands.registerCommand(
      'iopsdata.account.listMembers',
      run('List team members', async (options?: { quiet?: boolean }) => {
        const members = await service.listMembers();
        if (!options?.quiet) {
          await vscode.window.showQuickPick(
            members.map((m) => ({ label: m.email, description: m.role, detail: `Member since ${new Date(m.joinedAt).toLocaleDateString()}` })),
            { title: `iOpsData workspace members (${members.length})`, placeHolder: 'Only the owner can remove members (iOpsData: Remove Team Member)' },
          );
        }
        return members.map((m) => ({ email: m.email, role: m.role }));
      }),
    ),
    vscode.commands.registerCommand(
      'iopsdata.account.removeMember',
      run('Remove team member', async (emailArg?: string) => {
        let email = typeof emailArg === 'string' ? emailArg : undefined;
        if (!email) {
          const members = (await service.listMembers()).filter((m) => m.role !== 'owner');
          if (!members.length) {
            void vscode.window.showInformationMessage('This workspace has no members besides its owner.');
            return undefined;
          }
          const pick = await vscode.window.showQuickPick(
            members.map((m) => ({ label: m.email, description: m.role })),
            { title: 'Remove a member from the iOpsData workspace', placeHolder: 'They lose access to its connections, saved queries and files' },
          );
          if (!pick) return undefined;
          const ok = await vscode.window.showWarningMessage(
            `Remove ${pick.label} from the workspace? They lose access to its shared connections, saved queries and files at once.`,
            { modal: true, detail: 'Connections they already synced stay on their machines: rotate shared passwords and the team key if that matters.' },
            'Remove',
          );
          if (ok !== 'Remove') return undefined;
          email = pick.label;
        }
        const removed = await service.removeMember(email);
        void vscode.window.showInformationMessage(`${removed.email} was removed from the iOpsData workspace.`);
        return removed.email;
      }),
    ),
    vscode.commands.registerCommand(
      'iopsdata.account.showConflicts',
      run('Sync conflicts', async (options?: { restore?: string; quiet?: boolean }) => {
        const conflicts = await service.conflicts();
        service.acknowledgeConflicts();
        let chosen = typeof options?.restore === 'string' ? conflicts.find((c) => c.key === options.restore) : undefined;
        if (options?.restore !== undefined && !chosen) throw new UserError(`No sync conflict on "${options.restore}".`);
        if (!chosen && !options?.quiet) {
          if (!conflicts.length) {
            void vscode.window.showInformationMessage('No sync conflicts.');
            return [];
          }
          const pick = await vscode.window.showQuickPick(
            conflicts.map((c) => ({
              label: c.label,
              description: `kept the ${c.kept === 'remote' ? 'version from another machine' : 'local version'}`,
              detail: `${c.restorable ? 'Select to restore your version as a copy. ' : ''}Other machine's edit: ${new Date(c.remoteUpdatedAt).toLocaleString()}${c.localUpdatedAt ? `; yours: ${new Date(c.localUpdatedAt).toLocaleString()}` : ''}`,
              conflict: c,
            })),
            { title: 'iOpsData sync conflicts (newest first)' },
          );
          chosen = pick?.conflict;
          if (chosen && !chosen.restorable) return undefined;
        }
        if (chosen) {
          const id = await service.restoreConflict(chosen);
          void vscode.window.showInformationMessage(`Restored your version of ${chosen.label} as a new saved query.`);
          return id;
        }
        return conflicts.map((c) => ({ collection: c.collection, key: c.key, label: c.label, restorable: c.restorable }));
      }),
    ),
    // Internal: integration tests read the status bar item, the SecretStorage session flag and the last notice.
    vscode.commands.registerCommand('iopsdata.account.stateForTests', () => service.stateForTests()),
    vscode.commands.registerCommand(
      'iopsdata.account.exportTeamKey',
      run('Export team key', async () => {
        const text = await service.exportTeamKey();
        await vscode.env.clipboard.writeText(text);
        void vscode.window.showInformationMessage('Team key copied to the clipboard, protected by your passphrase. Send the passphrase separately.');
        return true;
      }),
    ),
    vscode.commands.registerCommand(
      'iopsdata.account.importTeamKey',
      run('Import team key', async (text?: string, passphrase?: string) => {
        const exported = typeof text === 'string' ? text : await vscode.window.showInputBox({ title: 'Paste the exported team key', placeHolder: 'iopsdata-team-key:v1:…', ignoreFocusOut: true });
        if (!exported) return undefined;
        const pass = typeof passphrase === 'string' ? passphrase : await vscode.window.showInputBox({ title: 'Passphrase of the team key', password: true, ignoreFocusOut: true });
        if (!pass) return undefined;
        const ws = await service.importTeamKey(exported, pass);
        void vscode.window.showInformationMessage('Team key imported: shared connections can now be decrypted on this machine.');
        void service.sync(false);
        return ws;
      }),
    ),
  );

  void service.refreshContext().then(async () => {
    if (await service.hasStoredSession()) service.scheduleSync();
  });
  return { service };
}
