import { createServer, type Socket } from 'node:net';
import { createSessions, StoreUnavailableError, type SessionRecord } from '@sess/core';
import { randomStoreId } from '@sess/store-test-suite';
import { Redis } from 'ioredis';
import { createStorage } from 'unstorage';
import memoryDriver from 'unstorage/drivers/memory';
import redisDriver from 'unstorage/drivers/redis';
import { beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, requireRedis, uniqueSuffix } from '@sess/test-servers';
import { unstorageStore } from './unstorage-store.js';

const record = (data: SessionRecord['data'], lifetimeMs = 60_000): SessionRecord => ({
  data,
  createdAt: Date.now() - 1_000,
  expiresAt: Date.now() + lifetimeMs,
});

describe('unstorageStore', () => {
  beforeAll(() => requireRedis());

  it('round-trips keys unstorage\'s own parser would drop (__proto__, constructor)', async () => {
    const store = unstorageStore(createStorage({ driver: memoryDriver() }));
    const data = JSON.parse('{"__proto__":{"admin":true},"constructor":"x","plain":1}');
    const id = randomStoreId();
    await store.set(id, record(data));
    const read = await store.get(id);
    expect(read?.data).toEqual(data);
    expect(Object.keys(read!.data)).toEqual(['__proto__', 'constructor', 'plain']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('keeps to its base: clear, prune and destroyByOwner leave other keys of the storage alone', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    await storage.setItem('session:other', 'keep me');
    await storage.setItem('app:settings', { theme: 'dark' });
    const store = unstorageStore(storage, { base: 'sess' });
    await store.set(randomStoreId(), { ...record({ a: 1 }), owner: 'ada' });
    expect(await store.destroyByOwner!('ada')).toBe(1);
    await store.set(randomStoreId(), record({ b: 2 }));
    await storage.setItemRaw('sess:not-a-record-value', '{cut sho');
    expect(await store.prune!()).toBe(1);
    await store.clear!();
    expect(await storage.getKeys()).toEqual(['session:other', 'app:settings']);
    expect(await storage.getItem('session:other')).toBe('keep me');
  });

  it('reads a corrupt value as no session', async () => {
    const storage = createStorage({ driver: memoryDriver() });
    const store = unstorageStore(storage);
    const id = randomStoreId();
    await storage.setItemRaw(`sess:${id}`, '{"data":');
    expect(await store.get(id)).toBeUndefined();
  });

  it('gives Redis a native TTL that ends with the record', async () => {
    const base = `sess-test-unstorage-ttl-${uniqueSuffix()}`;
    const store = unstorageStore(createStorage({ driver: redisDriver({ url: REDIS_URL, base }) }));
    const client = new Redis(REDIS_URL);
    try {
      const id = randomStoreId();
      await store.set(id, record({ a: 1 }, 90_000));
      const ttl = await client.ttl(`${base}:sess:${id}`);
      expect(ttl).toBeGreaterThan(80);
      expect(ttl).toBeLessThanOrEqual(90);
      await store.destroy(id);
      expect(await client.exists(`${base}:sess:${id}`)).toBe(0);
    } finally {
      await store.close!();
      client.disconnect();
    }
  });

  it('disposes the storage on close unless told not to', async () => {
    let disposed = 0;
    const storage = createStorage({ driver: { ...memoryDriver(), dispose: () => void (disposed += 1) } });
    await unstorageStore(storage, { dispose: false }).close!();
    expect(disposed).toBe(0);
    await unstorageStore(storage).close!();
    expect(disposed).toBe(1);
  });

  it("turns a backend that never answers into StoreUnavailableError naming the store, after the core's storeTimeout", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const store = unstorageStore(
      createStorage({ driver: redisDriver({ url: `redis://127.0.0.1:${port}`, lazyConnect: true, maxRetriesPerRequest: 0 }) }),
      { name: 'unstorage-redis' },
    );
    const sessions = createSessions({ store, secret: 'a secret long enough to sign the cookies of this test', storeTimeout: 300 });
    try {
      const error = await sessions.ping().catch((caught: unknown) => caught);
      expect(StoreUnavailableError.isInstance(error)).toBe(true);
      expect((error as StoreUnavailableError).detail).toMatch(/\[unstorage-redis\] ping did not answer within 300 ms/);
    } finally {
      await store.close!().catch(() => undefined);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
