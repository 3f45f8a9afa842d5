import { UserError } from '../../core/errors';
import type { CliCommand } from '../types';

export const lineageCommand: CliCommand = {
  name: 'lineage',
  summary: '(being built)',
  usage: 'iopsdata lineage <file.sql|->',
  options: {},
  async run() {
    throw new UserError('iopsdata lineage is not available in this build yet.');
  },
};

export const graphCommand: CliCommand = {
  name: 'graph',
  summary: '(being built)',
  usage: 'iopsdata graph <dir>',
  options: {},
  async run() {
    throw new UserError('iopsdata graph is not available in this build yet.');
  },
};
