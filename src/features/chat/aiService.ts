/**
 * The extension's AI services: builds the provider chain from settings + SecretStorage, keeps one usage meter per
 * window and one schema cache per connection, and runs the NL→SQL pipeline for the participant, the Ask view and
 * the tools.
 */
import * as vscode from 'vscode';
import { createProvider, providerNeedsKey, type HttpProviderId } from '../../core/ai/providers';
import { LlmRouter } from '../../core/ai/router';
import { SchemaCache, loadCatalog, type CatalogSnapshot } from '../../core/ai/schemaContext';
import { UsageMeter } from '../../core/ai/usage';
import type { LlmProvider } from '../../core/ai/types';
import { askForSql, type AskOptions, type AskResult } from '../../core/ai/nl2sql';
import type { Logger } from '../../core/logger';
import { UserError } from '../../core/errors';
import type { ConnectionsApi } from '../connections';
import type { Connection } from '../../core/connections/types';
import type { FeatureContext } from '../context';
import * as settings from './settings';
import { VscodeLmProvider, pickVscodeModel } from './vscodeLmProvider';

export function channelLogger(log: vscode.LogOutputChannel): Logger {
  return {
    trace: (m, ...a) => log.trace(String(m), ...a),
    debug: (m, ...a) => log.debug(String(m), ...a),
    info: (m, ...a) => log.info(String(m), ...a),
    warn: (m, ...a) => log.warn(String(m), ...a),
    error: (m, ...a) => log.error(m, ...a),
  };
}

export interface RouterChoice {
  /** Use only this provider (the Ask view's picker); otherwise the configured chain. */
  only?: settings.ChainEntry;
  /** A specific VS Code model (the chat participant passes request.model). */
  lmModel?: vscode.LanguageModelChat;
}

export class AiService {
  readonly schemaCache = new SchemaCache();
  readonly meter = new UsageMeter();
  readonly logger: Logger;
  private readonly usageEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeUsage = this.usageEmitter.event;

  constructor(
    private readonly fc: FeatureContext,
    readonly connections: ConnectionsApi,
  ) {
    this.logger = channelLogger(fc.log);
    // Edited or removed connections may point at another database now: their cached schema is stale.
    fc.extension.subscriptions.push(this.usageEmitter, connections.onDidChange(() => this.schemaCache.invalidate()));
  }

  apiKey(id: HttpProviderId): Thenable<string | undefined> {
    return this.fc.extension.secrets.get(settings.secretKey(id));
  }

  async storeApiKey(id: HttpProviderId, key: string | undefined): Promise<void> {
    if (key) await this.fc.extension.secrets.store(settings.secretKey(id), key);
    else await this.fc.extension.secrets.delete(settings.secretKey(id));
  }

  /** Which providers can be used right now (key present / base URL set / a VS Code model exists). */
  async availability(): Promise<{ id: settings.ChainEntry; label: string; ready: boolean }[]> {
    const out: { id: settings.ChainEntry; label: string; ready: boolean }[] = [];
    for (const id of settings.DEFAULT_CHAIN) {
      let ready: boolean;
      if (id === 'vscode-lm') ready = (await pickVscodeModel()) !== undefined;
      else if (id === 'openai-compatible') ready = settings.compatibleBaseUrl() !== undefined;
      else ready = Boolean(await this.apiKey(id));
      out.push({ id, label: settings.PROVIDER_LABELS[id], ready });
    }
    return out;
  }

  private async provider(id: settings.ChainEntry, lmModel?: vscode.LanguageModelChat): Promise<LlmProvider | undefined> {
    if (id === 'vscode-lm') {
      const m = lmModel ?? (await pickVscodeModel());
      return m ? new VscodeLmProvider(m) : undefined;
    }
    const apiKey = await this.apiKey(id);
    if (providerNeedsKey(id) && !apiKey) return undefined;
    const baseUrl = id === 'openai-compatible' ? settings.compatibleBaseUrl() : undefined;
    // An OpenAI-compatible server is only tried when the user pointed us at one.
    if (id === 'openai-compatible' && !baseUrl) return undefined;
    return createProvider({ id, model: settings.modelFor(id), apiKey, baseUrl });
  }

  async router(choice: RouterChoice = {}): Promise<LlmRouter> {
    const providers: LlmProvider[] = [];
    if (choice.lmModel) providers.push(new VscodeLmProvider(choice.lmModel));
    const ids = choice.only ? [choice.only] : settings.providerChain();
    for (const id of ids) {
      if (choice.lmModel && id === 'vscode-lm') continue;
      const p = await this.provider(id);
      if (p) providers.push(p);
      else this.logger.debug(`[ai] ${settings.PROVIDER_LABELS[id]} skipped: not configured`);
    }
    if (!providers.length) {
      throw new UserError('No language model is set up: run "iOpsData: Set API Key" (OpenAI, Anthropic, Groq), set iopsdata.ai.baseUrl for a local server, or install Copilot.', { code: 'no-provider' });
    }
    this.logger.info(`[ai] provider chain: ${providers.map((p) => p.label).join(' → ')}`);
    return new LlmRouter(providers, { log: this.logger, meter: this.meter });
  }

  async catalog(connectionId: string, connection: Connection, refresh = false, signal?: AbortSignal): Promise<CatalogSnapshot> {
    return this.schemaCache.get(connectionId, () => loadCatalog(connection, { signal }), refresh);
  }

  /** The whole pipeline for one question against one connection. */
  async ask(
    connectionId: string,
    o: Omit<AskOptions, 'connection' | 'router' | 'catalog'> & { router: LlmRouter; refreshSchema?: boolean },
  ): Promise<AskResult & { connectionId: string; connection: Connection }> {
    const connection = await this.connections.getConnection(connectionId);
    const catalog = await this.catalog(connectionId, connection, o.refreshSchema, o.signal);
    try {
      const result = await askForSql({
        ...o,
        connection,
        catalog,
        maxRepairAttempts: o.maxRepairAttempts ?? settings.maxRepairAttempts(),
        includeSampleValues: o.includeSampleValues ?? settings.includeSampleValues(),
      });
      return { ...result, connectionId, connection };
    } finally {
      this.usageEmitter.fire();
    }
  }
}

export function signalFromToken(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  else token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}
