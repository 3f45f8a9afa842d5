/**
 * What "local" means for sync inside VS Code:
 * - settings: user-scope values of this extension's own settings (from its package.json), except the connection
 *   list (synced as connections), the account settings themselves and anything that looks secret.
 * - connections: user-scope entries of `iopsdata.connections`, keyed by name, joined with their secrets from
 *   SecretStorage (the value is encrypted before upload). Workspace-scope connections belong to the repository's
 *   .vscode/settings.json and are not synced.
 * - queries: the saved queries of the History view, through the run feature's SavedQueryStore (the same store the
 *   view reads, so pulled queries appear there at once), with connections referred to by name.
 */
import * as vscode from 'vscode';
import type { Collection, LocalSource } from '../../core/account/syncEngine';
import { secretKey, type SecretName } from '../../core/run/connectionDefinitions';
import type { ConnectionNames, SavedQueryStore } from '../../core/run/savedQueries';

const SECRET_NAMES: SecretName[] = ['password', 'privateKey', 'privateKeyPassphrase'];

export function syncableSettingKeys(packageJson: any): string[] {
  const props = packageJson?.contributes?.configuration?.properties ?? {};
  const list = Array.isArray(packageJson?.contributes?.configuration)
    ? packageJson.contributes.configuration.flatMap((c: any) => Object.keys(c?.properties ?? {}))
    : Object.keys(props);
  return list.filter(
    (k: string) =>
      k.startsWith('iopsdata.') &&
      k !== 'iopsdata.connections' &&
      !k.startsWith('iopsdata.account.') &&
      !/(key|secret|token|password)/i.test(k.split('.').pop() ?? ''),
  );
}

interface ConnectionValue {
  definition: Record<string, unknown>;
  secrets: Partial<Record<SecretName, string>>;
}

export class VsCodeLocalSource implements LocalSource {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly settingKeys: string[],
    private readonly savedQueries?: { store: SavedQueryStore; connections: ConnectionNames },
  ) {}

  async read(collection: Collection): Promise<Record<string, unknown>> {
    if (collection === 'settings') {
      const out: Record<string, unknown> = {};
      for (const key of this.settingKeys) {
        const dot = key.indexOf('.');
        const v = vscode.workspace.getConfiguration(key.slice(0, dot)).inspect(key.slice(dot + 1))?.globalValue;
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    if (collection === 'connections') {
      const out: Record<string, ConnectionValue> = {};
      for (const d of this.userConnections()) {
        const def = d as { id?: unknown; name?: unknown };
        if (typeof def.name !== 'string' || typeof def.id !== 'string') continue;
        const secrets: ConnectionValue['secrets'] = {};
        for (const n of SECRET_NAMES) {
          const s = await this.secrets.get(secretKey(def.id, n));
          if (s !== undefined) secrets[n] = s;
        }
        out[def.name] = { definition: d as Record<string, unknown>, secrets };
      }
      return out;
    }
    if (collection === 'queries' && this.savedQueries) return this.savedQueries.store.toSynced(this.savedQueries.connections);
    return {};
  }

  async write(collection: Collection, changes: Array<{ key: string; value: unknown; deleted: boolean }>): Promise<void> {
    if (collection === 'settings') {
      for (const ch of changes) {
        if (!this.settingKeys.includes(ch.key)) continue; // a setting this version does not know: ignore
        const dot = ch.key.indexOf('.');
        await vscode.workspace.getConfiguration(ch.key.slice(0, dot)).update(ch.key.slice(dot + 1), ch.deleted ? undefined : ch.value, vscode.ConfigurationTarget.Global);
      }
      return;
    }
    if (collection === 'queries') {
      if (this.savedQueries) await this.savedQueries.store.applySynced(changes, this.savedQueries.connections);
      return;
    }
    if (collection !== 'connections') return;
    const list = [...this.userConnections()];
    for (const ch of changes) {
      const i = list.findIndex((d) => (d as { name?: unknown })?.name === ch.key);
      const oldId = i >= 0 ? (list[i] as { id?: string }).id : undefined;
      if (ch.deleted) {
        if (i >= 0) list.splice(i, 1);
        if (oldId) for (const n of SECRET_NAMES) await this.secrets.delete(secretKey(oldId, n));
        continue;
      }
      const v = ch.value as ConnectionValue;
      if (!v || typeof v.definition !== 'object' || typeof v.definition.id !== 'string') continue;
      const id = v.definition.id;
      // secrets first, so the connection never appears without its password
      for (const n of SECRET_NAMES) {
        const s = v.secrets?.[n];
        if (typeof s === 'string') await this.secrets.store(secretKey(id, n), s);
        else await this.secrets.delete(secretKey(id, n));
      }
      if (i >= 0) list[i] = v.definition;
      else list.push(v.definition);
    }
    await vscode.workspace.getConfiguration('iopsdata').update('connections', list.length ? list : undefined, vscode.ConfigurationTarget.Global);
  }

  private userConnections(): unknown[] {
    const v = vscode.workspace.getConfiguration('iopsdata').inspect<unknown[]>('connections')?.globalValue;
    return Array.isArray(v) ? v : [];
  }
}
