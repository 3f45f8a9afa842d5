/**
 * The confirmation before a write on an "Allow writes" connection: a modal naming the statement kinds. A modal
 * cannot be answered from an extension test, so the answer can be scripted — only in ExtensionMode.Test, through a
 * command registered by registerRun; the production path always shows the modal.
 */
import * as vscode from 'vscode';

export interface WriteConfirmation {
  /** e.g. "Run DELETE, UPDATE on 'warehouse'? This can change data." */
  message: string;
  /** The statements, one per line. */
  detail: string;
}

type Confirm = (c: WriteConfirmation) => Promise<boolean>;

const modal: Confirm = async ({ message, detail }) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Run')) === 'Run';

let current: Confirm = modal;

/** Asks before writes; true = run them. */
export function confirmWrite(c: WriteConfirmation): Promise<boolean> {
  return current(c);
}

/**
 * Test mode only: answers the next confirmations from `answers` (false once they run out) and records what was
 * asked; `undefined` restores the modal.
 */
export function scriptConfirmations(answers: boolean[] | undefined, asked: WriteConfirmation[]): void {
  if (!answers) {
    current = modal;
    return;
  }
  const queue = [...answers];
  current = async (c) => {
    asked.push(c);
    return queue.shift() ?? false;
  };
}
