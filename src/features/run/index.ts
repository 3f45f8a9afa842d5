import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';
import type { RunApi } from './api';

export type { RunApi } from './api';

// Placeholder until the run feature lands (being built in parallel); activation must not fail meanwhile.
export function registerRun(_fc: FeatureContext, _connections: ConnectionsApi): RunApi {
  return {
    run: async () => {
      throw new Error('Running SQL is not available in this build yet.');
    },
  };
}
