import * as vscode from 'vscode';
import type { FeatureContext } from '../context';
import type { ConnectionsApi } from './api';

export type { ConnectionsApi } from './api';

// Placeholder until the connections feature lands (being built in parallel); activation must not fail meanwhile.
export function registerConnections(_fc: FeatureContext): ConnectionsApi {
  const emitter = new vscode.EventEmitter<void>();
  return {
    list: () => [],
    getConnection: async () => {
      throw new Error('Connections are not available in this build yet.');
    },
    activeConnectionId: () => 'workspace-files',
    pickConnection: async () => undefined,
    onDidChange: emitter.event,
  };
}
