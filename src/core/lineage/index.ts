/** SQL lineage engine: pure TypeScript, no `vscode` import; used by the CLI and the VS Code feature. */
export * from './types';
export { DIALECTS, parseDialect, type Dialect } from './dialects';
export { analyzeScript, analyzeStatement, scriptTables, type AnalyzeOptions } from './analyze';
export { renderJinja, type DbtRef, type RenderedJinja } from './jinja';
export { clearParseCache } from './columns';
