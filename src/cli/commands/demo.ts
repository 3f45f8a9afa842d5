import { resolve } from 'node:path';
import { UserError } from '../../core/errors';
import type { CliCommand } from '../types';

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Generate the demo workspace: a DuckDB shop warehouse, CSV/Parquet/JSON files and a dbt project.',
  usage: 'iopsdata demo <dir> [--customers N] [--force] [--json]',
  options: {
    customers: { type: 'string', description: 'Number of customers (orders ≈ 6×). Default 2000.' },
    force: { type: 'boolean', description: 'Replace an existing demo in <dir>.' },
  },
  async run(ctx) {
    const [dir] = ctx.positionals;
    if (!dir) throw new UserError('Missing <dir>: where to generate the demo workspace.');
    const customers = ctx.options.customers === undefined ? undefined : Number(ctx.options.customers);
    if (customers !== undefined && !Number.isFinite(customers)) throw new UserError('--customers takes a number.');
    const { generateDemo } = await import('../../core/demo/generateDemo');
    const result = await generateDemo(resolve(dir), { customers, force: Boolean(ctx.options.force), signal: ctx.signal });
    if (ctx.json) ctx.stdout(JSON.stringify(result));
    else {
      ctx.stdout(`Demo workspace ready in ${result.dir}`);
      for (const [t, n] of Object.entries(result.tables)) ctx.stdout(`  shop.${t}: ${n.toLocaleString('en-US')} rows`);
    }
    return 0;
  },
};
