import type * as vscode from 'vscode';

/** What every feature gets from the composition root. */
export interface FeatureContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
}
