export { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { sessionTableSchema } from './session-table-schema.js';
