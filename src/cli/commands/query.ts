import { UserError } from '../../core/errors';
import type { CliCommand } from '../types';

export const queryCommand: CliCommand = {
  name: 'query',
  summary: '(being built)',
  usage: 'iopsdata query',
  options: {},
  async run() {
    throw new UserError('iopsdata query is not available in this build yet.');
  },
};
