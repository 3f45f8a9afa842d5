import type { FeatureContext } from '../context';

/** What other features may ask of the connections feature. */
export interface ConnectionsApi {}

export function registerConnections(_fc: FeatureContext): ConnectionsApi {
  return {};
}
