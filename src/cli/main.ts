/**
 * iopsdata CLI: the same src/core the extension uses, without VS Code. Contract: `--json` prints one JSON document
 * on stdout; failures exit non-zero with one line on stderr (a stack trace only with --debug).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { commands } from './commands';
import type { CliCommand, CliContext } from './types';
import { stderrLogger } from '../core/logger';
import { isCancelled, userMessage } from '../core/errors';

declare const __IOPSDATA_VERSION__: string | undefined;

function version(): string {
  if (typeof __IOPSDATA_VERSION__ === 'string') return __IOPSDATA_VERSION__;
  try {
    return require('../../package.json').version as string;
  } catch {
    return '0.0.0';
  }
}

const globalOptions = {
  json: { type: 'boolean', description: 'Print machine-readable JSON on stdout.' },
  debug: { type: 'boolean', description: 'Log progress and show stack traces on stderr.' },
  help: { type: 'boolean', short: 'h', description: 'Show help.' },
} as const;

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `iopsdata ${version()} — profile data files, explain SQL lineage, run and ask questions of your warehouse.`,
    '',
    'Usage: iopsdata <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --json        machine-readable output',
    '  --debug       verbose log and stack traces on stderr',
    '  -h, --help    help (also: iopsdata <command> --help)',
    '  -v, --version print the version',
  ].join('\n');
}

function commandHelp(cmd: CliCommand): string {
  const lines = [`Usage: ${cmd.usage}`, '', cmd.summary, '', 'Options:'];
  const all = { ...cmd.options, ...globalOptions } as Record<string, { type: string; short?: string; description: string }>;
  for (const [name, o] of Object.entries(all)) {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ' <value>' : ''}`;
    lines.push(`  ${flag.padEnd(28)} ${o.description}`);
  }
  return lines.join('\n');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const [first, ...rest] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(mainHelp() + '\n');
    return first ? 0 : 2;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const cmd = commands.find((c) => c.name === first);
  if (!cmd) {
    process.stderr.write(`iopsdata: unknown command '${first}'. Run 'iopsdata --help' for the list.\n`);
    return 2;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const config: ParseArgsConfig = {
      args: rest,
      options: { ...cmd.options, ...globalOptions } as ParseArgsConfig['options'],
      allowPositionals: true,
      strict: true,
    };
    let parsed;
    try {
      parsed = parseArgs(config);
    } catch (err) {
      process.stderr.write(`iopsdata ${cmd.name}: ${userMessage(err)}. Run 'iopsdata ${cmd.name} --help'.\n`);
      return 2;
    }
    const options = parsed.values as CliContext['options'];
    if (options.help) {
      process.stdout.write(commandHelp(cmd) + '\n');
      return 0;
    }
    const ctx: CliContext = {
      positionals: parsed.positionals,
      options,
      json: Boolean(options.json),
      debug,
      log: stderrLogger(debug),
      stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
      readStdin,
      signal: controller.signal,
    };
    return await cmd.run(ctx);
  } catch (err) {
    if (debug && err instanceof Error) process.stderr.write((err.stack ?? String(err)) + '\n');
    const prefix = isCancelled(err) ? 'cancelled' : 'error';
    process.stderr.write(`iopsdata ${cmd.name}: ${prefix}: ${userMessage(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      // Flush stdout before exiting: large JSON documents are written asynchronously to pipes.
      process.stdout.write('', () => process.exit(code));
    },
    (err) => {
      process.stderr.write(`iopsdata: ${userMessage(err)}\n`);
      process.exit(1);
    },
  );
}
