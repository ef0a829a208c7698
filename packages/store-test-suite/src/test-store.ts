/**
 * The conformance suite every sess store runs: one call registers vitest tests for the whole Store
 * contract of `@sess/core`, against the real backend.
 */
import {
  InvalidSessionIdError,
  MAX_OWNER_LENGTH,
  LockTimeoutError,
  type SessionRecord,
  type Store,
  type StoredData,
  type Unlock,
} from '@sess/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeListByOwner } from './list-by-owner.js';
import { describeLogoutIsFinal } from './logout-is-final.js';
import { randomStoreId } from './random-store-id.js';

/**
 * Which optional methods of `Store` a store implements. Every one must be declared: the suite checks
 * that the declaration matches the object (declared `true` present, declared `false` absent) and
 * tests each declared capability.
 */
export interface StoreCapabilities {
  /** `touch(id, expiresAt)`: moves the expiry without rewriting the data. */
  touch: boolean;
  /** `patch(id, change, expiresAt)`: applies only the changed keys, atomically. */
  patch: boolean;
  /** `lock(id, options)`: cross-process mutual exclusion on one session. */
  lock: boolean;
  /** `destroyByOwner(owner)`: ends every session of one user. */
  destroyByOwner: boolean;
  /** `listByOwner(owner)`: the live records of one user, through an index (the session registry). */
  listByOwner: boolean;
  /** `prune()`: deletes expired records (stores without native expiry). */
  prune: boolean;
  /** `clear()`: deletes every record of this store. */
  clear: boolean;
  /** `close()`: releases connections and timers. */
  close: boolean;
  /**
   * `sync`: the record operations answered synchronously, for a store whose records live in the
   * process's own memory (see `Store.sync` in `@sess/core`). Optional: leaving it out declares it
   * `false`. When `true`, the whole suite runs a second time through those methods.
   */
  sync?: boolean;
}

/** Options of {@link testStore}. */
export interface TestStoreOptions {
  /** Name of the `describe` block, usually the store's name (`redis`, `postgres`). */
  name: string;
  /**
   * Creates a fresh store instance; called before every test. Point it at a namespace of its own
   * (key prefix, table, folder) so that the suite never touches other data, and make that namespace
   * unique per run (`sess-test-${randomStoreId().slice(0, 8)}:`, computed once per file) when `clear`
   * is declared: the clear test would otherwise wipe a concurrent run's records. The suite closes
   * every instance it creates.
   */
  create: () => Store | Promise<Store>;
  /** The optional methods the store implements. */
  capabilities: StoreCapabilities;
}

/** Names of the optional methods, in the order they are checked. */
const capabilityNames = ['touch', 'patch', 'lock', 'destroyByOwner', 'listByOwner', 'prune', 'clear', 'close'] as const;

/** Short enough for a fast suite, long enough for a real backend's round trips and clock granularity. */
const SHORT_TTL_MS = 300;
const PAST_SHORT_TTL_MS = SHORT_TTL_MS + 200;
/** How long records written by the suite live: leftovers of an interrupted run disappear soon. */
const TTL_MS = 10 * 60_000;
const SLOW_TEST_MS = 20_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The settled error of `run`, or `undefined` when it resolved (whether it threw or rejected). */
async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

/** `'resolved'`, or the error `promise` rejected with (so that a failure shows the error). */
function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

/** Data exercising every JSON type, nesting and Unicode (emoji, right-to-left text, NUL inside a string). */
const richData: StoredData = {
  string: 'plain',
  emoji: '👩‍💻 🎉 🇫🇷',
  rtl: 'مرحبا بالعالم שלום',
  nul: 'before\u0000after',
  controls: 'tab\tnewline\nquote"backslash\\',
  'ключ 🔑': 'unicode key',
  'عربي': 'rtl key',
  integer: 42,
  negative: -7,
  float: 3.141592653589793,
  tiny: 0.000001,
  big: Number.MAX_SAFE_INTEGER,
  zero: 0,
  yes: true,
  no: false,
  nothing: null,
  emptyString: '',
  emptyArray: [],
  emptyObject: {},
  array: [1, 'two', true, null, { three: [3] }, [[]]],
  nested: { a: { b: { c: { d: ['deep', { e: null }] } } } },
};

