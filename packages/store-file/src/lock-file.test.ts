import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockTimeoutError, StoreUnavailableError, type SessionRecord } from '@sess/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, type FileStoreOptions } from './file-store.js';
import { releaseLockFile, removeStaleLockFile, tryLockFile } from './lock-file.js';

let dir: string;
const stores: FileStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sess-store-file-lock-'));
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

function createStore(options: FileStoreOptions = {}): FileStore {
  const store = new FileStore({ dir, pruneIntervalMs: 0, ...options });
  stores.push(store);
  return store;
}

const id = 'locked-session-0001';
const lockPath = () => join(dir, `${id}.lock`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

function record(data: SessionRecord['data'] = {}): SessionRecord {
  return { data, createdAt: Date.now(), expiresAt: Date.now() + 60_000 };
}

describe('FileStore.lock', () => {
  it('creates <id>.lock holding a token and an expiry, and unlock deletes it', async () => {
    const store = createStore();
    const before = Date.now();
    const unlock = await store.lock(id, { ttlMs: 10_000, waitMs: 0 });
    const content = JSON.parse(await readFile(lockPath(), 'utf8'));
    expect(content.token).toMatch(/^[0-9a-f]{32}$/);
    expect(content.expiresAt).toBeGreaterThanOrEqual(before + 10_000);
    expect(content.expiresAt).toBeLessThanOrEqual(Date.now() + 10_000);

    await unlock();
    expect(existsSync(lockPath())).toBe(false);
    await unlock(); // twice is safe
  });

  it('a second holder waits and gives up with LockTimeoutError, from the same or another instance', async () => {
    const first = createStore();
    const second = createStore();
    const unlock = await first.lock(id, { ttlMs: 10_000, waitMs: 0 });
    for (const store of [first, second]) {
      const error = await rejection(store.lock(id, { ttlMs: 10_000, waitMs: 60 }));
      expect(LockTimeoutError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^\[sess\] \[file\] /);
    }
    await unlock();
    await (await second.lock(id, { ttlMs: 10_000, waitMs: 0 }))();
  });

  it('a waiter gets the lock as soon as the holder releases it', async () => {
    const first = createStore();
    const second = createStore();
    const unlock = await first.lock(id, { ttlMs: 10_000, waitMs: 0 });
    let acquired = false;
    const waiting = second.lock(id, { ttlMs: 10_000, waitMs: 5_000 }).then((release) => {
      acquired = true;
      return release;
    });
    await sleep(50);
    expect(acquired).toBe(false);
    await unlock();
    const release = await waiting;
    expect(acquired).toBe(true);
    await release();
  });

  it('takes over a lock whose ttl ran out, and the old holder cannot release the new lock', async () => {
    const first = createStore();
    const second = createStore();
    const unlockOld = await first.lock(id, { ttlMs: 80, waitMs: 0 });
    const unlockNew = await second.lock(id, { ttlMs: 10_000, waitMs: 5_000 });
    const newToken = JSON.parse(await readFile(lockPath(), 'utf8')).token;

    await unlockOld();
    expect(JSON.parse(await readFile(lockPath(), 'utf8')).token).toBe(newToken);
    expect(LockTimeoutError.isInstance(await rejection(first.lock(id, { ttlMs: 1_000, waitMs: 30 })))).toBe(true);
    await unlockNew();
    expect(existsSync(lockPath())).toBe(false);
  });

  it('treats an empty lock file (a holder that crashed before writing it) as held until lockStaleMs, then takes it over', async () => {
    const store = createStore({ lockStaleMs: 10_000 });
    await writeFile(lockPath(), '');
    expect(LockTimeoutError.isInstance(await rejection(store.lock(id, { ttlMs: 1_000, waitMs: 40 })))).toBe(true);

    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath(), old, old);
    const unlock = await store.lock(id, { ttlMs: 1_000, waitMs: 0 });
    expect(JSON.parse(await readFile(lockPath(), 'utf8')).token).toMatch(/^[0-9a-f]{32}$/);
    await unlock();
  });

  it('gives mutual exclusion to many contenders from two instances', async () => {
    const first = createStore();
    const second = createStore();
    let inside = 0;
    let overlaps = 0;
    let entries = 0;
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const unlock = await (i % 2 ? first : second).lock(id, { ttlMs: 10_000, waitMs: 20_000 });
        inside += 1;
        if (inside > 1) overlaps += 1;
        await sleep(1);
        entries += 1;
        inside -= 1;
        await unlock();
      }),
    );
    expect(entries).toBe(30);
    expect(overlaps).toBe(0);
    expect(existsSync(lockPath())).toBe(false);
  });

  it('is independent of the write lock: a held session lock does not block writes to the session', async () => {
    const store = createStore({ lockWaitMs: 100 });
    const unlock = await store.lock(id, { ttlMs: 10_000, waitMs: 0 });
    await store.set(id, record({ a: 1 }));
    await store.patch(id, { set: { b: 2 }, unset: [] }, Date.now() + 60_000);
    expect((await store.get(id))?.data).toEqual({ a: 1, b: 2 });
    await unlock();
  });
});

