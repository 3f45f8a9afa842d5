/**
 * The "Ask" sidebar view (iopsdata.ask) for users without Copilot: the same NL→SQL pipeline with provider and
 * connection pickers, the conversation kept per workspace (workspaceState), results inline and token use shown.
 */
import * as vscode from 'vscode';
import { WebviewChannel, loadWebviewApp } from '../../webviews/host';
import type { AskToHost, AskToWebview, AskTurn, AskResultTable } from '../../shared/protocol/ask';
import type { QueryResult } from '../../core/connections/types';
import { autoExecuteDecision } from '../../core/ai/policy';
import { summariseResult } from '../../core/ai/summarise';
import { isCancelled, userMessage } from '../../core/errors';
import type { RunApi } from '../run';
import type { AiService } from './aiService';
import * as settings from './settings';

export const ASK_VIEW_ID = 'iopsdata.ask';
const TURNS_KEY = 'iopsdata.ask.turns';
const PROVIDER_KEY = 'iopsdata.ask.provider';
const CONNECTION_KEY = 'iopsdata.ask.connection';
const MAX_TURNS = 50;
const INLINE_ROWS = 200;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function toTable(r: QueryResult): AskResultTable {
  return {
    columns: r.columns.map((c) => c.name),
    rows: r.rows.slice(0, INLINE_ROWS).map((row) => row.map(cellText)),
    rowCount: r.rowCount,
    truncated: Boolean(r.truncated) || r.rows.length > INLINE_ROWS,
    elapsedMs: r.elapsedMs,
  };
}

