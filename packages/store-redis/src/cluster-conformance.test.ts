import { testStore } from '@sess/store-test-suite';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.js';
import { startRedisCluster, uniquePrefix, type RedisCluster } from '@sess/test-servers';

// A private 3-master Cluster on free loopback ports, killed after the file (also when it fails).
let cluster: RedisCluster | undefined;
let client: Cluster;
const prefix = uniquePrefix('cluster');

/** Settles once the Cluster is up; every test awaits it, so a failed start fails each test with its cause. */
let started: Promise<void> = Promise.resolve();

beforeAll(async () => {
  started = (async () => {
    cluster = await startRedisCluster();
    client = new Cluster(cluster.nodes, {
      enableOfflineQueue: false,
      redisOptions: { connectTimeout: 2000, commandTimeout: 2000, maxRetriesPerRequest: 0 },
    });
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve);
      client.once('error', reject);
    });
  })();
  await started.catch(() => undefined);
}, 60_000);

beforeEach(() => started);

afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

testStore({
  name: 'redis cluster',
  create: async () => {
    await started;
    return new RedisStore({ client, prefix });
  },
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: false, clear: true, close: true },
});

describe('redis cluster layout', () => {
  it('runs on three masters', () => {
    expect(client.nodes('master')).toHaveLength(3);
  });

  it('puts a session and its lock in one slot, and spreads sessions over the masters', async () => {
    const store = new RedisStore({ client, prefix });
    const ids = Array.from({ length: 30 }, (_, index) => `cluster-layout-${String(index).padStart(4, '0')}`);
    const now = Date.now();
    await Promise.all(ids.map((id) => store.set(id, { data: { id }, createdAt: now, expiresAt: now + 60_000, owner: 'ada' })));
    const unlock = await store.lock(ids[0]!, { ttlMs: 10_000, waitMs: 0 });
    const [sessionSlot, lockSlot] = await Promise.all([
      client.cluster('KEYSLOT', `${prefix}{${ids[0]}}`),
      client.cluster('KEYSLOT', `${prefix}{${ids[0]}}:lock`),
    ]);
    expect(lockSlot).toBe(sessionSlot);
    expect(await client.exists(`${prefix}{${ids[0]}}:lock`)).toBe(1);
    await unlock();

    const mastersWithSessions = await Promise.all(
      client.nodes('master').map(async (node) => (await node.scan('0', 'MATCH', `${prefix}{cluster-layout-*`, 'COUNT', 1000))[1].length),
    );
    expect(mastersWithSessions.filter((count) => count > 0).length).toBeGreaterThan(1);

    // The owner's set lives in another slot than most sessions: destroyByOwner still finds them all.
    expect(await store.destroyByOwner('ada')).toBe(ids.length);
    expect(await Promise.all(ids.map((id) => store.get(id)))).toEqual(ids.map(() => undefined));
    await store.clear();
    for (const node of client.nodes('master')) {
      expect((await node.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000))[1]).toEqual([]);
    }
  });
});
