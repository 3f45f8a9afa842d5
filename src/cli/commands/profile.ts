import { UserError } from '../../core/errors';
import type { CliCommand } from '../types';

function parseHeader(v: string | boolean | string[] | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const s = String(v).toLowerCase();
  if (s === 'true' || s === 'yes' || s === '1') return true;
  if (s === 'false' || s === 'no' || s === '0') return false;
  throw new UserError(`--header must be true or false, not '${String(v)}'.`);
}

function parseDelimiter(v: string | boolean | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (s === '\\t' || s.toLowerCase() === 'tab') return '\t';
  if (!s.length) throw new UserError('--delimiter must not be empty.');
  return s;
}

export const profileCommand: CliCommand = {
  name: 'profile',
  summary: 'Profile a CSV, Parquet or JSON file (types, nulls, distincts, quantiles, histograms, data-quality findings).',
  usage: 'iopsdata profile <path> [--json] [--delimiter C] [--header true|false]',
  options: {
    delimiter: { type: 'string', description: "CSV delimiter to use instead of the detected one ('\\t' for tab)." },
    header: { type: 'string', description: 'Whether the first CSV line is a header (true|false).' },
    quote: { type: 'string', description: 'CSV quote character.' },
    encoding: { type: 'string', description: 'CSV encoding: utf-8, utf-16 or latin-1.' },
    format: { type: 'string', description: 'Force the format: csv, parquet or json.' },
  },
  async run(ctx) {
    const path = ctx.positionals[0];
    if (!path) throw new UserError('Missing <path>. Usage: iopsdata profile <path> [--json]');
    if (ctx.positionals.length > 1) throw new UserError(`Expected one path, got ${ctx.positionals.length}.`);
    const format = ctx.options.format as string | undefined;
    if (format !== undefined && !['csv', 'parquet', 'json'].includes(format)) throw new UserError(`--format must be csv, parquet or json, not '${format}'.`);
    const dialect = {
      ...(parseDelimiter(ctx.options.delimiter) !== undefined ? { delimiter: parseDelimiter(ctx.options.delimiter) } : {}),
      ...(parseHeader(ctx.options.header) !== undefined ? { header: parseHeader(ctx.options.header) } : {}),
      ...(ctx.options.quote !== undefined ? { quote: String(ctx.options.quote) } : {}),
      ...(ctx.options.encoding !== undefined ? { encoding: String(ctx.options.encoding) } : {}),
    };
    const { profileFile, toContractJson, profileToMarkdown } = await import('../../core/profiling');
    const profile = await profileFile(
      path,
      { dialect, format: format as 'csv' | 'parquet' | 'json' | undefined },
      { signal: ctx.signal, onProgress: (phase, p) => ctx.log.debug(`profile: ${phase} (${p.rowCount} rows${p.rowCountIsEstimate ? ', estimated' : ''})`) },
    );
    ctx.stdout(ctx.json ? JSON.stringify(toContractJson(profile)) : profileToMarkdown(profile));
    return 0;
  },
};
