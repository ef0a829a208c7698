import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreUnavailableError, type SessionRecord } from '@sess/core';
import { randomStoreId } from '@sess/store-test-suite';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.js';
import { freePort, RedisServer, uniquePrefix, type RedisServerOptions } from '@sess/test-servers';

// Each test runs its own redis-server, so that killing it never disturbs anyone else.
const TIMEOUT_MS = 1_000;
/** Room for the event loop and a loaded machine; a hang would blow far past it. */
const MARGIN_MS = 1_500;

const servers: RedisServer[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const start = async (options: RedisServerOptions) => {
  const server = await RedisServer.start(options);
  servers.push(server);
  return server;
};

const record = (): SessionRecord => {
  const now = Date.now();
  return { data: { user: 'ada', cart: [1, 2, 3] }, createdAt: now, expiresAt: now + 60_000, owner: 'ada' };
};

/** Runs `operation` and returns its error and how long it took to settle. */
async function timed(operation: () => Promise<unknown>): Promise<{ error: unknown; elapsed: number }> {
  const started = Date.now();
  try {
    await operation();
    return { error: undefined, elapsed: Date.now() - started };
  } catch (error) {
    return { error, elapsed: Date.now() - started };
  }
}

/** Retries `operation` until it resolves or `withinMs` runs out. */
async function eventually<T>(operation: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await operation();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('outage', () => {
  it(
    'rejects with StoreUnavailableError within timeoutMs while Redis is down, then recovers by itself',
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'sess-redis-outage-'));
      cleanups.push(() => rm(directory, { recursive: true, force: true }));
      const server = await start({ directory, appendOnly: true });
      const store = new RedisStore({ url: server.url, prefix: uniquePrefix('outage'), timeoutMs: TIMEOUT_MS });
      cleanups.push(() => store.close());

      const id = randomStoreId();
      const written = record();
      await store.set(id, written);
      expect(await store.get(id)).toEqual(written);

      await server.kill('SIGKILL');

      const failedGet = await timed(() => store.get(id));
      expect(StoreUnavailableError.isInstance(failedGet.error), String(failedGet.error)).toBe(true);
      expect((failedGet.error as StoreUnavailableError).detail).toMatch(/^\[redis\] get /);
      expect(failedGet.elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);

      const failedSet = await timed(() => store.set(randomStoreId(), record()));
      expect(StoreUnavailableError.isInstance(failedSet.error), String(failedSet.error)).toBe(true);
      expect(failedSet.elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);

      // Many callers at once during the outage: every one settles, none hangs.
      const many = await Promise.all(Array.from({ length: 50 }, () => timed(() => store.get(id))));
      for (const outcome of many) {
        expect(StoreUnavailableError.isInstance(outcome.error)).toBe(true);
        expect(outcome.elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      }

      // Same port, same directory: the append-only file brings the session back, and the same store
      // instance reconnects without help.
      await start({ port: server.port, directory, appendOnly: true });
      expect(await eventually(() => store.get(id), 10_000)).toEqual(written);
      const after = randomStoreId();
      await store.set(after, record());
      expect((await store.get(after))?.data).toEqual(written.data);
    },
    30_000,
  );

  it(
    'rejects within timeoutMs when Redis accepts connections but never answers, even on a client without timeouts',
    async () => {
      const server = await start({});
      // A client the application made with no command timeout: the store's own deadline still holds.
      const client = new Redis(server.url);
      cleanups.push(async () => client.disconnect());
      const store = new RedisStore({ client, prefix: uniquePrefix('hung'), timeoutMs: TIMEOUT_MS });
      const id = randomStoreId();
      await store.set(id, record());

      server.freeze();
      try {
        const failed = await timed(() => store.get(id));
        expect(StoreUnavailableError.isInstance(failed.error), String(failed.error)).toBe(true);
        expect((failed.error as StoreUnavailableError).detail).toMatch(/timed out after 1000 ms/);
        expect(failed.elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      } finally {
        server.thaw();
      }
      expect((await eventually(() => store.get(id), 10_000))?.owner).toBe('ada');
    },
    30_000,
  );

  it(
    'rejects within timeoutMs when Redis is down from the start, then works once it starts',
    async () => {
      const port = await freePort();
      const store = new RedisStore({ url: `redis://127.0.0.1:${port}`, prefix: uniquePrefix('late'), timeoutMs: TIMEOUT_MS });
      cleanups.push(() => store.close());
      const id = randomStoreId();

      const failed = await timed(() => store.set(id, record()));
      expect(StoreUnavailableError.isInstance(failed.error), String(failed.error)).toBe(true);
      expect((failed.error as StoreUnavailableError).detail).toMatch(/ECONNREFUSED/);
      expect(failed.elapsed).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      // Now the store knows Redis refuses connections: the next call fails at once, with the cause.
      const fast = await timed(() => store.get(id));
      expect(StoreUnavailableError.isInstance(fast.error)).toBe(true);
      expect((fast.error as StoreUnavailableError).detail).toMatch(/not connected.*ECONNREFUSED/);
      expect(((fast.error as StoreUnavailableError).cause as { code?: string }).code).toBe('ECONNREFUSED');
      expect(fast.elapsed).toBeLessThan(TIMEOUT_MS / 2);

      await start({ port });
      await eventually(() => store.set(id, record()), 10_000);
      expect((await store.get(id))?.data).toEqual(record().data);
    },
    30_000,
  );
});
