/** `sess schema`: the SQL a store's table needs, from the store package itself (one source of truth). */
import { UsageError } from './cli-error.js';
import { load, type StoreLocation } from './store-url.js';

/** The `CREATE TABLE` statements of the SQL store at `location`. */
export async function schemaOf(location: StoreLocation, table: string | undefined): Promise<string> {
  switch (location.kind) {
    case 'postgres':
      return (await load('@sess/store-postgres', () => import('@sess/store-postgres'))).postgresSchema(table);
    case 'mysql':
      return (await load('@sess/store-mysql', () => import('@sess/store-mysql'))).mysqlSchema(table);
    case 'sqlite':
      return (await load('@sess/store-sqlite', () => import('@sess/store-sqlite'))).sessionTableSchema(table);
    default:
      throw new UsageError(`${location.kind} stores need no schema: only postgres, mysql and sqlite stores have one`);
  }
}
