export { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { postgresSchema } from './postgres-schema.js';
