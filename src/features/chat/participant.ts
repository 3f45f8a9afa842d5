/**
 * The @iopsdata chat participant. It uses the model the user picked in the chat (request.model), streams progress
 * and Markdown, shows generated SQL with Run / Open / Lineage buttons, and keeps follow-ups in context by replaying
 * earlier questions and their SQL (kept in each result's metadata).
 */
import * as vscode from 'vscode';
import { explainPrompt, fixPrompt, type ConversationTurn } from '../../core/ai/prompts';
import { formatUsage } from '../../core/ai/usage';
import { autoExecuteDecision } from '../../core/ai/policy';
import { buildSchemaContext } from '../../core/ai/schemaContext';
import type { RouterEvent } from '../../core/ai/router';
import { isCancelled, userMessage } from '../../core/errors';
import type { RunApi } from '../run';
import type { AiService } from './aiService';
import { signalFromToken } from './aiService';
import * as settings from './settings';
import { fileFromContext, sqlFromContext, sqlInPrompt } from './sources';
import { profileFileMarkdown } from './profileBridge';
import { analyzeLineage, lineageMarkdown } from './lineageBridge';

export const PARTICIPANT_ID = 'iopsdata.chat';

export interface AskChatMetadata {
  command: string;
  question?: string;
  sql?: string;
  explanation?: string;
  connectionId?: string;
}

function historyTurns(context: vscode.ChatContext): ConversationTurn[] {
  const turns: ConversationTurn[] = [];
  let pending: string | undefined;
  for (const h of context.history) {
    if (h instanceof vscode.ChatRequestTurn) pending = h.prompt;
    else if (h instanceof vscode.ChatResponseTurn) {
      const md = h.result.metadata as AskChatMetadata | undefined;
      if (pending !== undefined && md?.sql) turns.push({ question: md.question ?? pending, sql: md.sql, explanation: md.explanation });
      pending = undefined;
    }
  }
  return turns;
}

function progressFor(stream: vscode.ChatResponseStream) {
  return (e: RouterEvent) => {
    if (e.type === 'retry') stream.progress(`${e.provider}: ${e.reason} — retrying in ${(e.delayMs / 1000).toFixed(1)} s`);
    else if (e.type === 'fallback') stream.progress(`${e.from} failed (${e.reason}); trying ${e.to}`);
  };
}

/** The follow-up offered under an answer with SQL: explain that query (the SQL rides in the result's metadata). */
export const followupProvider: vscode.ChatFollowupProvider = {
  provideFollowups(result: vscode.ChatResult) {
    const md = result.metadata as AskChatMetadata | undefined;
    if (!md?.sql) return [];
    return [{ prompt: '```sql\n' + md.sql + '\n```', label: 'Explain this query', command: 'explain' }];
  },
};

export function registerParticipant(ai: AiService, run: RunApi, extensionUri: vscode.Uri): { participant: vscode.ChatParticipant; handler: vscode.ChatRequestHandler } {
  const handler = chatRequestHandler(ai, run);
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'iopsdata.svg');
  participant.followupProvider = followupProvider;
  return { participant, handler };
}

