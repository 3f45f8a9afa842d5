/**
 * The VS Code AuthenticationProvider, so the account shows in the Accounts menu and other code can ask
 * `vscode.authentication.getSession('iopsdata.supabase', [])`. Sessions come from supabase-js (persisted in
 * SecretStorage); the session id is the user id so it stays stable across token refreshes.
 */
import * as vscode from 'vscode';
import type { Session } from '@supabase/supabase-js';
import type { AccountService, SignInOptions } from './service';

export function toVsSession(s: Session): vscode.AuthenticationSession {
  return {
    id: s.user.id,
    accessToken: s.access_token,
    account: { id: s.user.id, label: s.user.email ?? s.user.phone ?? s.user.id },
    scopes: [],
  };
}

export class SupabaseAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private known: vscode.AuthenticationSession | undefined;
  private readonly sub: vscode.Disposable;

  constructor(private readonly service: AccountService) {
    this.sub = service.onDidChangeSession(() => void this.diff());
  }

  private async current(): Promise<vscode.AuthenticationSession | undefined> {
    try {
      const s = await this.service.currentSession();
      return s ? toVsSession(s) : undefined;
    } catch {
      return undefined;
    }
  }

  private async diff(): Promise<void> {
    const now = await this.current();
    const before = this.known;
    this.known = now;
    if (before && !now) this.emitter.fire({ added: [], removed: [before], changed: [] });
    else if (!before && now) this.emitter.fire({ added: [now], removed: [], changed: [] });
    else if (before && now && before.id !== now.id) this.emitter.fire({ added: [now], removed: [before], changed: [] });
    else if (before && now && before.accessToken !== now.accessToken) this.emitter.fire({ added: [], removed: [], changed: [now] });
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const s = await this.current();
    this.known = s;
    return s ? [s] : [];
  }

  createSession(): Promise<vscode.AuthenticationSession> {
    return this.signIn();
  }

  /** The sign-in behind createSession; `options` skips the prompts for what it gives (commands, automation). */
  async signIn(options?: SignInOptions): Promise<vscode.AuthenticationSession> {
    const s = toVsSession(await this.service.signInInteractive(options));
    const before = this.known;
    this.known = s;
    this.emitter.fire({ added: [s], removed: before && before.id !== s.id ? [before] : [], changed: [] });
    return s;
  }

  async removeSession(_sessionId: string): Promise<void> {
    await this.signOut();
  }

  /** Signs out; resolves false when the server could not be reached to revoke the session (it is cleared anyway). */
  async signOut(): Promise<boolean> {
    const before = this.known;
    const revoked = await this.service.signOut();
    this.known = undefined;
    if (before) this.emitter.fire({ added: [], removed: [before], changed: [] });
    return revoked;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
