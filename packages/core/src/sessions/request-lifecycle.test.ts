import { describe, expect, it } from 'vitest';
import type { SessionInterface } from './base-sessions.js';
import { createSessions } from './create-sessions.js';
import { LockTimeoutError, SessionStateError, StoreUnavailableError } from '../errors.js';
import { runSession, SessionRun } from './request-lifecycle.js';
import type { SessionEvent } from '../session/session-event.js';
import { TestResponse } from '../testing/http.js';
import { RecordingStore } from '../testing/recording-store.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
type Data = Record<string, unknown>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function setup(options: { locking?: boolean | { ttlMs?: number; waitMs?: number }; lazy?: boolean } = {}) {
  const store = new RecordingStore();
  const events: SessionEvent[] = [];
  const sessions = createSessions<Data>({ store, secret: SECRET, onEvent: (event) => events.push(event), ...options });
  return { store, sessions, events };
}

/** The Cookie header of a saved session holding `count: 1`. */
async function returning(sessions: SessionInterface<Data>): Promise<string> {
  const response = new TestResponse();
  await runSession(
    sessions,
    { cookie: undefined },
    async (session) => session.set('count', 1),
    () => response,
  );
  const cookie = response.setCookies[0]!;
  return cookie.slice(0, cookie.indexOf(';'));
}

/** How long opening `cookie`'s session takes, in ms (the lock's wait when another request holds it). */
async function timeToOpen(sessions: SessionInterface<Data>, cookie: string): Promise<number> {
  const started = Date.now();
  const run = await SessionRun.open(sessions, { cookie });
  const elapsed = Date.now() - started;
  await run.save(new TestResponse());
  return elapsed;
}

describe('runSession', () => {
  it('opens, runs the handler, saves, and resolves with what the handler resolved with', async () => {
    const { sessions } = setup();
    const cookie = await returning(sessions);
    const response = new TestResponse();
    const result = await runSession(
      sessions,
      { cookie },
      async (session) => {
        session.set('count', (session.get('count') as number) + 1);
        return 'done';
      },
      () => response,
    );
    expect(result).toBe('done');
    const again = await sessions.open({ cookie });
    expect(again.get('count')).toBe(2);
  });

  it('saves what a failing handler changed, releases the lock, and rethrows the handler error', async () => {
    const { sessions } = setup({ locking: { waitMs: 300 } });
    const cookie = await returning(sessions);
    const failure = new Error('handler failed');
    const responses: Array<{ error: unknown } | undefined> = [];
    await expect(
      runSession(
        sessions,
        { cookie },
        async (session) => {
          session.set('count', 5);
          throw failure;
        },
        (failed) => {
          responses.push(failed);
          return new TestResponse();
        },
      ),
    ).rejects.toBe(failure);
    // The response the adapter gets is told about the failure, so it can keep the headers.
    expect(responses).toEqual([{ error: failure }]);
    expect(await timeToOpen(sessions, cookie)).toBeLessThan(200);
    expect((await sessions.open({ cookie })).get('count')).toBe(5);
  });

  it("reports a failed save after a failed handler as an event, and rethrows the handler's error", async () => {
    const { sessions, store, events } = setup();
    const cookie = await returning(sessions);
    store.failNext('patch');
    const failure = new Error('handler failed');
    await expect(
      runSession(
        sessions,
        { cookie },
        async (session) => {
          session.set('count', 2);
          throw failure;
        },
        () => new TestResponse(),
      ),
    ).rejects.toBe(failure);
    const saveFailed = events.find((event) => event.type === 'save-failed');
    expect(saveFailed).toBeDefined();
    expect(StoreUnavailableError.isInstance((saveFailed as { error: unknown }).error)).toBe(true);
  });

  it('rejects with the store error when saving after a successful handler fails', async () => {
    const { sessions, store } = setup();
    store.failNext('set');
    await expect(
      runSession(sessions, { cookie: undefined }, async (session) => session.set('count', 1), () => new TestResponse()),
    ).rejects.toSatisfy((error: unknown) => StoreUnavailableError.isInstance(error));
  });

  it('saves nothing and releases the lock when the client left before the handler finished', async () => {
    const { sessions } = setup({ locking: { waitMs: 300 } });
    const cookie = await returning(sessions);
    let gone = false;
    await runSession(
      sessions,
      { cookie },
      async (session) => {
        session.set('count', 99);
        gone = true;
      },
      () => new TestResponse(),
      () => gone,
    );
    expect(await timeToOpen(sessions, cookie)).toBeLessThan(200);
    expect((await sessions.open({ cookie })).get('count')).toBe(1);
  });
});