describe('FileStore write locks', () => {
  it('a write waits for a live write lock and fails with StoreUnavailableError after lockWaitMs', async () => {
    const store = createStore({ lockWaitMs: 80 });
    await writeFile(join(dir, `${id}.write.lock`), JSON.stringify({ token: 'other', expiresAt: Date.now() + 60_000 }));
    const error = await rejection(store.set(id, record({ a: 1 })));
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/^\[file\] another process kept writing the session/);
    expect(existsSync(join(dir, `${id}.json`))).toBe(false);
  });

  it('takes over a write lock left by a crashed process once it expired', async () => {
    const store = createStore({ lockWaitMs: 0 });
    await writeFile(join(dir, `${id}.write.lock`), JSON.stringify({ token: 'crashed', expiresAt: Date.now() - 1 }));
    await store.set(id, record({ a: 1 }));
    expect((await store.get(id))?.data).toEqual({ a: 1 });
    expect(await readdir(dir)).toEqual([`${id}.json`]);
  });
});

describe('lock files', () => {
  it('tryLockFile fails while the lock is live and never deletes it', async () => {
    const path = join(dir, 'a.lock');
    const held = await tryLockFile(path, 10_000, 10_000);
    expect(held).toBeDefined();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await tryLockFile(path, 10_000, 10_000)).toBeUndefined();
    expect(await removeStaleLockFile(path, 10_000)).toBe(false);
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(held?.token);
  });

  it('releasing an expired lock goes through the break guard and still checks the token', async () => {
    const path = join(dir, 'a.lock');
    const held = await tryLockFile(path, 1, 10_000);
    await sleep(5);
    const taker = await tryLockFile(path, 10_000, 10_000);
    expect(taker).toBeDefined();
    await releaseLockFile(held!, 10_000);
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(taker?.token);
    expect(existsSync(`${path}.break`)).toBe(false);
    await releaseLockFile(taker!, 10_000);
    expect(existsSync(path)).toBe(false);
  });

  it('does not break a stale lock while another process holds the break guard', async () => {
    const path = join(dir, 'a.lock');
    await writeFile(path, JSON.stringify({ token: 'old', expiresAt: Date.now() - 1 }));
    await writeFile(`${path}.break`, '');
    expect(await tryLockFile(path, 1_000, 10_000)).toBeUndefined();
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe('old');

    // A guard older than staleMs was left by a crash: it is cleared and the stale lock taken over.
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.break`, old, old);
    const held = await tryLockFile(path, 1_000, 10_000);
    expect(held).toBeDefined();
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(held?.token);
    expect(existsSync(`${path}.break`)).toBe(false);
  });

  it('throws filesystem errors other than "exists" to the caller', async () => {
    await writeFile(join(dir, 'file'), '');
    await expect(tryLockFile(join(dir, 'file', 'a.lock'), 1_000, 1_000)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
