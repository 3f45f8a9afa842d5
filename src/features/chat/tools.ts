/**
 * Language-model tools so agent mode can use iOpsData: list the schema, run a read-only query (after a confirmation
 * that shows the SQL), profile a file, get lineage. Declared in package.json contributes.languageModelTools.
 */
import * as vscode from 'vscode';
import { classifyScript } from '../../core/connections/classify';
import { buildSchemaContext } from '../../core/ai/schemaContext';
import { resultAsText } from '../../core/ai/summarise';
import { userMessage } from '../../core/errors';
import type { AiService } from './aiService';
import { signalFromToken } from './aiService';
import { profileFileMarkdown } from './profileBridge';
import { analyzeLineage, lineageMarkdown } from './lineageBridge';

export const TOOL_NAMES = {
  listSchema: 'iopsdata_listSchema',
  runQuery: 'iopsdata_runQuery',
  profileFile: 'iopsdata_profileFile',
  getLineage: 'iopsdata_getLineage',
} as const;

const text = (s: string) => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(s)]);

interface ListSchemaInput {
  connectionId?: string;
  question?: string;
}
interface RunQueryInput {
  sql: string;
  connectionId?: string;
  maxRows?: number;
}
interface PathInput {
  path: string;
}
interface LineageInput {
  path?: string;
  sql?: string;
  dialect?: string;
}

function resolvePath(p: string): vscode.Uri {
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p)) return vscode.Uri.file(p);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, p) : vscode.Uri.file(p);
}

export function registerTools(ai: AiService): vscode.Disposable[] {
  return Object.entries(createTools(ai)).map(([name, tool]) => vscode.lm.registerTool(name, tool));
}

/** The tool implementations by name (registered by registerTools; the integration tests also read their confirmations). */
export function createTools(ai: AiService): Record<string, vscode.LanguageModelTool<any>> {
  const connectionName = (id: string) => ai.connections.list().find((c) => c.id === id)?.name ?? id;

  const listSchema: vscode.LanguageModelTool<ListSchemaInput> = {
    async invoke(options, token) {
      const signal = signalFromToken(token);
      const id = options.input?.connectionId || ai.connections.activeConnectionId();
      try {
        const connection = await ai.connections.getConnection(id);
        const snap = await ai.catalog(id, connection, false, signal);
        const ctx = buildSchemaContext(snap, options.input?.question ?? '', { budgetTokens: 4000 });
        const others = ai.connections.list().filter((c) => c.id !== id).map((c) => `${c.id} (${c.name}, ${c.kind})`);
        return text(
          [
            `Connection ${id} (${connectionName(id)}, ${connection.dialect}, ${connection.allowWrites ? 'writes allowed' : 'read-only'}).`,
            ctx.text,
            ctx.omitted ? `(${ctx.omitted} more tables not shown; pass a question to rank tables by relevance.)` : '',
            others.length ? `Other connections: ${others.join(', ')}` : '',
          ].filter(Boolean).join('\n\n'),
        );
      } catch (err) {
        return text(`Could not read the schema of ${id}: ${userMessage(err)}`);
      }
    },
    prepareInvocation(options) {
      return { invocationMessage: `Reading the schema of ${connectionName(options.input?.connectionId || ai.connections.activeConnectionId())}` };
    },
  };

  const runQuery: vscode.LanguageModelTool<RunQueryInput> = {
    prepareInvocation(options) {
      const id = options.input?.connectionId || ai.connections.activeConnectionId();
      const sql = String(options.input?.sql ?? '');
      const md = new vscode.MarkdownString(`Run this read-only query on **${connectionName(id)}**?\n\n`);
      md.appendCodeblock(sql, 'sql');
      return { invocationMessage: `Running a read-only query on ${connectionName(id)}`, confirmationMessages: { title: 'Run SQL query', message: md } };
    },
    async invoke(options, token) {
      const sql = String(options.input?.sql ?? '').trim();
      const id = options.input?.connectionId || ai.connections.activeConnectionId();
      if (!sql) return text('No SQL was given.');
      const script = classifyScript(sql, 'postgres');
      if (script.statements.length !== 1) return text('Pass exactly one statement.');
      if (script.isWrite) return text(`Refused: this tool only runs read-only queries, and this is a ${script.statements[0]?.kind.toUpperCase()} statement. Show the SQL to the user instead.`);
      try {
        const connection = await ai.connections.getConnection(id);
        // Classify again with the connection's dialect (e.g. Snowflake comments) before running.
        if (classifyScript(sql, connection.dialect).isWrite) return text('Refused: the statement could change data.');
        const maxRows = Math.max(1, Math.min(Number(options.input?.maxRows) || 50, 500));
        const result = await connection.query(sql, { maxRows, signal: signalFromToken(token), timeoutMs: 60_000 });
        return text(resultAsText(result, maxRows).text);
      } catch (err) {
        return text(`The query failed: ${userMessage(err)}`);
      }
    },
  };

  const profileFile: vscode.LanguageModelTool<PathInput> = {
    prepareInvocation(options) {
      return { invocationMessage: `Profiling ${options.input?.path ?? 'a file'}` };
    },
    async invoke(options, token) {
      if (!options.input?.path) return text('Pass the path of a CSV, Parquet or JSON file.');
      return text(await profileFileMarkdown(resolvePath(options.input.path).fsPath, signalFromToken(token)));
    },
  };

  const getLineage: vscode.LanguageModelTool<LineageInput> = {
    prepareInvocation(options) {
      return { invocationMessage: `Working out lineage of ${options.input?.path ?? 'the SQL'}` };
    },
    async invoke(options) {
      try {
        let sql = options.input?.sql;
        if (!sql && options.input?.path) sql = new TextDecoder().decode(await vscode.workspace.fs.readFile(resolvePath(options.input.path)));
        if (!sql) return text('Pass `sql` or the `path` of a SQL file.');
        return text(lineageMarkdown(await analyzeLineage(sql, options.input?.dialect)));
      } catch (err) {
        return text(`Could not work out lineage: ${userMessage(err)}`);
      }
    },
  };

  return {
    [TOOL_NAMES.listSchema]: listSchema,
    [TOOL_NAMES.runQuery]: runQuery,
    [TOOL_NAMES.profileFile]: profileFile,
    [TOOL_NAMES.getLineage]: getLineage,
  };
}