/**
 * Registers the conformance tests of a sess store with vitest. Call it once, from one test file:
 *
 * ```ts
 * import { randomStoreId, testStore } from '@sess/store-test-suite';
 *
 * const prefix = `sess-test-${randomStoreId().slice(0, 8)}:`; // one namespace per run
 *
 * testStore({
 *   name: 'redis',
 *   create: () => new RedisStore({ prefix }),
 *   capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: false, clear: true, close: true },
 * });
 * ```
 *
 * Tests use random 43-character IDs, so several runs can share one backend; the records each test
 * writes are deleted after it, and every store instance is closed. The whole suite takes a few
 * seconds (some tests wait for short real expiries); it never asserts speed.
 */
export function testStore(options: TestStoreOptions): void {
  describeStore(options.name, options.create, options.capabilities);
  if (options.capabilities.sync === true) {
    // The same contract through `store.sync`: a view whose asynchronous methods call the synchronous ones.
    describeStore(`${options.name}, through its synchronous methods`, async () => syncView(await options.create()), {
      ...options.capabilities,
      sync: false,
    });
  }
}

/** The methods of `Store.sync` that mirror an asynchronous method of the store when it has it. */
const mirroredByOptionalSync = ['touch', 'patch'] as const;

/**
 * A store whose `get`, `set`, `destroy`, `touch` and `patch` call `store.sync`'s, and whose other
 * methods are `store`'s own: the suite's tests then check the synchronous methods.
 */
function syncView(store: Store): Store {
  const sync = store.sync;
  if (sync === undefined) throw new Error('capabilities.sync is declared but the store has no sync methods');
  const view: Store = {
    name: store.name ?? 'store',
    get: async (id) => sync.get(id),
    set: async (id, record) => sync.set(id, record),
    destroy: async (id) => sync.destroy(id),
  };
  if (sync.touch) view.touch = async (id, expiresAt) => sync.touch!(id, expiresAt);
  if (sync.patch) view.patch = async (id, change, expiresAt) => sync.patch!(id, change, expiresAt);
  const own = store as unknown as Record<string, unknown>;
  for (const name of ['lock', 'destroyByOwner', 'listByOwner', 'prune', 'clear', 'close'] as const) {
    const method = own[name];
    if (typeof method === 'function') (view as unknown as Record<string, unknown>)[name] = method.bind(store);
  }
  return view;
}

