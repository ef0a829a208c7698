import { MemoryStore } from '@sess/core';
import { testStore } from './test-store.js';

testStore({
  name: 'memory',
  create: () => new MemoryStore(),
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: true, clear: true, close: true, sync: true },
});
