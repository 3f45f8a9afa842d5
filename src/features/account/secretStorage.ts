/**
 * Everything the account feature persists lives in VS Code SecretStorage (OS keychain / encrypted by VS Code):
 * the supabase-js session, the PKCE code verifier, the team keys and the sync state (its outbox can hold connection
 * secrets, so it must not be a plain file or globalState).
 */
import type * as vscode from 'vscode';
import type { AuthStorage } from '../../core/account/client';
import { normalizeState, type StateStore, type SyncState } from '../../core/account/syncEngine';

const PREFIX = 'iopsdata.account.';

/** supabase-js `auth.storage` over SecretStorage. */
export class SecretStorageAuthAdapter implements AuthStorage {
  constructor(private readonly secrets: vscode.SecretStorage) {}
  async getItem(key: string): Promise<string | null> {
    return (await this.secrets.get(PREFIX + key)) ?? null;
  }
  async setItem(key: string, value: string): Promise<void> {
    await this.secrets.store(PREFIX + key, value);
  }
  async removeItem(key: string): Promise<void> {
    await this.secrets.delete(PREFIX + key);
  }
}

export class SecretStateStore implements StateStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly key = `${PREFIX}syncState`,
  ) {}
  async load(): Promise<SyncState | undefined> {
    const raw = await this.secrets.get(this.key);
    if (!raw) return undefined;
    try {
      return normalizeState(JSON.parse(raw));
    } catch {
      return undefined;
    }
  }
  async save(state: SyncState): Promise<void> {
    await this.secrets.store(this.key, JSON.stringify(state));
  }
  async clear(): Promise<void> {
    await this.secrets.delete(this.key);
  }
}

export function teamKeySecretName(workspaceId: string): string {
  return `${PREFIX}teamKey.${workspaceId}`;
}
