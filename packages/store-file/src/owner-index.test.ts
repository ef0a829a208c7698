import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';

let dir: string;
const id = (n: number, prefix = 'session') => `${prefix}-${String(n).padStart(12, '0')}`;
const record = (owner?: string, ttlMs = 60_000) => ({ data: { n: 1 }, createdAt: Date.now(), expiresAt: Date.now() + ttlMs, ...(owner ? { owner } : {}) });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sess-owner-index-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the owner index of the file store', () => {
  it('lists records written before the index existed (indexed once, at the first listing)', async () => {
    // Session files as an older version wrote them: no owners/ folder.
    for (let n = 0; n < 3; n++) await writeFile(join(dir, `${id(n, 'old')}.json`), JSON.stringify(record('ada')), { mode: 0o600 });
    await writeFile(join(dir, `${id(9, 'old')}.json`), JSON.stringify(record('grace')), { mode: 0o600 });
    const store = new FileStore({ dir, pruneIntervalMs: 0 });
    expect((await store.listByOwner('ada')).map((entry) => entry.id).sort()).toEqual([id(0, 'old'), id(1, 'old'), id(2, 'old')]);
    expect((await store.listByOwner('grace')).map((entry) => entry.id)).toEqual([id(9, 'old')]);
    await store.close();
  });

  it("reads only the owner's records, and drops markers of records gone or moved to another owner", async () => {
    const store = new FileStore({ dir, pruneIntervalMs: 0 });
    await Promise.all(Array.from({ length: 500 }, (_, n) => store.set(id(n, 'other'), record(`user-${n % 100}`))));
    for (let n = 0; n < 3; n++) await store.set(id(n), record('ada'));
    await store.listByOwner('ada'); // the first call checks the index is complete
    const started = performance.now();
    const listed = await store.listByOwner('ada');
    const elapsed = performance.now() - started;
    expect(listed.map((entry) => entry.id).sort()).toEqual([id(0), id(1), id(2)]);
    console.info(`[file] listByOwner, 3 of the owner's sessions among 500 others: ${elapsed.toFixed(2)} ms`);

    await store.destroy(id(0));
    await store.set(id(1), record('grace'));
    expect((await store.listByOwner('ada')).map((entry) => entry.id)).toEqual([id(2)]);
    await store.close();
  }, 30_000);

  it('lets prune drop the markers of records that are gone, and clear the whole index', async () => {
    const store = new FileStore({ dir, pruneIntervalMs: 0 });
    await store.set(id(1), record('ada', 100));
    await store.set(id(2), record('ada'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.prune();
    const folders = (await readdir(join(dir, 'owners'))).filter((name) => name !== '.complete');
    expect(folders).toHaveLength(1);
    expect(await readdir(join(dir, 'owners', folders[0]!))).toEqual([id(2)]);
    await store.clear();
    expect(await store.listByOwner('ada')).toEqual([]);
    await store.close();
  });
});
