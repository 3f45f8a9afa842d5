import type { FeatureContext } from '../context';

export function registerLineage(_fc: FeatureContext): void {}
