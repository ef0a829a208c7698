import { testStore } from '@sess/store-test-suite';
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
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, prune: false, clear: true, close: true },
});