describe('SessionRun', () => {
  it('gives the lock back at once when the client left while the session was opening', async () => {
    const { sessions } = setup({ locking: { waitMs: 300 } });
    const cookie = await returning(sessions);
    const run = await SessionRun.open(sessions, { cookie }, () => true);
    expect(run.ended).toBe(true);
    expect(run.save(new TestResponse())).toBeUndefined();
    expect(await timeToOpen(sessions, cookie)).toBeLessThan(200);
  });

  it('saves once: a second save or an abandon after it does nothing', async () => {
    const { sessions, store } = setup();
    const cookie = await returning(sessions);
    const run = await SessionRun.open(sessions, { cookie });
    run.session.set('count', 3);
    await run.save(new TestResponse());
    const writes = store.calls.length;
    expect(run.save(new TestResponse())).toBeUndefined();
    run.abandon();
    expect(store.calls.length).toBe(writes);
    expect((await sessions.open({ cookie })).get('count')).toBe(3);
  });

  it('refuses a lazy load after the save instead of taking a lock nobody releases', async () => {
    const { sessions } = setup({ lazy: true, locking: { waitMs: 300 } });
    const cookie = await returning(sessions);
    const run = await SessionRun.open(sessions, { cookie });
    expect(run.save(new TestResponse())).toBeUndefined();
    await expect(run.session.load()).rejects.toThrow(SessionStateError);
    expect(await timeToOpen(sessions, cookie)).toBeLessThan(200);
  });

  it('gives back the lock of a lazy load still in flight when the session was saved', async () => {
    const { sessions } = setup({ lazy: true, locking: { waitMs: 300 } });
    const cookie = await returning(sessions);
    const holder = await SessionRun.open(sessions, { cookie });
    await holder.session.load();
    const run = await SessionRun.open(sessions, { cookie });
    // The handler starts a load (it waits for the holder's lock) and answers without awaiting it.
    const loading = run.session.load();
    expect(run.save(new TestResponse())).toBeUndefined();
    await holder.save(new TestResponse());
    await loading;
    expect(await timeToOpen(sessions, cookie)).toBeLessThan(200);
  });
});

describe('in-process locks', () => {
  it('expire after ttlMs, like a store lock, when the holder never releases', async () => {
    const { sessions } = setup({ locking: { ttlMs: 200, waitMs: 2000 } });
    const cookie = await returning(sessions);
    // A request that takes the lock and is never saved or released (a lost promise).
    await SessionRun.open(sessions, { cookie });
    const waited = await timeToOpen(sessions, cookie);
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(1500);
  });

  it('make a later request wait out waitMs, not for ever, while a holder is alive', async () => {
    const { sessions } = setup({ locking: { ttlMs: 5000, waitMs: 100 } });
    const cookie = await returning(sessions);
    const holder = await SessionRun.open(sessions, { cookie });
    await expect(SessionRun.open(sessions, { cookie })).rejects.toThrow(LockTimeoutError);
    await holder.save(new TestResponse());
    await sleep(10);
    expect(await timeToOpen(sessions, cookie)).toBeLessThan(100);
  });
});

describe('a saved session', () => {
  it('refuses changes once saved, since they would be lost, and still reads', async () => {
    const { sessions } = setup();
    const cookie = await returning(sessions);
    const run = await SessionRun.open(sessions, { cookie });
    await run.save(new TestResponse());
    expect(run.session.get('count')).toBe(1);
    for (const change of [
      (session: typeof run.session) => session.set('count', 2),
      (session: typeof run.session) => session.delete('count'),
      (session: typeof run.session) => session.flash('late'),
      (session: typeof run.session) => session.regenerate(),
      (session: typeof run.session) => session.destroy(),
      (session: typeof run.session) => session.setExpiry(60),
      (session: typeof run.session) => (session.owner = 'ada'),
    ]) {
      expect(() => change(run.session)).toThrow(/already saved/);
    }
    expect((await sessions.open({ cookie })).get('count')).toBe(1);
  });

  it('does not refuse changes of a request whose client went away (nothing is saved, nobody is told)', async () => {
    const { sessions } = setup();
    const cookie = await returning(sessions);
    const run = await SessionRun.open(sessions, { cookie });
    run.abandon();
    expect(() => run.session.set('count', 2)).not.toThrow();
    expect((await sessions.open({ cookie })).get('count')).toBe(1);
  });
});
