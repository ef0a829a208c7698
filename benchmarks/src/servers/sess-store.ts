/**
 * The sess store of a target, chosen by `BENCH_STORE`: `memory`, `cookie`, `redis`, `redis-cached`, `file`,
 * `sqlite` or `postgres`. Every store is wrapped so that its calls are counted; the Redis client
 * also counts its commands. Each backend gets the benches' own namespace (Redis database and key
 * prefix, a temporary directory or file, a table of its own).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSessions, MemoryStore, type SessionInterface, type Store } from '@sess/core';
import { countingStore, countRedisCommands, IDLE_SECONDS, onShutdown, redisPrefix, REDIS_URL, SECRET, storeKind } from './server-common.js';

/** Creates the store named by `BENCH_STORE`, or `'cookie'` for client-side sessions. */
async function createStore(kind: string): Promise<Store | 'cookie'> {
  switch (kind) {
    case 'memory':
      return new MemoryStore();
    case 'cookie':
      return 'cookie';
    case 'redis': {
      const { Redis } = await import('ioredis');
      const { RedisStore } = await import('@sess/store-redis');
      const client = new Redis(REDIS_URL);
      countRedisCommands(client as never);
      const store = new RedisStore({ client, prefix: redisPrefix() });
      onShutdown(async () => {
        await store.clear?.();
        client.disconnect();
      });
      return store;
    }
    case 'redis-cached': {
      // The Redis store with its coherent read cache: a returning visitor's read sends no command.
      const { Redis } = await import('ioredis');
      const { RedisStore } = await import('@sess/store-redis');
      const client = new Redis(REDIS_URL);
      countRedisCommands(client as never);
      const store = new RedisStore({ client, prefix: redisPrefix(), cache: true });
      await store.cacheReady();
      onShutdown(async () => {
        await store.clear?.();
        await store.close();
        client.disconnect();
      });
      return store;
    }
    case 'file': {
      const { FileStore } = await import('@sess/store-file');
      const dir = join(tmpdir(), `sess-bench-files-${process.pid}`);
      onShutdown(async () => rmSync(dir, { recursive: true, force: true }));
      return new FileStore({ dir });
    }
    case 'sqlite': {
      const { SqliteStore } = await import('@sess/store-sqlite');
      const path = join(tmpdir(), `sess-bench-${process.pid}.sqlite`);
      const store = new SqliteStore({ path });
      onShutdown(async () => {
        await store.close?.();
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      });
      return store;
    }
    case 'postgres': {
      const { PostgresStore } = await import('@sess/store-postgres');
      const connectionString = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
      const store = new PostgresStore({ url: connectionString, tableName: 'sess_bench_sessions' });
      onShutdown(async () => {
        await store.clear?.();
        await store.close?.();
      });
      return store;
    }
    default:
      throw new Error(`unknown BENCH_STORE ${JSON.stringify(kind)}: use memory, cookie, redis, redis-cached, file, sqlite or postgres`);
  }
}

/** The session interface of a sess target, over the store named by `BENCH_STORE` (calls counted). */
export async function benchSessions(): Promise<SessionInterface> {
  const store = await createStore(storeKind());
  return createSessions({
    store: store === 'cookie' ? store : countingStore(store),
    secret: SECRET,
    idleTimeout: IDLE_SECONDS,
  });
}
