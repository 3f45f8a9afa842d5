/**
 * `iopsdata ask "<question>" --url <connection-url> --provider openai|anthropic|groq|openai-compatible
 *    [--model M] [--base-url U] [--run] [--json]`
 * The key comes from IOPSDATA_<PROVIDER>_API_KEY (IOPSDATA_OPENAI_COMPATIBLE_API_KEY is optional for local servers).
 * --json prints {"sql", "explanation", "attempts", "usage": {"promptTokens", "completionTokens"}, "result"?} where
 * result is exactly what `iopsdata query --json` prints. The connection is always read-only here.
 * Text output is SQL with the explanation and token use as `--` comments, so it can be piped to `iopsdata query -`.
 */
import { UserError } from '../../core/errors';
import type { QueryResult } from '../../core/connections/types';
import type { CliCommand } from '../types';
import { openUrlConnection, queryResultJson } from '../urlConnection';

const comment = (text: string) => text.split('\n').map((l) => `-- ${l}`.trimEnd()).join('\n');

export const askCommand: CliCommand = {
  name: 'ask',
  summary: 'Turn a question into SQL for a database with an LLM (OpenAI, Anthropic, Groq, OpenAI-compatible); --run runs it.',
  usage: 'iopsdata ask "<question>" --url <connection-url> --provider openai|anthropic|groq|openai-compatible [--model M] [--base-url U] [--run] [--json]',
  options: {
    url: { type: 'string', description: 'Connection URL, as for iopsdata query (duckdb:<file>, postgres://…, snowflake://…).' },
    provider: { type: 'string', description: 'openai | anthropic | groq | openai-compatible (key from IOPSDATA_<PROVIDER>_API_KEY).' },
    model: { type: 'string', description: 'Model name (default per provider).' },
    'base-url': { type: 'string', description: 'API base URL (OpenAI-compatible servers: Ollama http://localhost:11434/v1, LM Studio, vLLM, Azure).' },
    run: { type: 'boolean', description: 'Run the SQL (read-only) and print its result.' },
    'max-repairs': { type: 'string', description: 'Times failing SQL is sent back to the model (default 2).' },
    'sample-values': { type: 'boolean', description: 'Send a few distinct values of text columns with the schema.' },
    timeout: { type: 'string', description: 'Give up on a model call after this many ms without data (default 60000).' },
  },
  async run(ctx) {
    const question = ctx.positionals.join(' ').trim();
    if (!question) throw new UserError('Missing the question: iopsdata ask "<question>" --url <url> --provider <provider>.');
    const url = ctx.options.url;
    if (typeof url !== 'string' || !url.trim()) throw new UserError('Missing --url <connection-url> (see iopsdata ask --help).');
    const { apiKeyEnvVar, createProvider, isProviderId, providerNeedsKey } = await import('../../core/ai/providers');
    const providerId = String(ctx.options.provider ?? '');
    if (!isProviderId(providerId)) throw new UserError(`--provider must be openai, anthropic, groq or openai-compatible${providerId ? `, not '${providerId}'` : ''}.`);
    const apiKey = process.env[apiKeyEnvVar(providerId)]?.trim() || undefined;
    if (providerNeedsKey(providerId) && !apiKey) throw new UserError(`Set ${apiKeyEnvVar(providerId)} to your ${providerId} API key.`);
    const maxRepairs = ctx.options['max-repairs'] === undefined ? 2 : Number(ctx.options['max-repairs']);
    if (!Number.isInteger(maxRepairs) || maxRepairs < 0 || maxRepairs > 10) throw new UserError('--max-repairs must be a whole number from 0 to 10.');
    const idleTimeoutMs = ctx.options.timeout === undefined ? 60_000 : Number(ctx.options.timeout);
    if (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs <= 0) throw new UserError('--timeout must be a positive number of milliseconds.');
    const baseUrl = typeof ctx.options['base-url'] === 'string' ? ctx.options['base-url'] : undefined;
    if (baseUrl !== undefined && !/^https?:\/\/\S+$/.test(baseUrl)) throw new UserError('--base-url must be an http(s) URL.');

    const provider = createProvider({ id: providerId, model: typeof ctx.options.model === 'string' ? ctx.options.model : undefined, apiKey, baseUrl });
    const { LlmRouter } = await import('../../core/ai/router');
    const router = new LlmRouter([provider], { log: ctx.log, idleTimeoutMs });

    const conn = await openUrlConnection(url, { allowWrites: false, log: ctx.log });
    try {
      const { loadCatalog } = await import('../../core/ai/schemaContext');
      const { askForSql } = await import('../../core/ai/nl2sql');
      const catalog = await loadCatalog(conn, { signal: ctx.signal });
      if (!catalog.tables.length) throw new UserError(`${conn.displayName} has no tables to ask about.`);
      ctx.log.info(`[ask] ${catalog.tables.length} tables; asking ${provider.label}`);
      const answer = await askForSql({
        question,
        connection: conn,
        router,
        catalog,
        maxRepairAttempts: maxRepairs,
        includeSampleValues: Boolean(ctx.options['sample-values']),
        signal: ctx.signal,
        onProgress: (p) => {
          if (p.type === 'repairing') ctx.log.info(`[ask] attempt ${p.attempt} failed: ${p.problems.join(' ')}`);
        },
      });
      if (!answer.valid) {
        if (!ctx.json && answer.sql) ctx.stdout(`${answer.sql};`);
        throw new UserError(`The model's SQL still fails after ${answer.attempts} attempts: ${answer.problems.join(' ')}`, { code: 'invalid-sql' });
      }
      let result: QueryResult | undefined;
      if (ctx.options.run) result = await conn.query(answer.sql, { signal: ctx.signal });
      if (ctx.json) {
        ctx.stdout(
          JSON.stringify({
            sql: answer.sql,
            explanation: answer.explanation,
            attempts: answer.attempts,
            usage: { promptTokens: answer.usage.promptTokens, completionTokens: answer.usage.completionTokens },
            ...(result ? { result: queryResultJson(result) } : {}),
          }),
        );
      } else {
        const out = [];
        if (answer.explanation) out.push(comment(answer.explanation));
        out.push(`${answer.sql};`);
        out.push(comment(`${answer.attempts} attempt${answer.attempts === 1 ? '' : 's'} · ${answer.usage.promptTokens} prompt + ${answer.usage.completionTokens} completion tokens · ${provider.label}`));
        if (result) {
          const { formatTable } = await import('./query');
          out.push('', formatTable(result));
        }
        ctx.stdout(out.join('\n'));
      }
      return 0;
    } finally {
      await conn.close();
    }
  },
};
