import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testStore } from '@sess/store-test-suite';
import { afterAll } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

// One file for the whole run: every test gets a fresh store instance on it, as processes would.
const folder = mkdtempSync(join(tmpdir(), 'sess-sqlite-conformance-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

testStore({
  name: 'sqlite',
  create: () => new SqliteStore({ path: join(folder, 'sessions.db') }),
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: true, clear: true, close: true },
});
