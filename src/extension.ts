/**
 * Composition root: builds the shared services once and hands them to each feature. Nothing here computes;
 * heavy modules (DuckDB, parsers, SDKs) load on first use inside the features.
 */
import * as vscode from 'vscode';
import type { FeatureContext } from './features/context';
import { registerConnections } from './features/connections';
import { registerRun } from './features/run';
import { registerProfiling } from './features/profiling';
import { registerLineage } from './features/lineage';
import { registerChat } from './features/chat';
import { registerAccount } from './features/account';

export interface IOpsDataApi {
  /** Milliseconds activate() took; read by the integration tests and the activation benchmark. */
  readonly activationMs: number;
}

export function activate(extension: vscode.ExtensionContext): IOpsDataApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('iOpsData', { log: true });
  extension.subscriptions.push(log, vscode.commands.registerCommand('iopsdata.showLog', () => log.show()));
  const fc: FeatureContext = { extension, log };

  const connections = registerConnections(fc);
  const run = registerRun(fc, connections);
  registerProfiling(fc, connections);
  registerLineage(fc);
  registerChat(fc, connections, run);
  registerAccount(fc, connections, run);

  const activationMs = performance.now() - started;
  log.info(`iOpsData activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs };
}

export function deactivate(): void {}