export class AskViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private channel: WebviewChannel<AskToWebview, AskToHost> | undefined;
  private current: AbortController | undefined;
  private readonly results = new Map<string, QueryResult>();
  private readonly disposables: vscode.Disposable[] = [];
  /** For tests and the integration suite: resolves when a question finished. */
  lastAnswer: Promise<AskTurn | undefined> = Promise.resolve(undefined);
  /** What the view was last sent and how often it resolved / said ready (iopsdata.ai.askStateForTests). */
  private readonly seen: { resolved: number; ready: number; lastState?: AskToWebview; lastTurn?: AskToWebview } = { resolved: 0, ready: 0 };

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly ai: AiService,
    private readonly run: RunApi,
  ) {
    this.disposables.push(
      ai.connections.onDidChange(() => void this.postState()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('iopsdata.ai') && void this.postState()),
    );
  }

  private get turns(): AskTurn[] {
    return this.extension.workspaceState.get<AskTurn[]>(TURNS_KEY, []);
  }

  private async saveTurn(turn: AskTurn): Promise<void> {
    const turns = this.turns.filter((t) => t.id !== turn.id);
    turns.push(turn);
    await this.extension.workspaceState.update(TURNS_KEY, turns.slice(-MAX_TURNS));
    this.post({ type: 'askTurn', turn, sessionUsage: this.ai.meter.total });
  }

  private post(m: AskToWebview): void {
    if (!this.channel) return;
    if (m.type === 'askState') this.seen.lastState = m;
    else this.seen.lastTurn = m;
    this.channel.post(m);
  }

  stateForTests() {
    return { ...this.seen, turns: this.turns };
  }

  private connectionId(): string {
    const saved = this.extension.workspaceState.get<string>(CONNECTION_KEY);
    const list = this.ai.connections.list();
    if (saved && list.some((c) => c.id === saved)) return saved;
    return this.ai.connections.activeConnectionId();
  }

  private async postState(): Promise<void> {
    if (!this.channel) return;
    const avail = await this.ai.availability();
    const connections = this.ai.connections.list();
    const connectionId = this.connectionId();
    this.post({
      type: 'askState',
      providers: [{ id: '', label: 'Configured chain (with fallback)', ready: avail.some((a) => a.ready) }, ...avail.map((a) => ({ id: a.id, label: a.label, ready: a.ready }))],
      provider: this.extension.workspaceState.get<string>(PROVIDER_KEY, ''),
      connections: connections.length ? connections.map((c) => ({ id: c.id, label: c.name })) : [{ id: connectionId, label: connectionId }],
      connectionId,
      turns: this.turns,
      sessionUsage: this.ai.meter.total,
      autoExecute: settings.autoExecute(),
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.channel?.dispose();
    this.seen.resolved++;
    const channel = new WebviewChannel<AskToWebview, AskToHost>(view.webview, this.log, 'ask');
    this.channel = channel;
    loadWebviewApp(view.webview, this.extension.extensionUri, { app: 'ask', title: 'Ask' });
    channel.onMessage((m) => void this.onMessage(m));
    view.onDidDispose(() => {
      channel.dispose();
      if (this.channel === channel) this.channel = undefined;
    });
  }

  private async onMessage(m: AskToHost): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.seen.ready++;
          return await this.postState();
        case 'ask':
          this.lastAnswer = this.ask(m.question);
          await this.lastAnswer;
          return;
        case 'cancel':
          this.current?.abort();
          return;
        case 'setProvider':
          await this.extension.workspaceState.update(PROVIDER_KEY, m.provider);
          return await this.postState();
        case 'setConnection':
          await this.extension.workspaceState.update(CONNECTION_KEY, m.connectionId);
          return await this.postState();
        case 'clear':
          await this.extension.workspaceState.update(TURNS_KEY, []);
          this.results.clear();
          return await this.postState();
        case 'setApiKey':
          await vscode.commands.executeCommand('iopsdata.ai.selectProvider');
          return await this.postState();
        case 'refreshSchema':
          this.ai.schemaCache.invalidate();
          return;
        case 'runTurn':
          return await this.runTurn(m.turnId);
        case 'openTurn':
        case 'lineageTurn': {
          const t = this.turns.find((x) => x.id === m.turnId);
          if (t?.sql) await vscode.commands.executeCommand(m.type === 'openTurn' ? 'iopsdata.ai.openSql' : 'iopsdata.ai.showSqlLineage', { sql: t.sql, connectionId: t.connectionId });
          return;
        }
        case 'summariseTurn':
          return await this.summarise(m.turnId);
      }
    } catch (err) {
      this.log.error(`[ask] ${userMessage(err)}`);
      void vscode.window.showErrorMessage(`iOpsData: ${userMessage(err)}`);
    }
  }

  /** Asks a question as if typed in the view (also used by the integration tests). */
  async ask(question: string, connectionOverride?: string): Promise<AskTurn | undefined> {
    question = question.trim();
    if (!question) return undefined;
    this.current?.abort();
    const ac = new AbortController();
    this.current = ac;
    const connectionId = connectionOverride ?? this.connectionId();
    const connectionName = this.ai.connections.list().find((c) => c.id === connectionId)?.name ?? connectionId;
    const turn: AskTurn = { id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`, question, connectionId, connectionName, status: 'pending', progress: 'Reading the schema…' };
    const history = this.turns.filter((t) => t.status === 'done' && t.connectionId === connectionId && t.sql).map((t) => ({ question: t.question, sql: t.sql, explanation: t.explanation }));
    await this.saveTurn(turn);
    try {
      const provider = this.extension.workspaceState.get<string>(PROVIDER_KEY, '') as settings.ChainEntry | '';
      const router = await this.ai.router(provider ? { only: provider } : {});
      const result = await this.ai.ask(connectionId, {
        question,
        router,
        history,
        signal: ac.signal,
        onProgress: (p) => {
          const text =
            p.type === 'schema' ? `Writing SQL with ${p.tables} relevant tables…`
            : p.type === 'validating' ? 'Checking the SQL (EXPLAIN)…'
            : p.type === 'repairing' ? `Repairing: ${p.problems[0]}`
            : p.type === 'router' && p.event.type === 'retry' ? `${p.event.provider}: retrying in ${(p.event.delayMs / 1000).toFixed(1)} s`
            : p.type === 'router' && p.event.type === 'fallback' ? `${p.event.from} failed; trying ${p.event.to}`
            : undefined;
          if (text) this.post({ type: 'askTurn', turn: { ...turn, progress: text }, sessionUsage: this.ai.meter.total });
        },
      });
      Object.assign(turn, {
        status: 'done',
        progress: undefined,
        sql: result.sql,
        explanation: result.explanation,
        attempts: result.attempts,
        valid: result.valid,
        problems: result.problems,
        isWrite: result.statement.isWrite,
        provider: result.provider,
        model: result.model,
        usage: result.usage,
      } satisfies Partial<AskTurn>);
      await this.saveTurn(turn);
      const decision = autoExecuteDecision({ autoExecute: settings.autoExecute(), sql: result.sql, dialect: result.connection.dialect, connectionAllowsWrites: result.connection.allowWrites });
      if (decision.run && result.valid) await this.runTurn(turn.id);
    } catch (err) {
      Object.assign(turn, { status: 'error', progress: undefined, error: isCancelled(err) ? 'Cancelled.' : userMessage(err) });
      await this.saveTurn(turn);
    } finally {
      if (this.current === ac) this.current = undefined;
    }
    return this.turns.find((t) => t.id === turn.id);
  }

  private async runTurn(turnId: string): Promise<void> {
    const turn = this.turns.find((t) => t.id === turnId);
    if (!turn?.sql) return;
    try {
      // RunApi applies the read-only policy and write confirmation, records history and opens the result grid.
      const res = await this.run.run({ connectionId: turn.connectionId, sql: turn.sql, title: turn.question.slice(0, 60) });
      if (!res) return;
      this.results.set(turn.id, res);
      await this.saveTurn({ ...turn, result: toTable(res), runError: undefined });
    } catch (err) {
      await this.saveTurn({ ...turn, runError: userMessage(err) });
    }
  }

  private async summarise(turnId: string): Promise<void> {
    const turn = this.turns.find((t) => t.id === turnId);
    const result = this.results.get(turnId);
    if (!turn?.sql || !result) return;
    const provider = this.extension.workspaceState.get<string>(PROVIDER_KEY, '') as settings.ChainEntry | '';
    const router = await this.ai.router(provider ? { only: provider } : {});
    const s = await summariseResult(router, { question: turn.question, sql: turn.sql, result });
    await this.saveTurn({ ...this.turns.find((t) => t.id === turnId)!, summary: s.text });
  }

  dispose(): void {
    this.current?.abort();
    for (const d of this.disposables) d.dispose();
    this.channel?.dispose();
  }
}
