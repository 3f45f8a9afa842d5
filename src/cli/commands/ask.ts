import { UserError } from '../../core/errors';
import type { CliCommand } from '../types';

export const askCommand: CliCommand = {
  name: 'ask',
  summary: '(being built)',
  usage: 'iopsdata ask',
  options: {},
  async run() {
    throw new UserError('iopsdata ask is not available in this build yet.');
  },
};
