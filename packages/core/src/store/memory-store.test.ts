import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidSessionIdError, LockTimeoutError, SessionConfigError } from '../errors.js';
import { MemoryStore } from './memory-store.js';
import type { SessionRecord } from './store.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let counter = 0;
/** A valid store ID, unique within this file. */
const newId = () => `memory-store-test-${String(++counter).padStart(6, '0')}`;

const record = (data: SessionRecord['data'] = { n: 1 }, ttlMs = 60_000): SessionRecord => ({
  data,
  createdAt: Date.now(),
  expiresAt: Date.now() + ttlMs,
});

const stores: MemoryStore[] = [];
const open = (options?: ConstructorParameters<typeof MemoryStore>[0]) => {
  const store = new MemoryStore(options);
  stores.push(store);
  return store;
};
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

const timeoutCount = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('MemoryStore', () => {
  it('has the name memory by default, and the given one otherwise', () => {
    expect(open().name).toBe('memory');
    expect(open({ name: 'cache' }).name).toBe('cache');
  });

  it('refuses a maxEntries or sweepIntervalMs that cannot work', () => {
    for (const options of [{ maxEntries: 0 }, { maxEntries: 1.5 }, { maxEntries: Number.NaN }, { sweepIntervalMs: -1 }]) {
      let error: unknown;
      try {
        new MemoryStore(options);
      } catch (caught) {
        error = caught;
      }
      expect(SessionConfigError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(/^\[sess\] \[memory\] /);
    }
  });

  it('evicts the least recently used record past maxEntries, counting reads as use', async () => {
    const store = open({ maxEntries: 3 });
    const [a, b, c, d] = [newId(), newId(), newId(), newId()];
    await store.set(a, record({ v: 'a' }));
    await store.set(b, record({ v: 'b' }));
    await store.set(c, record({ v: 'c' }));
    await store.get(a); // a is now the most recently used; b the least
    await store.set(d, record({ v: 'd' }));
    expect(store.size).toBe(3);
    expect(await store.get(b)).toBeUndefined();
    expect((await store.get(a))?.data).toEqual({ v: 'a' });
    expect((await store.get(c))?.data).toEqual({ v: 'c' });
    expect((await store.get(d))?.data).toEqual({ v: 'd' });
  });

  it('counts touch and patch as use for eviction', async () => {
    const store = open({ maxEntries: 2 });
    const [a, b, c] = [newId(), newId(), newId()];
    await store.set(a, record());
    await store.set(b, record());
    await store.touch(a, Date.now() + 60_000);
    await store.set(c, record());
    expect(await store.get(b)).toBeUndefined();
    expect(await store.get(a)).toBeDefined();

    await store.patch(c, { set: { x: 1 }, unset: [] }, Date.now() + 60_000);
    await store.get(c);
    await store.set(b, record());
    expect(await store.get(a)).toBeUndefined();
    expect((await store.get(c))?.data).toEqual({ n: 1, x: 1 });
  });

  it('replacing a record does not count twice against maxEntries', async () => {
    const store = open({ maxEntries: 2 });
    const [a, b] = [newId(), newId()];
    await store.set(a, record());
    await store.set(b, record());
    await store.set(b, record({ n: 2 }));
    await store.set(b, record({ n: 3 }));
    expect(store.size).toBe(2);
    expect(await store.get(a)).toBeDefined();
  });

  it('sweeps expired records on its timer, without them being read', async () => {
    const store = open({ sweepIntervalMs: 20 });
    const live = newId();
    await store.set(newId(), record({}, 30));
    await store.set(newId(), record({}, 30));
    await store.set(live, record());
    expect(store.size).toBe(3);
    await sleep(200);
    expect(store.size).toBe(1);
    expect(await store.get(live)).toBeDefined();
  });

  it('stops sweeping once closed, and keeps refusing expired records on read', async () => {
    const store = open({ sweepIntervalMs: 20 });
    const id = newId();
    await store.set(id, record({}, 30));
    await store.close();
    await sleep(150);
    expect(store.size).toBe(1);
    expect(await store.get(id)).toBeUndefined();
    expect(store.size).toBe(0);
    // A write after close does not start the timer again.
    await store.set(newId(), record({}, 30));
    await sleep(150);
    expect(store.size).toBe(1);
  });

  it('sweepIntervalMs 0 turns the sweep off; prune still removes expired records', async () => {
    const store = open({ sweepIntervalMs: 0 });
    await store.set(newId(), record({}, 30));
    await sleep(100);
    expect(store.size).toBe(1);
    expect(await store.prune()).toBe(1);
    expect(store.size).toBe(0);
  });

  it('does not keep the process alive with its sweep timer', async () => {
    const store = open({ sweepIntervalMs: 60_000 });
    const before = timeoutCount();
    await store.set(newId(), record());
    expect(timeoutCount()).toBe(before);
  });

  it('starts no timer until the first write (runtimes such as Workers forbid timers at module scope)', async () => {
    const spy = vi.spyOn(globalThis, 'setInterval');
    try {
      const store = open({ sweepIntervalMs: 20 });
      await store.get(newId());
      await store.destroy(newId());
      expect(spy).not.toHaveBeenCalled();
      await store.set(newId(), record());
      await store.set(newId(), record());
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('never shares objects with its callers', async () => {
    const store = open();
    const id = newId();
    const given = record({ list: [1, 2], nested: { a: 'x' } });
    await store.set(id, given);
    (given.data.list as number[]).push(3);
    given.expiresAt = 0;
    const first = await store.get(id);
    expect(first?.data).toEqual({ list: [1, 2], nested: { a: 'x' } });
    (first!.data.nested as Record<string, string>).a = 'changed';
    first!.createdAt = 0;
    const second = await store.get(id);
    expect(second?.data).toEqual({ list: [1, 2], nested: { a: 'x' } });
    expect(second?.createdAt).not.toBe(0);
    expect(second).not.toBe(first);
  });

  it('keeps owner only when given', async () => {
    const store = open();
    const [withOwner, withoutOwner] = [newId(), newId()];
    await store.set(withOwner, { ...record(), owner: 'user-1' });
    await store.set(withoutOwner, record());
    expect((await store.get(withOwner))?.owner).toBe('user-1');
    expect(await store.get(withoutOwner)).not.toHaveProperty('owner');
  });

  it('does not keep a record set with an expiresAt already past', async () => {
    const store = open();
    const id = newId();
    await store.set(id, record());
    await store.set(id, { ...record(), expiresAt: Date.now() - 1 });
    expect(store.size).toBe(0);
    expect(await store.get(id)).toBeUndefined();
  });

  it('counts only live records in destroyByOwner, and deletes the expired ones too', async () => {
    const store = open({ sweepIntervalMs: 0 });
    await store.set(newId(), { ...record({}, 30), owner: 'user-2' });
    await store.set(newId(), { ...record(), owner: 'user-2' });
    await store.set(newId(), { ...record(), owner: 'user-3' });
    await sleep(60);
    expect(await store.destroyByOwner('user-2')).toBe(1);
    expect(store.size).toBe(1);
  });

  it('hands a released lock to a waiter at once, without polling', async () => {
    const store = open();
    const id = newId();
    const unlock = await store.lock(id, { ttlMs: 60_000, waitMs: 60_000 });
    const order: string[] = [];
    const waiter = store.lock(id, { ttlMs: 60_000, waitMs: 60_000 }).then((release) => {
      order.push('waiter acquired');
      return release;
    });
    await sleep(20);
    order.push('holder releases');
    await unlock();
    // One macrotask turn is enough: the waiter is woken by the release, not by a later poll.
    await sleep(0);
    expect(order).toEqual(['holder releases', 'waiter acquired']);
    await (await waiter)();
  });

  it('serves many waiters on one lock one at a time', async () => {
    const store = open();
    const id = newId();
    let inside = 0;
    let most = 0;
    const done: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const unlock = await store.lock(id, { ttlMs: 60_000, waitMs: 60_000 });
        inside += 1;
        most = Math.max(most, inside);
        await sleep(2);
        inside -= 1;
        done.push(index);
        await unlock();
      }),
    );
    expect(most).toBe(1);
    expect(done).toHaveLength(10);
  });

  it('gives up with a LockTimeoutError naming the store', async () => {
    const store = open({ name: 'memory-a' });
    const id = newId();
    const unlock = await store.lock(id, { ttlMs: 60_000, waitMs: 0 });
    const error = await store.lock(id, { ttlMs: 60_000, waitMs: 30 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(LockTimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^\[sess\] \[memory-a\] /);
    await unlock();
  });

  it('refuses malformed IDs in every method that takes one', async () => {
    const store = open();
    const bad = '../../etc/passwd';
    const calls = [
      () => store.get(bad),
      () => store.set(bad, record()),
      () => store.destroy(bad),
      () => store.touch(bad, Date.now() + 1000),
      () => store.patch(bad, { set: {}, unset: [] }, Date.now() + 1000),
      () => store.lock(bad, { ttlMs: 1000, waitMs: 0 }),
    ];
    for (const call of calls) {
      const error = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(InvalidSessionIdError.isInstance(error)).toBe(true);
    }
  });
});

describe('MemoryStore in production', () => {
  it('warns once per process, with the fix, when NODE_ENV is production', async () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    const previous = process.env.NODE_ENV;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      process.env.NODE_ENV = 'production';
      new MemoryStore();
      new MemoryStore();
    } finally {
      console.warn = original;
      process.env.NODE_ENV = previous;
    }
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0])).toMatch(/MemoryStore keeps sessions in this process only.*@sess\/store-redis/);
  });
});