/** What @iopsdata does with one request; separate from the registration so the integration tests can drive it. */
export function chatRequestHandler(ai: AiService, run: RunApi): vscode.ChatRequestHandler {
  const handler: vscode.ChatRequestHandler = async (request, context, stream, token) => {
    const signal = signalFromToken(token);
    const command = request.command ?? 'sql';
    try {
      switch (command) {
        case 'explain':
          return await explain(request, stream, signal);
        case 'profile':
          return await profile(request, stream, signal);
        case 'lineage':
          return await lineage(request, stream);
        case 'fix':
          return await sql(request, context, stream, signal, 'fix');
        default:
          return await sql(request, context, stream, signal, 'sql');
      }
    } catch (err) {
      if (isCancelled(err) || token.isCancellationRequested) return { metadata: { command } };
      ai.logger.error(`[chat] /${command}: ${userMessage(err)}`);
      return { errorDetails: { message: userMessage(err) }, metadata: { command } };
    }
  };

  async function sql(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, signal: AbortSignal, mode: 'sql' | 'fix'): Promise<vscode.ChatResult> {
    let question = request.prompt.trim();
    if (mode === 'fix') {
      const src = sqlFromContext(request.prompt, request.references);
      if (!src.sql) {
        stream.markdown('Select the failing query in an editor (or paste it after `/fix`) and tell me the error.');
        return { metadata: { command: 'fix' } };
      }
      const diagnostics = src.uri ? vscode.languages.getDiagnostics(src.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => d.message) : [];
      const error = [src.rest, ...diagnostics].filter(Boolean).join('\n') || '(no error message given: check the query against the schema)';
      question = fixPrompt(src.sql, error);
    }
    if (!question) {
      stream.markdown('Ask a question about your data, e.g. `@iopsdata which customers spent the most last year?`');
      return { metadata: { command: mode } };
    }
    const connectionId = ai.connections.activeConnectionId();
    const name = ai.connections.list().find((c) => c.id === connectionId)?.name ?? connectionId;
    stream.progress(`Reading the schema of ${name}…`);
    const router = await ai.router({ lmModel: request.model });
    const result = await ai.ask(connectionId, {
      question,
      router,
      history: historyTurns(context),
      signal,
      onProgress: (p) => {
        if (p.type === 'schema') stream.progress(`Writing SQL with ${p.tables} relevant table${p.tables === 1 ? '' : 's'}${p.omitted ? ` (of ${p.tables + p.omitted})` : ''}…`);
        else if (p.type === 'validating') stream.progress('Checking the SQL against the database (EXPLAIN)…');
        else if (p.type === 'repairing') stream.progress(`Repairing: ${p.problems[0]}`);
        else if (p.type === 'router') progressFor(stream)(p.event);
      },
    });
    if (result.explanation) stream.markdown(result.explanation + '\n\n');
    stream.markdown('```sql\n' + result.sql + '\n```\n');
    if (!result.valid) stream.markdown(`\n⚠️ This SQL still has problems after ${result.attempts} attempts: ${result.problems.join(' ')}\n`);
    if (result.statement.isWrite) stream.markdown('\n⚠️ This statement changes data; it only runs after you confirm.\n');
    const action = { sql: result.sql, connectionId, title: question.slice(0, 60) };
    stream.button({ command: 'iopsdata.ai.runSql', title: 'Run', arguments: [action] });
    stream.button({ command: 'iopsdata.ai.openSql', title: 'Open in Editor', arguments: [action] });
    stream.button({ command: 'iopsdata.ai.showSqlLineage', title: 'Show Lineage', arguments: [action] });
    const decision = autoExecuteDecision({ autoExecute: settings.autoExecute(), sql: result.sql, dialect: result.connection.dialect, connectionAllowsWrites: result.connection.allowWrites });
    if (decision.run && result.valid) {
      stream.progress('Running (iopsdata.ai.autoExecute is on)…');
      const res = await run.run({ connectionId, sql: result.sql, title: question.slice(0, 60) });
      if (res) stream.markdown(`\n\nRan: ${res.rowCount} row${res.rowCount === 1 ? '' : 's'} in ${Math.round(res.elapsedMs)} ms (see the results panel).\n`);
    }
    stream.markdown(`\n\n_${result.attempts} attempt${result.attempts === 1 ? '' : 's'} · ${formatUsage(result.usage)} · session ${formatUsage(ai.meter.total)}_`);
    const metadata: AskChatMetadata = { command: mode, question: mode === 'sql' ? question : request.prompt, sql: result.sql, explanation: result.explanation, connectionId };
    return { metadata };
  }

  async function explain(request: vscode.ChatRequest, stream: vscode.ChatResponseStream, signal: AbortSignal): Promise<vscode.ChatResult> {
    const src = sqlFromContext(request.prompt, request.references);
    if (!src.sql) {
      stream.markdown('Select a query in a SQL editor (or paste it after `/explain`).');
      return { metadata: { command: 'explain' } };
    }
    const connectionId = ai.connections.activeConnectionId();
    let schemaText: string | undefined;
    let dialect = 'duckdb';
    try {
      const connection = await ai.connections.getConnection(connectionId);
      dialect = connection.dialect;
      schemaText = buildSchemaContext(await ai.catalog(connectionId, connection, false, signal), src.sql, { budgetTokens: 2000 }).text;
    } catch {
      // Explaining works without a connection; the schema only adds detail.
    }
    const router = await ai.router({ lmModel: request.model });
    const res = await router.complete({ messages: explainPrompt(dialect, src.sql, schemaText), signal, onText: (d) => stream.markdown(d) }, progressFor(stream));
    stream.markdown(`\n\n_${formatUsage(res.usage)}_`);
    return { metadata: { command: 'explain', sql: src.sql } };
  }

  async function profile(request: vscode.ChatRequest, stream: vscode.ChatResponseStream, signal: AbortSignal): Promise<vscode.ChatResult> {
    const uri = await fileFromContext(request.prompt, request.references);
    if (!uri) {
      stream.markdown('Name a CSV, Parquet or JSON file (e.g. `/profile data/orders.csv` or `#file`), or open one.');
      return { metadata: { command: 'profile' } };
    }
    stream.progress(`Profiling ${vscode.workspace.asRelativePath(uri)}…`);
    stream.markdown(await profileFileMarkdown(uri.fsPath, signal));
    stream.button({ command: 'iopsdata.profile.file', title: 'Open Profile', arguments: [uri] });
    return { metadata: { command: 'profile' } };
  }

  async function lineage(request: vscode.ChatRequest, stream: vscode.ChatResponseStream): Promise<vscode.ChatResult> {
    // SQL in the prompt, else a file named in the prompt (or #file), else the editor's selection or document.
    let sqlText: string | undefined;
    let uri: vscode.Uri | undefined;
    const selectionRef = request.references.some((r) => r.value instanceof vscode.Location);
    const named = sqlInPrompt(request.prompt) || selectionRef ? undefined : await fileFromContext(request.prompt, request.references, { orActiveEditor: false });
    if (named) {
      uri = named;
      sqlText = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } else {
      const src = sqlFromContext(request.prompt, request.references);
      sqlText = src.sql;
      uri = src.uri;
      if (!sqlText) {
        uri = await fileFromContext(request.prompt, request.references);
        if (uri) sqlText = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      }
    }
    if (!sqlText) {
      stream.markdown('Open a SQL file or dbt model (or select a statement) and ask again.');
      return { metadata: { command: 'lineage' } };
    }
    let dialect: string | undefined;
    try {
      dialect = (await ai.connections.getConnection(ai.connections.activeConnectionId())).dialect;
    } catch {}
    stream.markdown(lineageMarkdown(await analyzeLineage(sqlText, dialect)) + '\n\n');
    if (uri) stream.button({ command: 'iopsdata.lineage.show', title: 'Show Lineage Graph', arguments: [uri] });
    else stream.button({ command: 'iopsdata.ai.showSqlLineage', title: 'Show Lineage Graph', arguments: [{ sql: sqlText }] });
    return { metadata: { command: 'lineage' } };
  }

  return handler;
}
