/**
 * A stand-in for vscode.window's prompts that answers the guided connection form from a script, so extension tests
 * can drive the real form (same steps, same validation) without a person at the quick input. Registered only in
 * ExtensionMode.Test (see registerConnections).
 */
import * as vscode from 'vscode';
import type { FormUi } from './form';

export interface FormStep {
  kind: 'pick' | 'input' | 'open';
  /** The prompt, placeholder or title the user would read. */
  prompt: string;
  /** Pick: the labels offered. */
  items?: string[];
  /** The answer given (a password is recorded as ***). */
  answer?: string;
  /** Input: what the input box said about a rejected answer. */
  rejected?: string;
}

const plain = (label: string) => label.replace(/\$\([^)]*\)\s*/g, '').trim();

/**
 * Answers prompts in order from `answers`: a pick takes the item whose label (icons stripped) or `v` value equals the
 * answer; an input runs the box's own validateInput, and a rejected answer is recorded and the next one typed, as a
 * person would; an open dialog takes a file path. When the answers run out the prompt is dismissed (cancel).
 */
export function scriptedFormUi(answers: string[]): { ui: FormUi; steps: FormStep[] } {
  const queue = [...answers];
  const steps: FormStep[] = [];
  const ui: FormUi = {
    async showQuickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) {
      const step: FormStep = { kind: 'pick', prompt: options.placeHolder ?? options.title ?? '', items: items.map((i) => plain(i.label)) };
      steps.push(step);
      const answer = queue.shift();
      if (answer === undefined) return undefined;
      step.answer = answer;
      const chosen = items.find((i) => plain(i.label) === answer || (i as { v?: unknown }).v === answer);
      if (!chosen) throw new Error(`No item '${answer}' in the pick '${step.prompt}' (items: ${step.items!.join(' | ')})`);
      return chosen;
    },
    async showInputBox(options: vscode.InputBoxOptions) {
      const step: FormStep = { kind: 'input', prompt: options.prompt ?? options.title ?? '' };
      steps.push(step);
      for (;;) {
        const answer = queue.shift();
        if (answer === undefined) return undefined;
        step.answer = options.password ? '***' : answer;
        const problem = await options.validateInput?.(answer);
        const message = typeof problem === 'string' ? problem : problem?.message;
        if (!message) return answer;
        step.rejected = message;
      }
    },
    async showOpenDialog(options: vscode.OpenDialogOptions) {
      steps.push({ kind: 'open', prompt: options.openLabel ?? options.title ?? '' });
      const answer = queue.shift();
      if (answer === undefined) return undefined;
      steps[steps.length - 1].answer = answer;
      return [vscode.Uri.file(answer)];
    },
  };
  return { ui, steps };
}
