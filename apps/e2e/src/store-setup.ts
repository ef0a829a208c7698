import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { START_COMMANDS, TcpProxy } from '@sess/test-servers';

/** Every `SESSION_STORE` the apps support, in the order the suite runs them by default. */
export const ALL_STORES = ['file', 'memory', 'cookie', 'sqlite', 'redis', 'postgres', 'mysql'] as const;

/** One of {@link ALL_STORES}. */
export type StoreName = (typeof ALL_STORES)[number];

/** Stores on a database server: the suite reaches them through a {@link TcpProxy} to test outages. */
export const NETWORK_STORES: readonly StoreName[] = ['redis', 'postgres', 'mysql'];

/** Stores whose records several processes share (so two apps share a login). */
export function isShared(store: StoreName): boolean {
  return store !== 'memory';
}

/** The stores to test: `E2E_STORES` (comma-separated), or all of them. An unknown name is an error. */
export function storesToTest(value = process.env.E2E_STORES): StoreName[] {
  if (value === undefined || value.trim() === '') return [...ALL_STORES];
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  for (const name of names) {
    if (!(ALL_STORES as readonly string[]).includes(name)) {
      throw new Error(`E2E_STORES contains "${name}"; known stores: ${ALL_STORES.join(', ')}.`);
    }
  }
  return names as StoreName[];
}

/** How to start each database server, for failure messages. */
export const START_HINTS: Partial<Record<StoreName, string>> = {
  redis:
    `Is Redis running on REDIS_URL (default redis://127.0.0.1:6379)? Start it with: ${START_COMMANDS.redis}`,
  postgres:
    `Is PostgreSQL running on E2E_POSTGRES_URL (default postgres://127.0.0.1:5432/test)? Start it with: ${START_COMMANDS.postgres}`,
  mysql:
    `Is MariaDB/MySQL running on E2E_MYSQL_URL (default mysql://root@127.0.0.1:3306/test)? Start it with: ${START_COMMANDS.mysql}`,
};

function serverUrl(store: StoreName): URL {
  switch (store) {
    case 'redis':
      return new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    case 'postgres':
      return new URL(process.env.E2E_POSTGRES_URL ?? 'postgres://127.0.0.1:5432/test');
    default:
      return new URL(process.env.E2E_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
  }
}

/** Secret the suite's apps sign with (several apps must share it to share sessions). */
export const TEST_SECRET = 'e2e-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/** What one store's run needs: the apps' environment, an optional proxy, and clean-up. */
export interface StoreSetup {
  store: StoreName;
  environment: Record<string, string>;
  /** The proxy in front of a network store's server. */
  proxy: TcpProxy | undefined;
  hint: string;
  /** Stops the proxy and removes the temporary folder. */
  cleanup(): Promise<void>;
}

/**
 * The environment that makes the apps use `store`: a temporary folder for the file and SQLite
 * stores, a proxy in front of the server of a network store.
 */
export async function setUpStore(store: StoreName, extra: Record<string, string> = {}): Promise<StoreSetup> {
  const folder = mkdtempSync(join(tmpdir(), `sess-e2e-${store}-`));
  const environment: Record<string, string> = {
    SESSION_STORE: store,
    SESSION_SECRET: TEST_SECRET,
    SESSION_DIR: join(folder, 'sessions'),
    SQLITE_PATH: join(folder, 'sessions.db'),
    ...extra,
  };
  let proxy: TcpProxy | undefined;
  if (NETWORK_STORES.includes(store)) {
    const url = serverUrl(store);
    const defaultPort = store === 'redis' ? 6379 : store === 'postgres' ? 5432 : 3306;
    // A hung store drops the open connections, and the held ones once restored, so that the apps reconnect.
    proxy = new TcpProxy({ host: url.hostname, port: url.port === '' ? defaultPort : Number(url.port) }, { frozenConnections: 'drop' });
    await proxy.start();
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    if (store === 'redis') environment.REDIS_URL = url.toString();
    else environment.DATABASE_URL = url.toString();
  }
  return {
    store,
    environment,
    proxy,
    hint: START_HINTS[store] ?? '',
    async cleanup() {
      await proxy?.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
