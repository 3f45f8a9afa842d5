// Each app's message types live in their own module and are re-exported here.
export * from './results';
export * from './charts';
export * from './ask';
export {};
export * from './profile';
export * from './lineage';
