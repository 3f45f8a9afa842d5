import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';
import type { RunApi } from './api';

export type { RunApi } from './api';

export function registerRun(_fc: FeatureContext, _connections: ConnectionsApi): RunApi {
  throw new Error('registerRun: being built');
}
