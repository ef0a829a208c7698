import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testStore } from '@sess/store-test-suite';
import { afterAll } from 'vitest';
import { FileStore } from './file-store.js';

// One fresh directory per run; every test uses random IDs, so instances can share it.
const dir = await mkdtemp(join(tmpdir(), 'sess-store-file-conformance-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

testStore({
  name: 'file',
  create: () => new FileStore({ dir }),
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: true, clear: true, close: true },
});
