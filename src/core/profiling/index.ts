export * from './types';
export { profileFile, detectFormat, compressionOf } from './file';
export { profileTable, type TableRef } from './table';
export { ProfileCache } from './cache';
export { profileToMarkdown } from './markdown';
export { computeFindings } from './findings';
export { toContractJson } from './contract';
