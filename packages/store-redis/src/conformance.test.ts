import { testStore } from '@sess/store-test-suite';
import { Redis as Redis5 } from 'ioredis5';
import { afterAll } from 'vitest';
import { RedisStore } from './redis-store.js';
import { REDIS_URL, requireRedis, uniquePrefix } from '@sess/test-servers';

const prefix = uniquePrefix('conformance');

// Checked once, awaited by every test: with Redis down each test fails and says how to start it.
let reachable: Promise<void> | undefined;

testStore({
  name: 'redis',
  create: async () => {
    await (reachable ??= requireRedis());
    return new RedisStore({ url: REDIS_URL, prefix });
  },
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: false, clear: true, close: true },
});

// The same contract on a client of ioredis 5 (the peer range takes 5 and 6; the store's own
// clients above come from 6, what `npm install ioredis` gives today).
const clients: Array<{ quit(): Promise<unknown> }> = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
});

testStore({
  name: 'redis, on a client of ioredis 5',
  create: async () => {
    await (reachable ??= requireRedis());
    const client = new Redis5(REDIS_URL);
    clients.push(client);
    return new RedisStore({ client: client as never, prefix: `${prefix}v5:` });
  },
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: false, clear: true, close: true },
});

// The same contract with the coherent read cache on: every read of the suite goes through it.
testStore({
  name: 'redis, with the read cache',
  create: async () => {
    await (reachable ??= requireRedis());
    const store = new RedisStore({ url: REDIS_URL, prefix: `${prefix}cached:`, cache: true });
    await store.cacheReady();
    return store;
  },
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: false, clear: true, close: true },
});