/** The suite proper, against the stores `create` makes. */
function describeStore(name: string, create: () => Store | Promise<Store>, capabilities: StoreCapabilities): void {
  const options = { name, create };
  describe(options.name, () => {
    let store: Store;
    /** Every instance created for the current test, closed after it. */
    let opened: Store[] = [];
    /** Instances a test closed itself: not closed twice. */
    const closed = new Set<Store>();
    /** IDs written by the current test, deleted after it. */
    let written: string[] = [];

    const open = async (): Promise<Store> => {
      const instance = await options.create();
      opened.push(instance);
      return instance;
    };
    const newId = (): string => {
      const id = randomStoreId();
      written.push(id);
      return id;
    };
    const newRecord = (data: StoredData = { user: 'ada' }, ttlMs = TTL_MS): SessionRecord => {
      const now = Date.now();
      return { data, createdAt: now - 1_000, expiresAt: now + ttlMs };
    };
    /** A random owner, so that destroyByOwner never meets another run's records. */
    const newOwner = (): string => `owner-${randomStoreId()}`;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      const ids = written;
      const instances = opened;
      written = [];
      opened = [];
      try {
        if (!closed.has(store)) await Promise.all(ids.map((id) => store.destroy(id)));
      } finally {
        for (const instance of instances) {
          if (!closed.has(instance) && instance.close) await instance.close();
        }
        closed.clear();
      }
    });

    describeLogoutIsFinal(() => store, capabilities.destroyByOwner);

    describe('capabilities', () => {
      it('has get, set and destroy', () => {
        expect(typeof store.get).toBe('function');
        expect(typeof store.set).toBe('function');
        expect(typeof store.destroy).toBe('function');
      });

      it(`declares sync: ${String(capabilities.sync === true)}, and the object agrees`, () => {
        const sync = store.sync;
        if (capabilities.sync !== true) {
          expect(sync, 'the store has sync methods but does not declare sync: declare it true so that they are tested').toBeUndefined();
          return;
        }
        expect(typeof sync, 'sync is declared but the store has no sync object').toBe('object');
        for (const method of ['get', 'set', 'destroy'] as const) expect(typeof sync![method], `sync.${method}`).toBe('function');
        for (const method of mirroredByOptionalSync) {
          expect(typeof sync![method] === 'function', `sync.${method} must exist exactly when ${method} does`).toBe(typeof store[method] === 'function');
        }
      });

      it('answers on the spot through sync: no promise, and what the asynchronous methods see', async () => {
        const sync = store.sync;
        if (capabilities.sync !== true || sync === undefined) return;
        const id = newId();
        const record = newRecord({ through: 'sync' });
        expect(sync.set(id, record)).toBeUndefined();
        const read = sync.get(id);
        expect(read instanceof Promise).toBe(false);
        expect(read).toEqual(record);
        expect(await store.get(id)).toEqual(record);
        await store.set(id, newRecord({ through: 'async' }));
        expect(sync.get(id)?.data).toEqual({ through: 'async' });
        expect(sync.destroy(id)).toBeUndefined();
        expect(await store.get(id)).toBeUndefined();
      });

      for (const capability of capabilityNames) {
        it(`declares ${capability}: ${String(capabilities[capability])}, and the object agrees`, () => {
          expect(typeof capabilities[capability], `capabilities.${capability} must be declared true or false`).toBe(
            'boolean',
          );
          const present = typeof (store as unknown as Record<string, unknown>)[capability] === 'function';
          expect(
            present,
            capabilities[capability]
              ? `${capability} is declared but the store has no ${capability}() method`
              : `the store has ${capability}() but declares it false: declare it true so that it is tested`,
          ).toBe(capabilities[capability]);
        });
      }
    });

    describe('get, set, destroy', () => {
      it('returns undefined for a missing ID', async () => {
        expect(await store.get(newId())).toBeUndefined();
      });

      it('round-trips data, createdAt, expiresAt and owner exactly', async () => {
        const id = newId();
        const owner = newOwner();
        const record: SessionRecord = { ...newRecord({ user: 'ada', visits: 3 }), owner };
        await store.set(id, record);
        const read = await store.get(id);
        expect(read).toEqual(record);
        expect(read?.createdAt).toBe(record.createdAt);
        expect(read?.expiresAt).toBe(record.expiresAt);
        expect(read?.owner).toBe(owner);
      });

      it('keeps a nested own "__proto__" key as data (also beside U+0000 and U+FFFF), never as a prototype', async () => {
        const id = newId();
        const data = JSON.parse('{"profile": {"__proto__": {"isAdmin": true}, "nul": "a\\u0000b", "max": "c\\uffffd"}}') as StoredData;
        await store.set(id, newRecord(data));
        const profile = (await store.get(id))?.data.profile as Record<string, unknown>;
        expect(Object.getPrototypeOf(profile)).toBe(Object.prototype);
        expect(Object.hasOwn(profile, '__proto__')).toBe(true);
        expect(profile.isAdmin).toBeUndefined();
        expect(profile.nul).toBe('a\u0000b');
        expect(profile.max).toBe('c\uffffd');
      });

      it('keeps an owner of MAX_OWNER_LENGTH (255) characters, non-ASCII ones included', async () => {
        const id = newId();
        const owner = `${newOwner()}-${'ü'.repeat(MAX_OWNER_LENGTH)}`.slice(0, MAX_OWNER_LENGTH);
        await store.set(id, { ...newRecord(), owner });
        expect((await store.get(id))?.owner).toBe(owner);
      });

      it('returns no owner for a record stored without one', async () => {
        const id = newId();
        await store.set(id, newRecord());
        const read = await store.get(id);
        expect(read).toBeDefined();
        expect(read?.owner).toBeUndefined();
      });

      it('replaces a record entirely', async () => {
        const id = newId();
        await store.set(id, { ...newRecord({ a: 1, b: 2 }), owner: newOwner() });
        const replacement = newRecord({ c: 3 }, TTL_MS + 5_000);
        await store.set(id, replacement);
        const read = await store.get(id);
        expect(read).toEqual(replacement);
        expect(read?.owner).toBeUndefined();
      });

      it('destroys a record, and destroying it again (or a missing one) is fine', async () => {
        const id = newId();
        await store.set(id, newRecord());
        await store.destroy(id);
        expect(await store.get(id)).toBeUndefined();
        await store.destroy(id);
        const missing = newId();
        await store.destroy(missing);
        expect(await store.get(id)).toBeUndefined();
        expect(await store.get(missing)).toBeUndefined();
      });

      it('keeps records apart: destroying one leaves the others', async () => {
        const [first, second] = [newId(), newId()];
        await store.set(first, newRecord({ n: 1 }));
        await store.set(second, newRecord({ n: 2 }));
        await store.destroy(first);
        expect(await store.get(first)).toBeUndefined();
        expect((await store.get(second))?.data).toEqual({ n: 2 });
      });

      it('never returns a record set with an expiresAt already past', async () => {
        const id = newId();
        await store.set(id, { ...newRecord(), expiresAt: Date.now() - 1_000 });
        expect(await store.get(id)).toBeUndefined();
      });

      it('never returns a live record once it was replaced by an expired one', async () => {
        const id = newId();
        await store.set(id, newRecord());
        await store.set(id, { ...newRecord(), expiresAt: Date.now() - 1_000 });
        expect(await store.get(id)).toBeUndefined();
      });

      it('stops returning a record once its expiresAt passes', async () => {
        const id = newId();
        await store.set(id, newRecord({ n: 1 }, SHORT_TTL_MS));
        expect(await store.get(id)).toBeDefined();
        await sleep(PAST_SHORT_TTL_MS);
        expect(await store.get(id)).toBeUndefined();
      });

      it('is not changed by a caller mutating a record it gave or got', async () => {
        const id = newId();
        const given = newRecord({ list: [1, 2], nested: { a: 'x' } });
        const expected = structuredClone(given);
        await store.set(id, given);
        (given.data.list as number[]).push(3);
        (given.data.nested as Record<string, string>).a = 'given changed';
        given.expiresAt += 1_000;

        const got = await store.get(id);
        expect(got).toEqual(expected);
        (got!.data.list as number[]).push(4);
        (got!.data.nested as Record<string, string>).a = 'got changed';
        got!.data.added = true;
        got!.createdAt = 0;

        expect(await store.get(id)).toEqual(expected);
      });

      it('round-trips Unicode keys and values, NUL inside strings, every JSON type and nesting exactly', async () => {
        const id = newId();
        const record = newRecord(structuredClone(richData));
        await store.set(id, record);
        expect(await store.get(id)).toEqual(record);
      });

      it('round-trips a 200 KB value', async () => {
        const id = newId();
        const chunk = 'abcdefghijklmnopqrstuvwxyz0123456789-é漢🎉';
        const large = chunk.repeat(Math.ceil((200 * 1024) / chunk.length)).slice(0, 200 * 1024);
        const record = newRecord({ large, after: 'end' });
        await store.set(id, record);
        const read = await store.get(id);
        expect(read?.data.large).toBe(large);
        expect(read).toEqual(record);
      });

      it(
        'writes 1,000 records in parallel and reads every one back',
        async () => {
          const entries = Array.from({ length: 1_000 }, (_, index) => ({
            id: newId(),
            record: newRecord({ index, label: `record ${index}` }),
          }));
          await Promise.all(entries.map(({ id, record }) => store.set(id, record)));
          const read = await Promise.all(entries.map(({ id }) => store.get(id)));
          read.forEach((record, index) => expect(record).toEqual(entries[index]!.record));
        },
        SLOW_TEST_MS,
      );
    });

    describe('invalid IDs', () => {
      const invalidIds: Array<[string, string]> = [
        ['a path', '../x'],
        ['a path of a valid length', '../../etc/passwd/aaaaaaaaaa'],
        ['an empty string', ''],
        ['a slash', 'a/b'],
        ['a slash in an ID of a valid length', 'aaaaaaaaaa/bbbbbbbbbb'],
        ['1,000 characters', 'a'.repeat(1_000)],
        ['a NUL', `${'a'.repeat(20)}\u0000${'b'.repeat(20)}`],
        ['a space', `${'a'.repeat(20)} ${'b'.repeat(20)}`],
        ['a key-pattern character', `${'a'.repeat(20)}*`],
      ];

      for (const [label, id] of invalidIds) {
        it(`refuses an ID with ${label} in every method that takes an ID`, async () => {
          const calls: Array<[string, () => Promise<unknown>]> = [
            ['get', () => store.get(id)],
            ['set', () => store.set(id, newRecord())],
            ['destroy', () => store.destroy(id)],
          ];
          if (capabilities.touch) calls.push(['touch', () => store.touch!(id, Date.now() + TTL_MS)]);
          if (capabilities.patch) {
            calls.push(['patch', () => store.patch!(id, { set: { a: 1 }, unset: [] }, Date.now() + TTL_MS)]);
          }
          if (capabilities.lock) {
            calls.push([
              'lock',
              async () => {
                const unlock = await store.lock!(id, { ttlMs: 1_000, waitMs: 0 });
                await unlock();
              },
            ]);
          }
          for (const [method, call] of calls) {
            const error = await errorOf(call);
            expect(
              InvalidSessionIdError.isInstance(error),
              `${method}() must reject ${JSON.stringify(id.slice(0, 50))} with InvalidSessionIdError (use assertValidStoreId from @sess/core), got ${String(error)}`,
            ).toBe(true);
          }
        });
      }
    });

    if (capabilities.touch) {
      describe('touch', () => {
        it('moves expiresAt and leaves data, createdAt and owner unchanged', async () => {
          const id = newId();
          const record: SessionRecord = { ...newRecord(structuredClone(richData)), owner: newOwner() };
          await store.set(id, record);
          const expiresAt = record.expiresAt + 60_000;
          await store.touch!(id, expiresAt);
          expect(await store.get(id)).toEqual({ ...record, expiresAt });
        });

        it('keeps a record alive past its original expiry', async () => {
          const id = newId();
          await store.set(id, newRecord({ n: 1 }, SHORT_TTL_MS));
          await store.touch!(id, Date.now() + TTL_MS);
          await sleep(PAST_SHORT_TTL_MS);
          expect((await store.get(id))?.data).toEqual({ n: 1 });
        });

        it('does not create a missing record', async () => {
          const id = newId();
          await store.touch!(id, Date.now() + TTL_MS);
          expect(await store.get(id)).toBeUndefined();
        });

        it('does not revive an expired record', async () => {
          const id = newId();
          await store.set(id, newRecord({ n: 1 }, SHORT_TTL_MS));
          await sleep(PAST_SHORT_TTL_MS);
          await store.touch!(id, Date.now() + TTL_MS);
          expect(await store.get(id)).toBeUndefined();
        });

        it('makes a record gone when touched into the past', async () => {
          const id = newId();
          await store.set(id, newRecord());
          await store.touch!(id, Date.now() - 1_000);
          expect(await store.get(id)).toBeUndefined();
        });
      });
    }

    if (capabilities.patch) {
      describe('patch', () => {
        it('sets and unsets keys, leaving the other keys, createdAt and owner untouched', async () => {
          const id = newId();
          const record: SessionRecord = { ...newRecord({ keep: 'me', change: 1, remove: true }), owner: newOwner() };
          await store.set(id, record);
          await store.patch!(id, { set: { change: 2, added: { nested: [1] } }, unset: ['remove'] }, record.expiresAt);
          expect(await store.get(id)).toEqual({
            ...record,
            data: { keep: 'me', change: 2, added: { nested: [1] } },
          });
        });

        it('moves expiresAt', async () => {
          const id = newId();
          const record = newRecord({ a: 1 });
          await store.set(id, record);
          const expiresAt = record.expiresAt + 60_000;
          await store.patch!(id, { set: { b: 2 }, unset: [] }, expiresAt);
          expect(await store.get(id)).toEqual({ ...record, data: { a: 1, b: 2 }, expiresAt });
        });

        it('round-trips Unicode and nested values written by a patch', async () => {
          const id = newId();
          const record = newRecord({ before: 1 });
          await store.set(id, record);
          await store.patch!(id, { set: structuredClone(richData), unset: [] }, record.expiresAt);
          expect((await store.get(id))?.data).toEqual({ before: 1, ...richData });
        });

        it('unsetting a key that does not exist is fine', async () => {
          const id = newId();
          const record = newRecord({ a: 1 });
          await store.set(id, record);
          await store.patch!(id, { set: {}, unset: ['missing'] }, record.expiresAt);
          expect((await store.get(id))?.data).toEqual({ a: 1 });
        });

        it('does not create a missing record', async () => {
          const id = newId();
          await store.patch!(id, { set: { a: 1 }, unset: [] }, Date.now() + TTL_MS);
          expect(await store.get(id)).toBeUndefined();
        });

        it('does not revive an expired record', async () => {
          const id = newId();
          await store.set(id, newRecord({ n: 1 }, SHORT_TTL_MS));
          await sleep(PAST_SHORT_TTL_MS);
          await store.patch!(id, { set: { a: 1 }, unset: [] }, Date.now() + TTL_MS);
          expect(await store.get(id)).toBeUndefined();
        });

        it('keeps both of two concurrent patches to different keys', async () => {
          const id = newId();
          const record = newRecord({ base: true });
          await store.set(id, record);
          await Promise.all([
            store.patch!(id, { set: { first: 1 }, unset: [] }, record.expiresAt),
            store.patch!(id, { set: { second: 2 }, unset: ['base'] }, record.expiresAt),
          ]);
          expect((await store.get(id))?.data).toEqual({ first: 1, second: 2 });
        });

        it('keeps all of 20 concurrent patches to 20 different keys', async () => {
          const id = newId();
          const record = newRecord({ base: true });
          await store.set(id, record);
          const expected: StoredData = { base: true };
          await Promise.all(
            Array.from({ length: 20 }, (_, index) => {
              expected[`key${index}`] = index;
              return store.patch!(id, { set: { [`key${index}`]: index }, unset: [] }, record.expiresAt);
            }),
          );
          expect((await store.get(id))?.data).toEqual(expected);
        });
      });
    }

    if (capabilities.lock) {
      describe('lock', () => {
        /** Takes a lock and reports, in `events`, the moment it got it. */
        const lockAndRecord = async (
          target: Store,
          id: string,
          events: string[],
          label: string,
          waitMs = 10_000,
        ): Promise<Unlock> => {
          const unlock = await target.lock!(id, { ttlMs: 10_000, waitMs });
          events.push(label);
          return unlock;
        };

        it('makes a second lock wait until the first is released', async () => {
          const id = newId();
          const events: string[] = [];
          const unlockFirst = await lockAndRecord(store, id, events, 'first acquired');
          const second = lockAndRecord(store, id, events, 'second acquired');
          await sleep(150);
          events.push('first releasing');
          await unlockFirst();
          const unlockSecond = await second;
          expect(events).toEqual(['first acquired', 'first releasing', 'second acquired']);
          await unlockSecond();
        });

        it('lets only one of several contenders in at a time', async () => {
          const id = newId();
          let inside = 0;
          let most = 0;
          let finished = 0;
          await Promise.all(
            Array.from({ length: 5 }, async () => {
              const unlock = await store.lock!(id, { ttlMs: 10_000, waitMs: 10_000 });
              inside += 1;
              most = Math.max(most, inside);
              await sleep(10);
              inside -= 1;
              finished += 1;
              await unlock();
            }),
          );
          expect(most).toBe(1);
          expect(finished).toBe(5);
        });

        it('can be taken again once released, and releasing twice is harmless', async () => {
          const id = newId();
          const unlock = await store.lock!(id, { ttlMs: 10_000, waitMs: 0 });
          await unlock();
          await unlock();
          const again = await store.lock!(id, { ttlMs: 10_000, waitMs: 1_000 });
          // The second release of the first lock must not have freed (or broken) this one.
          await unlock();
          const error = await errorOf(() => store.lock!(id, { ttlMs: 10_000, waitMs: 100 }));
          expect(LockTimeoutError.isInstance(error), `expected LockTimeoutError, got ${String(error)}`).toBe(true);
          await again();
        });

        it('rejects with LockTimeoutError when the wait runs out', async () => {
          const id = newId();
          const unlock = await store.lock!(id, { ttlMs: 10_000, waitMs: 0 });
          const error = await errorOf(() => store.lock!(id, { ttlMs: 10_000, waitMs: 150 }));
          expect(LockTimeoutError.isInstance(error), `expected LockTimeoutError, got ${String(error)}`).toBe(true);
          await unlock();
        });

        it('frees an abandoned lock once its ttl runs out', async () => {
          const id = newId();
          await store.lock!(id, { ttlMs: SHORT_TTL_MS, waitMs: 0 });
          // Never released, as by a crashed process: held at first...
          const error = await errorOf(() => store.lock!(id, { ttlMs: 10_000, waitMs: 0 }));
          expect(LockTimeoutError.isInstance(error), `expected LockTimeoutError, got ${String(error)}`).toBe(true);
          // ...then free once its ttl has run out.
          const unlock = await store.lock!(id, { ttlMs: 10_000, waitMs: 5_000 });
          expect(typeof unlock).toBe('function');
          await unlock();
        });

        it('does not free the next holder when a late release comes after the ttl', async () => {
          const id = newId();
          const lateUnlock = await store.lock!(id, { ttlMs: SHORT_TTL_MS, waitMs: 0 });
          await sleep(PAST_SHORT_TTL_MS);
          const unlockNext = await store.lock!(id, { ttlMs: 10_000, waitMs: 1_000 });
          await lateUnlock();
          const error = await errorOf(() => store.lock!(id, { ttlMs: 10_000, waitMs: 100 }));
          expect(
            LockTimeoutError.isInstance(error),
            `the late release freed someone else's lock (use a token per holder); got ${String(error)}`,
          ).toBe(true);
          await unlockNext();
        });

        it('keeps locks on different IDs independent', async () => {
          const [first, second] = [newId(), newId()];
          const unlockFirst = await store.lock!(first, { ttlMs: 10_000, waitMs: 0 });
          const unlockSecond = await store.lock!(second, { ttlMs: 10_000, waitMs: 0 });
          expect(typeof unlockSecond).toBe('function');
          // Releasing the second leaves the first held.
          await unlockSecond();
          const error = await errorOf(() => store.lock!(first, { ttlMs: 10_000, waitMs: 0 }));
          expect(LockTimeoutError.isInstance(error), `expected LockTimeoutError, got ${String(error)}`).toBe(true);
          await unlockFirst();
        });

        it('does not touch the record it locks', async () => {
          const id = newId();
          const record = newRecord({ a: 1 });
          await store.set(id, record);
          const unlock = await store.lock!(id, { ttlMs: 10_000, waitMs: 0 });
          expect(await store.get(id)).toEqual(record);
          await unlock();
          expect(await store.get(id)).toEqual(record);
        });
      });
    }

    if (capabilities.destroyByOwner) {
      describe('destroyByOwner', () => {
        it("destroys only that owner's records and returns how many", async () => {
          const [owner, other] = [newOwner(), newOwner()];
          const owned = [newId(), newId(), newId()];
          const kept = [newId(), newId()];
          const unowned = newId();
          await Promise.all([
            ...owned.map((id) => store.set(id, { ...newRecord(), owner })),
            ...kept.map((id) => store.set(id, { ...newRecord(), owner: other })),
            store.set(unowned, newRecord()),
          ]);
          expect(await store.destroyByOwner!(owner)).toBe(3);
          for (const id of owned) expect(await store.get(id)).toBeUndefined();
          for (const id of kept) expect((await store.get(id))?.owner).toBe(other);
          expect(await store.get(unowned)).toBeDefined();
        });

        it('returns 0 for an owner without records', async () => {
          expect(await store.destroyByOwner!(newOwner())).toBe(0);
        });

        it('follows a replaced record to its new owner', async () => {
          const [before, after] = [newOwner(), newOwner()];
          const id = newId();
          await store.set(id, { ...newRecord(), owner: before });
          await store.set(id, { ...newRecord(), owner: after });
          expect(await store.destroyByOwner!(before)).toBe(0);
          expect(await store.get(id)).toBeDefined();
          expect(await store.destroyByOwner!(after)).toBe(1);
          expect(await store.get(id)).toBeUndefined();
        });
      });
    }

    if (capabilities.listByOwner) describeListByOwner({ store: () => store, newId, newRecord, newOwner });

    if (capabilities.prune) {
      describe('prune', () => {
        it('removes expired records, returns at least how many, and keeps live ones', async () => {
          const expired = [newId(), newId(), newId()];
          const live = [newId(), newId()];
          await Promise.all([
            ...expired.map((id) => store.set(id, newRecord({ n: 1 }, SHORT_TTL_MS))),
            ...live.map((id) => store.set(id, newRecord({ n: 2 }))),
          ]);
          await sleep(PAST_SHORT_TTL_MS);
          expect(await store.prune!()).toBeGreaterThanOrEqual(expired.length);
          for (const id of expired) expect(await store.get(id)).toBeUndefined();
          for (const id of live) expect((await store.get(id))?.data).toEqual({ n: 2 });
        });
      });
    }

    if (capabilities.clear) {
      describe('clear', () => {
        it('removes the records written through this store', async () => {
          const ids = [newId(), newId(), newId()];
          await Promise.all(ids.map((id) => store.set(id, newRecord())));
          await store.clear!();
          for (const id of ids) expect(await store.get(id)).toBeUndefined();
          // The store stays usable.
          const id = newId();
          await store.set(id, newRecord({ after: 'clear' }));
          expect((await store.get(id))?.data).toEqual({ after: 'clear' });
        });
      });
    }

    if (capabilities.close) {
      describe('close', () => {
        it('resolves after use', async () => {
          const id = newId();
          await store.set(id, newRecord());
          await store.get(id);
          await store.destroy(id);
          closed.add(store);
          expect(await outcomeOf(store.close!())).toBe('resolved');
        });

        it('resolves on an instance that was never used', async () => {
          closed.add(store);
          expect(await outcomeOf(store.close!())).toBe('resolved');
        });
      });
    }
  });
}
