import type { CliCommand } from '../types';
import { profileCommand } from './profile';
import { lineageCommand, graphCommand } from './lineage';
import { queryCommand } from './query';
import { askCommand } from './ask';
import { demoCommand } from './demo';

/** Every subcommand of `iopsdata`, in help order. */
export const commands: CliCommand[] = [profileCommand, lineageCommand, graphCommand, queryCommand, askCommand, demoCommand];
