import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';

export function registerAccount(_fc: FeatureContext, _connections: ConnectionsApi): void {}
