import type { FeatureContext } from '../context';
import type { ConnectionsApi } from '../connections';
import type { RunApi } from '../run';

export function registerChat(_fc: FeatureContext, _connections: ConnectionsApi, _run: RunApi): void {}
