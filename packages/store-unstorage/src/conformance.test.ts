import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testStore } from '@sess/store-test-suite';
import { createStorage } from 'unstorage';
import fsDriver from 'unstorage/drivers/fs';
import memoryDriver from 'unstorage/drivers/memory';
import redisDriver from 'unstorage/drivers/redis';
import { afterAll, beforeAll } from 'vitest';
import { REDIS_URL, requireRedis, uniqueSuffix } from '@sess/test-servers';
import { unstorageStore } from './unstorage-store.js';

/** ioredis options of the tests' driver: bounded connect and command waits, no endless retries. */
const boundedRedisOptions = { connectTimeout: 5000, maxRetriesPerRequest: 1, commandTimeout: 10_000 } as const;

const suffix = uniqueSuffix();
let directory: string;

beforeAll(async () => {
  await requireRedis();
  directory = await mkdtemp(join(tmpdir(), 'sess-unstorage-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

testStore({
  name: 'unstorage memory driver',
  create: () => unstorageStore(createStorage({ driver: memoryDriver() })),
  capabilities: { touch: false, patch: false, lock: false, destroyByOwner: true, listByOwner: false, prune: true, clear: true, close: true },
});

testStore({
  name: 'unstorage fs driver',
  create: () => unstorageStore(createStorage({ driver: fsDriver({ base: directory }) }), { base: `sessions-${suffix}` }),
  capabilities: { touch: false, patch: false, lock: false, destroyByOwner: true, listByOwner: false, prune: true, clear: true, close: true },
});

testStore({
  name: 'unstorage redis driver',
  create: () =>
    unstorageStore(createStorage({ driver: redisDriver({ url: REDIS_URL, base: `sess-test-unstorage-${suffix}`, ...boundedRedisOptions }) })),
  capabilities: { touch: false, patch: false, lock: false, destroyByOwner: true, listByOwner: false, prune: true, clear: true, close: true },
});
