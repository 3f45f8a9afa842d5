/**
 * The account feature's state machine: the Supabase client (created on first use, so activation never loads
 * supabase-js), the interactive sign-in flows, the sync engine per user+workspace, team keys and the status bar.
 */
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import type { Session, SupabaseClient } from '@supabase/supabase-js';
import { AUTH_STORAGE_KEY, createAccountClient, validateAccountConfig, type AccountConfig } from '../../core/account/client';
import * as auth from '../../core/account/auth';
import { SupabaseRemoteStore, addWorkspaceMember, resolveWorkspace } from '../../core/account/remote';
import { SyncEngine, type Collection, type ConflictNotice, type SyncReport } from '../../core/account/syncEngine';
import { accountStatus, conflictLabel, conflictMessage, isOfflineError, type AccountStatusView } from '../../core/account/status';
import { listWorkspaceMembers, removeWorkspaceMember, type WorkspaceMember } from '../../core/account/members';
import type { ConnectionNames, SavedQueryStore } from '../../core/run/savedQueries';
import { exportTeamKey, generateTeamKey, importTeamKey } from '../../core/account/crypto';
import { basicProfile, uploadFileAsset } from '../../core/account/files';
import { UserError, isCancelled, userMessage } from '../../core/errors';
import { redactSecrets } from '../../core/logger';
import type { FeatureContext } from '../context';
import { SecretStateStore, SecretStorageAuthAdapter, teamKeySecretName } from './secretStorage';
import { VsCodeLocalSource, syncableSettingKeys } from './localSource';

export const PROVIDER_ID = 'iopsdata.supabase';
export const PROVIDER_LABEL = 'iOpsData (Supabase)';
const CALLBACK_PATH = '/auth-callback';
const WORKSPACE_STATE_KEY = 'iopsdata.account.workspaceId';
const AUTO_SYNC_DEBOUNCE_MS = 3000;
const PERIODIC_SYNC_MS = 5 * 60 * 1000;

/** What the account feature needs from other features (optional so the service works without them). */
export interface AccountDeps {
  /** The run feature's saved queries: synced as the `queries` collection. */
  savedQueries?: SavedQueryStore;
  /** Maps connection ids to names for saved queries (names are what synced connections share). */
  connectionNames?: ConnectionNames;
}

/** How the sign-in command may be told what to do (automation and tests); anything missing is asked for. */
export interface SignInOptions {
  method?: 'password' | 'otp' | 'oauth';
  email?: string;
  password?: string;
  /** OAuth provider, e.g. "github". */
  provider?: string;
}

export class AccountService implements vscode.Disposable {
  private client: SupabaseClient | undefined;
  private clientKey = '';
  private engine: { key: string; engine: SyncEngine; workspaceId: string } | undefined;
  private readonly authStorage: SecretStorageAuthAdapter;
  private readonly sessionEmitter = new vscode.EventEmitter<void>();
  /** Fires when the signed-in session appears, changes or goes away. */
  readonly onDidChangeSession = this.sessionEmitter.event;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private pendingCallback: { resolve(query: string): void; reject(err: unknown): void } | undefined;
  private autoSyncTimer: NodeJS.Timeout | undefined;
  private periodicTimer: NodeJS.Timeout | undefined;
  private authSubscription: { unsubscribe(): void } | undefined;
  lastReport: SyncReport | undefined;
  private lastSyncAt: Date | undefined;
  private syncing = false;
  private unseenConflicts = 0;
  private accountLabel: string | undefined;
  private statusView: AccountStatusView = accountStatus({ syncing: false, unseenConflicts: 0 });
  /** The last notice shown to the user (integration tests read it; notifications are not readable from the API). */
  lastNotice: string | undefined;
  /** The last error a command of this feature showed, redacted ("<command>: <message>"). */
  lastError: string | undefined;
  /** The browser sign-in under way: what was (or would have been) opened, for tests and the log. */
  pendingSignIn: { method: 'otp' | 'oauth'; url?: string; redirectTo: string } | undefined;
  private currentFlow: object | undefined;

