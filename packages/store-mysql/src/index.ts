export { MysqlStore, type MysqlStoreOptions } from './mysql-store.js';
export { mysqlSchema } from './mysql-schema.js';
