/** Public surface of the AI core (no vscode imports: the CLI, tests and the extension share it). */
export * from './types';
export * from './router';
export * from './usage';
export * from './providers';
export * from './parseResponse';
export * from './prompts';
export * from './schemaContext';
export * from './sqlValidation';
export * from './nl2sql';
export * from './policy';
export * from './summarise';
