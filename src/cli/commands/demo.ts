import { UserError } from '../../core/errors';
import type { CliCommand } from '../types';

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: '(being built)',
  usage: 'iopsdata demo <dir>',
  options: {},
  async run() {
    throw new UserError('iopsdata demo is not available in this build yet.');
  },
};
