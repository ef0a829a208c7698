/**
 * Server-side sessions over a store that answers synchronously (`Store.sync`, MemoryStore's): the
 * same sessions as over a store that answers with promises, opened and saved without a promise
 * where no other I/O is needed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessions } from './create-sessions.js';
import { StoreUnavailableError } from '../errors.js';
import { runSession } from './request-lifecycle.js';
import { Session } from '../session/session.js';
import { MemoryStore } from '../store/memory-store.js';
import type { SessionRecord, Store } from '../store/store.js';
import { Browser, TestResponse } from '../testing/http.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';

/** The same MemoryStore seen only through its asynchronous methods (no `sync`). */
function asyncOnly(store: MemoryStore): Store {
  return {
    name: store.name,
    get: (id) => store.get(id),
    set: (id, record) => store.set(id, record),
    destroy: (id) => store.destroy(id),
    touch: (id, expiresAt) => store.touch(id, expiresAt),
    patch: (id, change, expiresAt) => store.patch(id, change, expiresAt),
  };
}

const stores: MemoryStore[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

function memory(): MemoryStore {
  const store = new MemoryStore();
  stores.push(store);
  return store;
}

describe('a store with synchronous methods', () => {
  it('opens a returning visitor on the spot, and a store without them through a promise', async () => {
    const store = memory();
    for (const [backing, onTheSpot] of [
      [store, true],
      [asyncOnly(store), false],
    ] as const) {
      const sessions = createSessions<Record<string, unknown>>({ store: backing, secret: SECRET });
      const browser = new Browser(sessions);
      await browser.request((session) => session.set('count', 1));
      const opened = sessions.openNow!({ cookie: `sid=${browser.cookie!}` });
      expect(opened instanceof Session).toBe(onTheSpot);
      const session = await opened;
      expect(session.get('count')).toBe(1);
      expect(sessions.save(session, new TestResponse())).toBeUndefined();
    }
  });

  it('answers every step of a session as the asynchronous methods do', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const transcripts = [];
    for (const through of ['sync', 'async'] as const) {
      vi.setSystemTime(1_000_000);
      const store = memory();
      const sessions = createSessions<Record<string, unknown>>({
        store: through === 'sync' ? store : asyncOnly(store),
        secret: SECRET,
        idleTimeout: 600,
        touchAfter: 60,
      });
      const browser = new Browser(sessions);
      const steps: unknown[] = [];
      const step = async (handler: Parameters<Browser['request']>[0]) => {
        const { result, response } = await browser.request(handler);
        steps.push([result, response.setCookies.map((cookie) => cookie.replace(/^sid=[^;]*/, 'sid=…')), store.size]);
      };
      await step((session) => void session.set('cart', ['tea']));
      await step((session) => (session.get('cart') as string[]).push('milk'));
      await step((session) => session.get('cart'));
      vi.setSystemTime(1_000_000 + 120_000);
      await step((session) => session.get('cart'));
      await step((session) => {
        session.owner = 'ada';
        session.regenerate();
      });
      await step((session) => [session.owner, session.get('cart')]);
      await step((session) => session.destroy());
      await step((session) => session.isNew);
      transcripts.push(steps);
    }
    expect(transcripts[0]).toEqual(transcripts[1]);
  });

  it('starts a new session for a record that expired or vanished, as without them', async () => {
    const store = memory();
    const sessions = createSessions<Record<string, unknown>>({ store, secret: SECRET });
    const browser = new Browser(sessions);
    await browser.request((session) => session.set('count', 1));
    await store.clear();
    const { result } = await browser.request((session) => [session.isNew, session.get('count')]);
    expect(result).toEqual([true, undefined]);
  });

  it('turns a synchronous failure into a rejection with StoreUnavailableError', async () => {
    const store = memory();
    const sessions = createSessions<Record<string, unknown>>({ store, secret: SECRET });
    const browser = new Browser(sessions);
    await browser.request((session) => session.set('count', 1));
    const failing = new Error('disk on fire');
    vi.spyOn(store.sync!, 'get').mockImplementation(() => {
      throw failing;
    });
    const opened = sessions.openNow!({ cookie: `sid=${browser.cookie!}` });
    expect(opened).toBeInstanceOf(Promise);
    const error = await (opened as Promise<unknown>).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toBe(failing);
  });

  it('runs the handler within runSession without a tick for a returning visitor', async () => {
    const store = memory();
    const sessions = createSessions<Record<string, unknown>>({ store, secret: SECRET });
    const browser = new Browser(sessions);
    await browser.request((session) => session.set('count', 1));
    let ran = false;
    const done = runSession(
      sessions,
      { cookie: `sid=${browser.cookie!}` },
      async (session) => {
        ran = true;
        return session.get('count');
      },
      () => new TestResponse(),
    );
    expect(ran).toBe(true);
    expect(await done).toBe(1);
  });
});

describe('MemoryStore.sync', () => {
  it('is absent on a subclass that overrides a record method, whose override the core then calls', async () => {
    const reads: string[] = [];
    class CountingStore extends MemoryStore {
      override get(id: string): Promise<SessionRecord | undefined> {
        reads.push(id);
        return super.get(id);
      }
    }
    const store = new CountingStore();
    stores.push(store);
    expect(store.sync).toBeUndefined();
    expect(memory().sync).toBeDefined();
    const browser = new Browser(createSessions<Record<string, unknown>>({ store, secret: SECRET }));
    await browser.request((session) => session.set('count', 1));
    await browser.request((session) => session.get('count'));
    expect(reads).toHaveLength(1);
  });
});
