import type { FeatureContext } from '../context';
import type { ConnectionsApi } from './api';

export type { ConnectionsApi } from './api';

export function registerConnections(_fc: FeatureContext): ConnectionsApi {
  throw new Error('registerConnections: being built');
}
