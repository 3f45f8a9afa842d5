import { UserError } from '../../core/errors';
import type { CliCommand } from '../types';

export const profileCommand: CliCommand = {
  name: 'profile',
  summary: '(being built)',
  usage: 'iopsdata profile',
  options: {},
  async run() {
    throw new UserError('iopsdata profile is not available in this build yet.');
  },
};
