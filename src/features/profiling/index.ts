import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';

export function registerProfiling(_fc: FeatureContext, _connections: ConnectionsApi): void {}
