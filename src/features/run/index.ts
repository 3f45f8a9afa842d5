import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';

/** What other features may ask of the run feature (e.g. show a result in the results panel). */
export interface RunApi {}

export function registerRun(_fc: FeatureContext, _connections: ConnectionsApi): RunApi {
  return {};
}
