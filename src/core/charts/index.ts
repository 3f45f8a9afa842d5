export * from './types';
export { suggestChart, SUGGEST_LIMITS } from './suggest';
export { aggregateForChart, niceStep, defaultBinCount, OTHER_LABEL, type AggregateOptions } from './aggregate';
export { profileColumns, normaliseType } from './columns';
export { toNumber, toTime, toLabel } from './values';
export { chartExportFile, safeFileName, MAX_EXPORT_BYTES, type ChartExportFile } from './export';
export { specForKind } from './edit';
