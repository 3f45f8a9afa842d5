/**
 * Command registration shared by the features: `register` ties a command to the extension's lifetime, and `guard`
 * turns a command's failure into a logged error plus one readable notification instead of an unhandled rejection.
 */
import * as vscode from 'vscode';
import { userMessage } from '../core/errors';
import type { FeatureContext } from './context';

export function commandHelpers({ extension, log }: FeatureContext) {
  const register = (command: string, fn: (...args: any[]) => unknown) => extension.subscriptions.push(vscode.commands.registerCommand(command, fn));
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await fn(...args);
      } catch (err) {
        log.error(err instanceof Error ? err : String(err));
        void vscode.window.showErrorMessage(userMessage(err));
        return undefined;
      }
    };
  return { register, guard };
}