  constructor(
    private readonly fc: FeatureContext,
    private readonly deps: AccountDeps = {},
  ) {
    this.authStorage = new SecretStorageAuthAdapter(fc.extension.secrets);
    this.status = vscode.window.createStatusBarItem('iopsdata.account.sync', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'iOpsData Sync';
    this.status.command = 'iopsdata.account.sync';
    this.disposables.push(this.status, this.sessionEmitter);
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('iopsdata.account')) {
          this.resetClient();
          void this.refreshContext();
        } else if (e.affectsConfiguration('iopsdata')) this.scheduleSync();
      }),
      fc.extension.secrets.onDidChange((e) => {
        if (e.key.startsWith('iopsdata.connection.')) this.scheduleSync();
      }),
    );
    if (deps.savedQueries) {
      // Changes that sync itself applied are not local edits (pushing them back would be a no-op round trip).
      const sub = deps.savedQueries.onDidChange((origin) => {
        if (origin === 'local') void this.noteLocalEdit('queries');
      });
      this.disposables.push({ dispose: () => sub.dispose() });
    }
  }

  /** Collections this window syncs (saved queries only when the run feature provides them). */
  private collections(): Collection[] {
    return this.deps.savedQueries ? ['settings', 'connections', 'queries'] : ['settings', 'connections'];
  }

  /**
   * Records a local edit in the outbox right away (so an offline edit keeps its real edit time for last-writer-wins),
   * then syncs shortly after.
   */
  private async noteLocalEdit(collection: Collection): Promise<void> {
    try {
      if (this.engine) {
        await this.engine.engine.scan({ collections: [collection] });
        this.lastReport = this.lastReport && { ...this.lastReport, pending: await this.engine.engine.pendingCount() };
        this.showStatus();
      }
    } catch (err) {
      this.fc.log.warn(`account: could not record a local ${collection} edit: ${redactSecrets(userMessage(err))}`);
    }
    this.scheduleSync();
  }

  // ------------------------------------------------------------------------------------------ config
  config(): AccountConfig | undefined {
    const c = vscode.workspace.getConfiguration('iopsdata.account');
    try {
      return validateAccountConfig(c.get('supabaseUrl'), c.get('supabaseAnonKey'));
    } catch {
      return undefined;
    }
  }

  requireConfig(): AccountConfig {
    const c = vscode.workspace.getConfiguration('iopsdata.account');
    return validateAccountConfig(c.get('supabaseUrl'), c.get('supabaseAnonKey'));
  }

  /** The client; supabase-js is loaded here, on first use. */
  getClient(): SupabaseClient {
    const cfg = this.requireConfig();
    const key = `${cfg.url}\n${cfg.anonKey}`;
    if (!this.client || this.clientKey !== key) {
      this.resetClient();
      this.client = createAccountClient(cfg, { storage: this.authStorage });
      this.clientKey = key;
      const { data } = this.client.auth.onAuthStateChange((event) => {
        this.fc.log.debug(`account: auth event ${event}`);
        if (event === 'SIGNED_IN' || event === 'SIGNED_OUT' || event === 'TOKEN_REFRESHED' || event === 'USER_UPDATED') {
          this.sessionEmitter.fire();
          void this.refreshContext();
        }
      });
      this.authSubscription = data.subscription;
      // supabase-js only runs its refresh timer by itself in browsers; in the extension host start it, so the
      // access token handed out through vscode.authentication stays valid without a request going first.
      const client = this.client;
      void this.hasStoredSession().then((stored) => (stored && this.client === client ? client.auth.startAutoRefresh() : undefined)).catch(() => {});
    }
    return this.client;
  }

  private resetClient(): void {
    this.authSubscription?.unsubscribe();
    this.authSubscription = undefined;
    void this.client?.auth.stopAutoRefresh().catch(() => {});
    this.client = undefined;
    this.engine = undefined;
  }

  /** Cheap check for activation: is a session stored? (Reads SecretStorage only; does not load supabase-js.) */
  async hasStoredSession(): Promise<boolean> {
    return (await this.authStorage.getItem(AUTH_STORAGE_KEY)) !== null;
  }

  /** The stored session's email (for the status bar) without loading supabase-js. */
  private async storedAccountLabel(): Promise<string | undefined> {
    const raw = await this.authStorage.getItem(AUTH_STORAGE_KEY);
    if (!raw) return undefined;
    try {
      const user = (JSON.parse(raw) as { user?: { email?: string; id?: string } }).user;
      return user?.email ?? user?.id ?? 'your account';
    } catch {
      return 'your account';
    }
  }

  async currentSession(): Promise<Session | null> {
    if (!this.config() || !(await this.hasStoredSession())) return null;
    const { data, error } = await this.getClient().auth.getSession();
    if (error) this.fc.log.warn(`account: session could not be restored: ${redactSecrets(error.message)}`);
    return data.session;
  }

  async refreshContext(): Promise<void> {
    const configured = !!this.config();
    const label = configured ? await this.storedAccountLabel() : undefined;
    const signedIn = label !== undefined;
    await vscode.commands.executeCommand('setContext', 'iopsdata.account.configured', configured);
    await vscode.commands.executeCommand('setContext', 'iopsdata.account.signedIn', signedIn);
    if (label !== this.accountLabel) {
      // another account (or none): the previous one's sync outcome and conflicts do not apply
      this.lastReport = undefined;
      this.lastSyncAt = undefined;
      this.unseenConflicts = 0;
    }
    this.accountLabel = label;
    this.showStatus();
    if (signedIn) {
      if (!this.periodicTimer) this.periodicTimer = setInterval(() => void this.sync(false), PERIODIC_SYNC_MS);
    } else {
      if (this.periodicTimer) clearInterval(this.periodicTimer);
      this.periodicTimer = undefined;
    }
  }

  // ----------------------------------------------------------------------------------------- sign-in
  async redirectUri(): Promise<string> {
    const uri = vscode.Uri.parse(`${vscode.env.uriScheme}://${this.fc.extension.extension.id}${CALLBACK_PATH}`);
    return (await vscode.env.asExternalUri(uri)).toString(true);
  }

  /** Called by the UriHandler for vscode://iopsdata.iopsdata/auth-callback?code=… */
  async handleUri(uri: vscode.Uri): Promise<void> {
    if (uri.path !== CALLBACK_PATH) return;
    if (this.pendingCallback) {
      this.pendingCallback.resolve(uri.query);
      this.pendingCallback = undefined;
      return;
    }
    // A magic link clicked after the sign-in prompt was closed: still complete it if this machine holds the verifier.
    try {
      const session = await auth.completeFromCallback(this.getClient(), uri.query);
      void vscode.window.showInformationMessage(`Signed in to iOpsData as ${session.user.email ?? session.user.id}.`);
      await this.afterSignIn();
    } catch (err) {
      void vscode.window.showErrorMessage(userMessage(err));
    }
  }

  private waitForCallback(token: vscode.CancellationToken): Promise<string> {
    this.pendingCallback?.reject(new UserError('Another sign-in started.'));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => done(() => reject(new UserError('Browser sign-in timed out after 5 minutes; try again.'))), 5 * 60_000);
      const sub = token.onCancellationRequested(() => done(() => reject(new UserError('Sign-in cancelled.', { code: 'cancelled' }))));
      const done = (f: () => void) => {
        clearTimeout(timer);
        sub.dispose();
        this.pendingCallback = undefined;
        f();
      };
      this.pendingCallback = { resolve: (q) => done(() => resolve(q)), reject: (e) => done(() => reject(e)) };
    });
  }

  /** Asks how to sign in and does it; resolves with the session (throws UserError/cancel otherwise). */
  async signInInteractive(options: SignInOptions = {}): Promise<Session> {
    const client = this.getClient();
    const cancelled = () => new UserError('Sign-in cancelled.', { code: 'cancelled' });
    let method = options.method ?? (options.provider ? 'oauth' : options.password !== undefined ? 'password' : undefined);
    let provider = options.provider;
    if (!method) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: '$(mail) Email and password', id: 'password' },
          { label: '$(key) Email code or magic link', id: 'otp', detail: 'We email you a one-time code and a sign-in link.' },
          { label: '$(github) GitHub', id: 'github', detail: 'Sign in in the browser.' },
          { label: '$(globe) Google', id: 'google', detail: 'Sign in in the browser.' },
        ],
        { title: 'Sign in to iOpsData (Supabase)', ignoreFocusOut: true },
      );
      if (!pick) throw cancelled();
      method = pick.id === 'password' || pick.id === 'otp' ? pick.id : 'oauth';
      if (method === 'oauth') provider = pick.id;
    }
    const askEmail = async (prompt: string) => {
      const email = options.email ?? (await vscode.window.showInputBox({ title: 'Email', prompt, ignoreFocusOut: true, validateInput: emailProblem }));
      if (!email) throw cancelled();
      return email;
    };
    let session: Session;
    const flow = {};
    this.currentFlow = flow;
    try {
      if (method === 'password') {
        const email = await askEmail('Your iOpsData account email');
        const password = options.password ?? (await vscode.window.showInputBox({ title: 'Password', password: true, ignoreFocusOut: true }));
        if (!password) throw cancelled();
        session = await auth.signInWithPassword(client, email, password);
      } else if (method === 'otp') {
        const email = await askEmail('We will send a code and a sign-in link');
        const redirectTo = await this.redirectUri();
        await auth.sendEmailCode(client, email, redirectTo);
        this.pendingSignIn = { method: 'otp', redirectTo };
        session = await this.codeOrLink(client, email);
      } else {
        session = await this.signInWithBrowser(client, (provider ?? 'github').toLowerCase());
      }
    } finally {
      // a sign-in started meanwhile replaced this one: its state is not ours to clear
      if (this.currentFlow === flow) this.pendingSignIn = undefined;
    }
    await this.afterSignIn();
    return session;
  }

  /** OAuth with PKCE: the provider's page opens in the browser and comes back through the UriHandler. */
  private async signInWithBrowser(client: SupabaseClient, provider: string): Promise<Session> {
    if (!/^[a-z0-9_-]{2,40}$/.test(provider)) throw new UserError(`Unknown sign-in provider: ${provider}`);
    const display = provider === 'github' ? 'GitHub' : provider[0].toUpperCase() + provider.slice(1);
    const redirectTo = await this.redirectUri();
    const url = await auth.startOAuth(client, provider, redirectTo);
    this.pendingSignIn = { method: 'oauth', url, redirectTo };
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Waiting for ${display} sign-in in your browser…`, cancellable: true },
      async (_p, token) => {
        const waiting = this.waitForCallback(token);
        const opened = await vscode.env.openExternal(vscode.Uri.parse(url)).then(
          (ok) => ok,
          () => false,
        );
        if (!opened) {
          // No browser could be opened (remote or locked-down machine): let the user open the link themselves;
          // the callback still arrives through the UriHandler.
          this.fc.log.warn('account: could not open the browser for sign-in; offered the link instead');
          void vscode.window.showWarningMessage(`Open the ${display} sign-in page in a browser on this machine to continue.`, 'Copy Link').then((a) => {
            if (a) void vscode.env.clipboard.writeText(url);
          });
        }
        return auth.completeFromCallback(client, await waiting);
      },
    );
  }

  async signInWithPassword(email: string, password: string): Promise<Session> {
    const session = await auth.signInWithPassword(this.getClient(), email, password);
    await this.afterSignIn();
    return session;
  }

  /** Waits for either the typed email code or the magic link coming back through the UriHandler. */
  private async codeOrLink(client: SupabaseClient, email: string): Promise<Session> {
    const cts = new vscode.CancellationTokenSource();
    const box = vscode.window.createInputBox();
    box.title = `Enter the code sent to ${email} (or click the link in the email)`;
    box.ignoreFocusOut = true;
    box.placeholder = '123456';
    try {
      type Next = { kind: 'code'; code: string } | { kind: 'cancel' } | { kind: 'link'; q: string };
      const link: Promise<Next> = this.waitForCallback(cts.token).then((q) => ({ kind: 'link' as const, q }), () => ({ kind: 'cancel' as const }));
      const nextAccept = () =>
        new Promise<Next>((resolve) => {
          const a = box.onDidAccept(() => {
            a.dispose();
            h.dispose();
            resolve({ kind: 'code', code: box.value });
          });
          const h = box.onDidHide(() => {
            a.dispose();
            h.dispose();
            resolve({ kind: 'cancel' });
          });
        });
      box.show();
      for (;;) {
        const next = await Promise.race([nextAccept(), link]);
        if (next.kind === 'cancel') throw new UserError('Sign-in cancelled.', { code: 'cancelled' });
        if (next.kind === 'link') return await auth.completeFromCallback(client, next.q);
        box.busy = true;
        try {
          return await auth.verifyEmailCode(client, email, next.code);
        } catch (err) {
          box.validationMessage = userMessage(err); // wrong code: let the user retype it
        } finally {
          box.busy = false;
        }
      }
    } finally {
      cts.cancel();
      cts.dispose();
      box.dispose();
    }
  }

  private async afterSignIn(): Promise<void> {
    await this.getClient().auth.startAutoRefresh().catch(() => {});
    await this.refreshContext();
    this.sessionEmitter.fire();
    void this.sync(false);
  }

  /**
   * Revokes the session on the server and clears it from SecretStorage. Offline, the session is still cleared here
   * (signing out must always work); returns false then, since the server could not be told.
   */
  async signOut(): Promise<boolean> {
    let revoked: boolean;
    if (!this.config()) {
      await this.authStorage.removeItem(AUTH_STORAGE_KEY);
      revoked = false;
    } else {
      revoked = await auth.signOut(this.getClient(), this.authStorage);
    }
    await this.authStorage.removeItem(`${AUTH_STORAGE_KEY}-code-verifier`);
    this.engine = undefined;
    await this.refreshContext();
    this.sessionEmitter.fire();
    return revoked;
  }

  // -------------------------------------------------------------------------------------------- sync
  scheduleSync(): void {
    if (this.autoSyncTimer) clearTimeout(this.autoSyncTimer);
    this.autoSyncTimer = setTimeout(() => {
      this.autoSyncTimer = undefined;
      void this.sync(false);
    }, AUTO_SYNC_DEBOUNCE_MS);
  }

  private async teamKey(client: SupabaseClient, workspaceId: string): Promise<Buffer> {
    const name = teamKeySecretName(workspaceId);
    const stored = await this.fc.extension.secrets.get(name);
    if (stored) return Buffer.from(stored, 'base64');
    const { data, error } = await client.from('workspace_connections').select('connection_name').eq('workspace_id', workspaceId).eq('deleted', false).limit(1);
    if (error) throw new UserError(`Checking the workspace's connections failed: ${error.message}`);
    if ((data as unknown[]).length) {
      throw new UserError('This workspace has encrypted connections: import the team key from a teammate (iOpsData: Import Team Key).', { code: 'no-team-key' });
    }
    const key = generateTeamKey();
    await this.fc.extension.secrets.store(name, key.toString('base64'));
    this.fc.log.info('account: created a new team key for this workspace (share it with iOpsData: Export Team Key)');
    return key;
  }

  private async engineFor(session: Session): Promise<{ engine: SyncEngine; workspaceId: string }> {
    const client = this.getClient();
    const preferred = this.fc.extension.globalState.get<string>(WORKSPACE_STATE_KEY);
    const key = `${session.user.id}/${preferred ?? ''}`;
    if (this.engine?.key === key) return this.engine;
    const ws = await resolveWorkspace(client, session.user.id, preferred);
    await this.fc.extension.globalState.update(WORKSPACE_STATE_KEY, ws.id);
    const { savedQueries, connectionNames } = this.deps;
    const queries = savedQueries ? { store: savedQueries, connections: connectionNames ?? { nameOf: () => undefined, idOf: () => undefined } } : undefined;
    const local = new VsCodeLocalSource(this.fc.extension.secrets, syncableSettingKeys(this.fc.extension.extension.packageJSON), queries);
    const remote = new SupabaseRemoteStore({ client, workspaceId: ws.id, userId: session.user.id, teamKey: () => this.teamKey(client, ws.id) });
    const store = new SecretStateStore(this.fc.extension.secrets, `iopsdata.account.syncState.${session.user.id}.${ws.id}`);
    this.engine = { key: `${session.user.id}/${ws.id}`, engine: new SyncEngine(local, remote, store), workspaceId: ws.id };
    return this.engine;
  }

  /** One sync; interactive = started by the user (errors are shown, not only logged). */
  async sync(interactive: boolean, signal?: AbortSignal): Promise<SyncReport | undefined> {
    let session: Session | null;
    try {
      session = await this.currentSession();
    } catch (err) {
      if (interactive) throw err;
      return undefined;
    }
    if (!session) {
      if (interactive) throw new UserError('Sign in first (iOpsData: Sign In).');
      return undefined;
    }
    this.syncing = true;
    this.showStatus();
    let report: SyncReport;
    try {
      const { engine } = await this.engineFor(session);
      report = await engine.sync({ collections: this.collections(), signal });
    } catch (err) {
      report = { pushed: 0, pulled: 0, applied: 0, conflicts: [], pending: this.engine ? await this.engine.engine.pendingCount().catch(() => 0) : 0, error: err };
    } finally {
      this.syncing = false;
    }
    this.lastReport = report;
    this.lastSyncAt = new Date();
    this.fc.log.info(`account: sync pushed ${report.pushed}, pulled ${report.pulled}, applied ${report.applied}, pending ${report.pending}${report.error ? `, stopped: ${redactSecrets(userMessage(report.error))}` : ''}`);
    if (report.conflicts.length) this.unseenConflicts += report.conflicts.length;
    this.showStatus();
    if (report.conflicts.length) this.notifyConflicts(report.conflicts);
    if (report.error && interactive && !isCancelled(report.error)) throw report.error;
    return report;
  }

  /** The current name of a conflicting saved query (when its losing side was a deletion, the notice has no name). */
  private currentName = (c: ConflictNotice): string | undefined => (c.collection === 'queries' ? this.deps.savedQueries?.get(c.key)?.name : undefined);

  private notifyConflicts(conflicts: ConflictNotice[]): void {
    for (const c of conflicts) {
      // The discarded value may contain connection secrets: log only which item lost, never its value.
      this.fc.log.warn(`account: sync conflict on ${conflictLabel(c, this.currentName)}: kept the ${c.kept} version (remote edited ${c.remoteUpdatedAt}${c.localUpdatedAt ? `, local edit ${c.localUpdatedAt}` : ''})`);
    }
    this.lastNotice = conflictMessage(conflicts, this.currentName);
    void vscode.window.showWarningMessage(this.lastNotice, 'Review').then((a) => {
      if (a) void vscode.commands.executeCommand('iopsdata.account.showConflicts');
    });
  }

  /** Conflicts of this account's sync, newest first (kept across restarts in the sync state). */
  async conflicts(): Promise<Array<ConflictNotice & { label: string; restorable: boolean }>> {
    const session = await this.currentSession();
    if (!session) throw new UserError('Sign in first (iOpsData: Sign In).');
    const { engine } = await this.engineFor(session);
    const list = [...(await engine.getState()).conflicts].reverse();
    return list.map((c) => ({ ...c, label: conflictLabel(c, this.currentName), restorable: this.restorable(c) }));
  }

  /** The user has seen the conflicts: the status bar goes back to its normal state. */
  acknowledgeConflicts(): void {
    this.unseenConflicts = 0;
    this.showStatus();
  }

  private restorable(c: ConflictNotice): boolean {
    const v = c.discarded as { name?: unknown; sql?: unknown } | undefined;
    return c.collection === 'queries' && !!this.deps.savedQueries && typeof v?.name === 'string' && typeof v.sql === 'string';
  }

  /**
   * Brings back the local version of a saved query that lost a conflict, as a new saved query next to the kept one
   * (so neither edit is lost). Returns the new query's id.
   */
  async restoreConflict(c: ConflictNotice): Promise<string> {
    const v = c.discarded as { name: string; sql: string; connectionName?: string } | undefined;
    if (!this.restorable(c) || !v) throw new UserError('Only the local version of a saved query can be restored.');
    const connectionId = v.connectionName ? this.deps.connectionNames?.idOf(v.connectionName) : undefined;
    const q = await this.deps.savedQueries!.save(`${v.name} (my version)`.slice(0, 200), v.sql, connectionId);
    return q.id;
  }

  private showStatus(): void {
    const last = this.lastReport && this.lastSyncAt ? { error: this.lastReport.error, pending: this.lastReport.pending, at: this.lastSyncAt } : undefined;
    this.statusView = accountStatus({ account: this.accountLabel, syncing: this.syncing, last, unseenConflicts: this.unseenConflicts });
    if (this.statusView.state === 'hidden') {
      this.status.hide();
      return;
    }
    this.status.text = this.statusView.text;
    this.status.tooltip = this.statusView.tooltip;
    this.status.command = this.statusView.command;
    this.status.show();
  }

  /** What the status bar item shows (the integration tests read it: the item's text is not readable from the API). */
  get statusBar(): AccountStatusView {
    return this.statusView;
  }

  /** Whether a session is kept in SecretStorage, and whether the last sync failed for lack of network. */
  async stateForTests(): Promise<Record<string, unknown>> {
    const raw = await this.authStorage.getItem(AUTH_STORAGE_KEY);
    let tokenFingerprint: string | undefined;
    try {
      // a digest, never the token: tests only need to see that the stored access token changed
      const token = raw ? (JSON.parse(raw) as { access_token?: string }).access_token : undefined;
      tokenFingerprint = token ? createHash('sha256').update(token).digest('hex').slice(0, 12) : undefined;
    } catch {
      tokenFingerprint = undefined;
    }
    return {
      status: this.statusBar,
      storedSession: raw !== null,
      tokenFingerprint,
      pendingSignIn: this.pendingSignIn,
      lastNotice: this.lastNotice,
      lastError: this.lastError,
      offline: isOfflineError(this.lastReport?.error),
      pending: this.engine ? await this.engine.engine.pendingCount() : undefined,
    };
  }

  // ------------------------------------------------------------------------------------------- files
  async uploadFile(uri: vscode.Uri, profile: Record<string, unknown> | undefined, token?: vscode.CancellationToken): Promise<string> {
    const session = await this.currentSession();
    if (!session) throw new UserError('Sign in first (iOpsData: Sign In).');
    const { workspaceId } = await this.engineFor(session);
    const bytes = await vscode.workspace.fs.readFile(uri);
    const stat = await vscode.workspace.fs.stat(uri);
    const fileName = uri.path.split('/').pop() ?? 'file';
    const ac = new AbortController();
    token?.onCancellationRequested(() => ac.abort());
    let meta = profile;
    if (!meta && uri.scheme === 'file') {
      // The file's profile (the same one "Profile File" shows) becomes the asset's metadata. Loaded lazily: DuckDB.
      try {
        const { profileFile } = require('../../core/profiling/file') as typeof import('../../core/profiling/file');
        const { toContractJson } = require('../../core/profiling/contract') as typeof import('../../core/profiling/contract');
        meta = { ...toContractJson(await profileFile(uri.fsPath, {}, { signal: ac.signal })), path: fileName };
      } catch (err) {
        if (isCancelled(err)) throw err;
        this.fc.log.warn(`account: could not profile ${fileName} for upload (${redactSecrets(userMessage(err))}); uploading with basic metadata`);
      }
    }
    meta ??= basicProfile(fileName, bytes, stat.mtime);
    const asset = await uploadFileAsset(this.getClient(), workspaceId, fileName, bytes, meta, ac.signal);
    return asset.storagePath;
  }

  async addMember(email: string, role: 'member' | 'admin'): Promise<void> {
    const session = await this.currentSession();
    if (!session) throw new UserError('Sign in first (iOpsData: Sign In).');
    const { workspaceId } = await this.engineFor(session);
    await addWorkspaceMember(this.getClient(), workspaceId, email, role);
  }

  async listMembers(): Promise<WorkspaceMember[]> {
    const session = await this.currentSession();
    if (!session) throw new UserError('Sign in first (iOpsData: Sign In).');
    const { workspaceId } = await this.engineFor(session);
    return listWorkspaceMembers(this.getClient(), workspaceId);
  }

  /** Removes a member by email; the server allows it only for the workspace's owner (row-level security). */
  async removeMember(email: string): Promise<WorkspaceMember> {
    const session = await this.currentSession();
    if (!session) throw new UserError('Sign in first (iOpsData: Sign In).');
    const { workspaceId } = await this.engineFor(session);
    return removeWorkspaceMember(this.getClient(), workspaceId, email);
  }

  // ---------------------------------------------------------------------------------------- team key
  async exportTeamKey(): Promise<string> {
    const session = await this.currentSession();
    if (!session) throw new UserError('Sign in first (iOpsData: Sign In).');
    const { workspaceId } = await this.engineFor(session);
    const key = await this.teamKey(this.getClient(), workspaceId);
    const passphrase = await vscode.window.showInputBox({
      title: 'Passphrase to protect the exported team key',
      prompt: 'Tell it to your teammate through another channel than the key itself (at least 8 characters).',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.length < 8 ? 'At least 8 characters.' : undefined),
    });
    if (!passphrase) throw new UserError('Export cancelled.', { code: 'cancelled' });
    return exportTeamKey(key, workspaceId, passphrase);
  }

  async importTeamKey(text: string, passphrase: string): Promise<string> {
    const imported = importTeamKey(text, passphrase);
    await this.fc.extension.secrets.store(teamKeySecretName(imported.workspaceId), imported.key.toString('base64'));
    await this.fc.extension.globalState.update(WORKSPACE_STATE_KEY, imported.workspaceId);
    this.engine = undefined;
    return imported.workspaceId;
  }

  dispose(): void {
    if (this.autoSyncTimer) clearTimeout(this.autoSyncTimer);
    if (this.periodicTimer) clearInterval(this.periodicTimer);
    this.pendingCallback?.reject(new UserError('iOpsData is shutting down.'));
    this.resetClient();
    for (const d of this.disposables) d.dispose();
  }
}

function emailProblem(v: string): string | undefined {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? undefined : 'Enter an email address.';
}
