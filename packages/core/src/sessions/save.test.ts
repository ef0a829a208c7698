import { describe, expect, it } from 'vitest';
import { createSessions, toSessionInterface } from './create-sessions.js';
import type { SessionInterface } from './base-sessions.js';
import { TestResponse } from '../testing/http.js';
import { RecordingStore } from '../testing/recording-store.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';

type Data = Record<string, unknown>;

/** The Cookie header of a session holding `count: 1`. */
async function returning(sessions: SessionInterface<Data>): Promise<string> {
  const session = await sessions.open({ cookie: undefined });
  session.set('count', 1);
  const response = new TestResponse();
  await sessions.save(session, response);
  const cookie = response.setCookies[0]!;
  return cookie.slice(0, cookie.indexOf(';'));
}

describe.each([
  ['server-side', () => ({ store: new RecordingStore(), secret: SECRET })],
  ['cookie', () => ({ store: 'cookie' as const, secret: SECRET })],
])('save (%s sessions)', (_kind, options) => {
  it('finishes a read-only request on the spot, headers included', async () => {
    const sessions = createSessions<Data>(options());
    const cookie = await returning(sessions);
    const session = await sessions.open({ cookie });
    expect(session.get('count')).toBe(1);
    const response = new TestResponse();
    expect(sessions.save(session, response)).toBeUndefined();
    expect(response.getHeader('Vary')).toBe('Cookie');
    expect(response.setCookies).toEqual([]);
  });

  it('returns the promise of the write when something changed, and the change persists', async () => {
    const sessions = createSessions<Data>(options());
    const cookie = await returning(sessions);
    const session = await sessions.open({ cookie });
    session.set('count', 2);
    const response = new TestResponse();
    const pending = sessions.save(session, response);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    const next = response.setCookies[0];
    const again = await sessions.open({ cookie: next ? next.slice(0, next.indexOf(';')) : cookie });
    expect(again.get('count')).toBe(2);
  });

  it('returns a rejected promise, not a throw, when the response refuses headers', async () => {
    const sessions = createSessions<Data>(options());
    const session = await sessions.open({ cookie: undefined });
    const broken = { getHeader: () => undefined, setHeader: () => { throw new Error('headers already sent'); }, appendHeader: () => { throw new Error('headers already sent'); } };
    const result = sessions.save(session, broken);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow('headers already sent');
  });
});

describe('save with locking', () => {
  it('waits for the lock to be released even when nothing changed', async () => {
    const store = new RecordingStore();
    const sessions = createSessions<Data>({ store, secret: SECRET, locking: { waitMs: 200 } });
    const cookie = await returning(sessions);
    const first = await sessions.open({ cookie });
    const pending = sessions.save(first, new TestResponse());
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    // The lock is free again: a second request opens at once instead of waiting out waitMs.
    const started = Date.now();
    const second = await sessions.open({ cookie });
    expect(Date.now() - started).toBeLessThan(150);
    expect(second.get('count')).toBe(1);
    await sessions.save(second, new TestResponse());
  });
});

describe('toSessionInterface', () => {
  it('keeps a session interface as it is, also one implemented outside the core', async () => {
    const inner = createSessions<Data>({ store: new RecordingStore(), secret: SECRET });
    const custom: SessionInterface<Data> = {
      cookieName: inner.cookieName,
      open: (request) => inner.open(request),
      save: (session, response) => inner.save(session, response),
      release: (session) => inner.release(session),
      destroyAll: (owner) => inner.destroyAll(owner),
      list: (owner, current) => inner.list(owner, current),
      revoke: (owner, handle) => inner.revoke(owner, handle),
      revokeOthers: (current) => inner.revokeOthers(current),
      ping: () => inner.ping(),
      close: () => inner.close(),
    };
    expect(toSessionInterface(custom)).toBe(custom);
    expect(toSessionInterface(inner)).toBe(inner);
  });

  it('creates the session interface from createSessions options', async () => {
    const sessions = toSessionInterface<Data>({ store: 'cookie', secret: SECRET });
    const session = await sessions.open({ cookie: undefined });
    expect(session.isNew).toBe(true);
  });
});

describe('toSessionInterface with nothing', () => {
  it('says what session() needs instead of a TypeError', () => {
    for (const value of [undefined, null, 'secret']) {
      expect(() => toSessionInterface(value as never)).toThrow(/createSessions\(\{ store, secret \}\)/);
    }
  });
});
