import type { Logger } from '../core/logger';

/** What every subcommand receives: parsed options, positionals and where to write. */
export interface CliContext {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
  debug: boolean;
  log: Logger;
  stdout: (text: string) => void;
  /** Reads all of stdin (for `-` arguments). */
  readStdin: () => Promise<string>;
  signal: AbortSignal;
}

export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, CliOption>;
  /** Returns the process exit code. Throw UserError for a one-line failure. */
  run(ctx: CliContext): Promise<number>;
}
