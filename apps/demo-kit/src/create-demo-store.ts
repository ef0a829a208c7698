import { userInfo } from 'node:os';
import type { Store } from '@sess/core';
import { DemoConfigError, type DemoConfig } from './demo-config.js';

/**
 * Longest a store operation may take before the store itself gives up, in ms. Kept under the
 * core's timeout (see `STORE_TIMEOUT_MS`) so that the error names the real cause.
 */
export const DRIVER_TIMEOUT_MS = 1200;

/** Table the SQL stores use, so the demo never touches another application's `sessions` table. */
export const DEMO_TABLE = 'demo_sessions';

/** Key prefix of the Redis store. */
export const DEMO_REDIS_PREFIX = 'sess:demo:';

/**
 * `url` with a user name when it has none: like `psql`, connect as the operating-system user (or
 * `PGUSER`), which the `pg` driver does not do by itself when `USER` is unset.
 */
export function withDefaultPostgresUser(url: string, environment: NodeJS.ProcessEnv = process.env): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '') return url;
  parsed.username = environment.PGUSER ?? environment.USER ?? userInfo().username;
  return parsed.toString();
}

/**
 * Loads `packageName` with a dynamic `import()`, so that an app loads only the driver of the store
 * it uses, and turns a missing or unbuilt package into a clear start-up error. `exportName` is the
 * class the store needs; its absence is reported the same way.
 */
async function loadStorePackage<Module>(kind: string, packageName: string, exportName: keyof Module & string): Promise<Module> {
  let module: Module;
  try {
    module = (await import(packageName)) as Module;
  } catch (error) {
    throw new DemoConfigError(
      `SESSION_STORE=${kind} needs ${packageName}, which could not be loaded (${(error as Error).message}). ` +
        `Build it with \`pnpm --filter ${packageName} build\`.`,
    );
  }
  if (typeof module[exportName] !== 'function') {
    throw new DemoConfigError(
      `SESSION_STORE=${kind} is not available: ${packageName} does not export ${exportName} ` +
        `(is it built? \`pnpm --filter ${packageName} build\`). Pick another SESSION_STORE.`,
    );
  }
  return module;
}

/**
 * The store for `config.store`, or `'cookie'` for client-side sessions. Only the chosen store's
 * package (and so its database driver) is loaded.
 */
export async function createDemoStore(config: DemoConfig): Promise<Store | 'cookie'> {
  switch (config.store) {
    case 'cookie':
      return 'cookie';
    case 'memory': {
      const { MemoryStore } = await loadStorePackage<typeof import('@sess/core')>('memory', '@sess/core', 'MemoryStore');
      return new MemoryStore();
    }
    case 'file': {
      const { FileStore } = await loadStorePackage<typeof import('@sess/store-file')>('file', '@sess/store-file', 'FileStore');
      return new FileStore({ dir: config.sessionDir });
    }
    case 'sqlite': {
      const { SqliteStore } = await loadStorePackage<typeof import('@sess/store-sqlite')>('sqlite', '@sess/store-sqlite', 'SqliteStore');
      return new SqliteStore({ path: config.sqlitePath, tableName: DEMO_TABLE });
    }
    case 'redis': {
      const { RedisStore } = await loadStorePackage<typeof import('@sess/store-redis')>('redis', '@sess/store-redis', 'RedisStore');
      return new RedisStore({ url: config.redisUrl, prefix: DEMO_REDIS_PREFIX, timeoutMs: DRIVER_TIMEOUT_MS });
    }
    case 'postgres': {
      const { PostgresStore } = await loadStorePackage<typeof import('@sess/store-postgres')>(
        'postgres',
        '@sess/store-postgres',
        'PostgresStore',
      );
      return new PostgresStore({
        url: withDefaultPostgresUser(config.databaseUrl),
        tableName: DEMO_TABLE,
        timeoutMs: DRIVER_TIMEOUT_MS,
      });
    }
    case 'mysql': {
      const { MysqlStore } = await loadStorePackage<typeof import('@sess/store-mysql')>('mysql', '@sess/store-mysql', 'MysqlStore');
      return new MysqlStore({ url: config.databaseUrl, tableName: DEMO_TABLE, timeoutMs: DRIVER_TIMEOUT_MS });
    }
  }
}
