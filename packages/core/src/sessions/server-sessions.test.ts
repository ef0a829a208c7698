import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSessions } from './create-sessions.js';
import { type CryptoBackend, defaultCryptoBackend } from '../crypto/crypto-backend.js';
import { StoreUnavailableError } from '../errors.js';
import { nodeCryptoBackend } from '../crypto/node-crypto-backend.js';
import { resolveOptions } from '../options/resolve-options.js';
import { ServerSessions } from './server-sessions.js';
import type { SessionsOptions } from '../options/sessions-options.js';
import type { Store } from '../store/store.js';
import { Browser, TestResponse } from '../testing/http.js';
import { RecordingStore } from '../testing/recording-store.js';
import { webCryptoBackend } from '../crypto/web-crypto-backend.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
const OLD_SECRET = 'an-older-secret-that-is-long-enough-0002';

function setup(options: Partial<SessionsOptions<Record<string, unknown>>> = {}) {
  const store = new RecordingStore();
  const sessions = createSessions<Record<string, unknown>>({ store, secret: SECRET, ...options });
  return { store, sessions, browser: new Browser(sessions) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('server-side sessions', () => {
  it('gives an untouched new visitor no cookie and writes no record', async () => {
    const { store, browser } = setup();
    const { response, result } = await browser.request((session) => session.get('count'));
    expect(result).toBeUndefined();
    expect(response.setCookies).toEqual([]);
    expect(store.calls).toEqual([]);
    expect(response.getHeader('vary')).toBe('Cookie');
  });

  it('keeps values across requests and sets a signed, HttpOnly, SameSite=Lax cookie', async () => {
    const { store, browser } = setup();
    const first = await browser.request((session) => session.set('count', 1));
    expect(first.response.setCookies).toHaveLength(1);
    const cookie = first.response.setCookies[0]!;
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=1800; Expires=/);
    expect(cookie).toContain('; HttpOnly');
    expect(cookie).toContain('; SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    expect(first.response.getHeader('cache-control')).toBe('private, no-cache="Set-Cookie"');
    const { result } = await browser.request((session) => session.get('count'));
    expect(result).toBe(1);
    // The store sees a hash of the ID, never the ID inside the cookie.
    const id = browser.cookie!.split('.')[0]!;
    expect([...store.records.keys()]).toHaveLength(1);
    expect(store.records.has(id)).toBe(false);
  });

  it('saves in-place mutation of nested values without any flag, as a patch of that key only', async () => {
    const { store, browser } = setup();
    await browser.request((session) => {
      session.set('cart', ['apple']);
      session.set('user', 'ada');
    });
    store.calls.length = 0;
    await browser.request((session) => {
      (session.get('cart') as string[]).push('pear');
    });
    expect(store.count('patch')).toBe(1);
    expect(store.count('set')).toBe(0);
    const { result } = await browser.request((session) => session.get('cart'));
    expect(result).toEqual(['apple', 'pear']);
  });

  it('writes nothing when a request reads objects without changing them', async () => {
    const { store, browser } = setup();
    await browser.request((session) => session.set('cart', ['apple']));
    store.calls.length = 0;
    const { response } = await browser.request((session) => session.get('cart'));
    expect(store.calls.map((call) => call.method)).toEqual(['get']);
    expect(response.setCookies).toEqual([]);
  });

  it('treats a tampered signature as a new visitor without reading the store', async () => {
    const events: string[] = [];
    const { store, browser } = setup({ onEvent: (event) => events.push(event.type) });
    await browser.request((session) => session.set('user', 'ada'));
    const [id, signature] = browser.cookie!.split('.') as [string, string];
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    browser.cookie = `${id}.${flipped}`;
    store.calls.length = 0;
    const { result } = await browser.request((session) => [session.isNew, session.get('user')]);
    expect(result).toEqual([true, undefined]);
    expect(store.calls).toEqual([]);
    expect(events).toContain('cookie-rejected');
  });

  it('accepts cookies signed with an older secret, re-signs them, and forgets them once the secret is dropped', async () => {
    const store = new RecordingStore();
    const before = new Browser(createSessions({ store, secret: OLD_SECRET }));
    await before.request((session) => session.set('user', 'ada'));
    const oldCookie = before.cookie!;

    const rotated = new Browser(createSessions({ store, secret: [SECRET, OLD_SECRET] }));
    rotated.cookie = oldCookie;
    const { result, response } = await rotated.request((session) => session.get('user'));
    expect(result).toBe('ada');
    expect(response.setCookies).toHaveLength(1);
    expect(rotated.cookie).not.toBe(oldCookie);
    expect(rotated.cookie!.split('.')[0]).toBe(oldCookie.split('.')[0]);

    const dropped = new Browser(createSessions({ store, secret: SECRET }));
    dropped.cookie = oldCookie;
    expect((await dropped.request((session) => session.get('user'))).result).toBeUndefined();
    dropped.cookie = rotated.cookie;
    expect((await dropped.request((session) => session.get('user'))).result).toBe('ada');
  });

  it('ends a session after the idle timeout', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const { browser } = setup({ idleTimeout: 60 });
    await browser.request((session) => session.set('user', 'ada'));
    vi.setSystemTime(new Date('2026-01-01T00:00:59Z'));
    expect((await browser.request((session) => session.get('user'))).result).toBe('ada');
    vi.setSystemTime(new Date('2026-01-01T00:02:00Z'));
    expect((await browser.request((session) => session.get('user'))).result).toBeUndefined();
  });

  it('ends an active session at the absolute timeout', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-01-01T00:00:00Z').getTime();
    vi.setSystemTime(start);
    const { browser } = setup({ idleTimeout: 600, absoluteTimeout: 3600 });
    await browser.request((session) => session.set('user', 'ada'));
    for (let minute = 5; minute < 60; minute += 5) {
      vi.setSystemTime(start + minute * 60_000);
      expect((await browser.request((session) => session.get('user'))).result).toBe('ada');
    }
    vi.setSystemTime(start + 3600_000);
    expect((await browser.request((session) => session.get('user'))).result).toBeUndefined();
  });

  it('throttles renewal: read-only requests touch the store at most once per touchAfter', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = new Date('2026-01-01T00:00:00Z').getTime();
    vi.setSystemTime(start);
    const { store, browser } = setup({ idleTimeout: 1800, touchAfter: 60 });
    await browser.request((session) => session.set('user', 'ada'));
    store.calls.length = 0;
    for (let second = 1; second <= 130; second++) {
      vi.setSystemTime(start + second * 1000);
      await browser.request((session) => session.get('user'));
    }
    expect(store.count('get')).toBe(130);
    expect(store.count('touch')).toBe(2);
    expect(store.writes()).toBe(2);
  });

  it('regenerate gives a new ID, keeps the data, destroys the old record and restarts the absolute timeout', async () => {
    const { store, browser } = setup();
    await browser.request((session) => session.set('cart', ['apple']));
    const oldCookie = browser.cookie!;
    const oldIds = [...store.records.keys()];
    await browser.request((session) => {
      session.regenerate();
      session.set('user', 'ada');
    });
    expect(browser.cookie).not.toBe(oldCookie);
    expect(store.records.size).toBe(1);
    expect(store.records.has(oldIds[0]!)).toBe(false);
    expect((await browser.request((session) => session.toJSON())).result).toEqual({ cart: ['apple'], user: 'ada' });
    const stale = new Browser(createSessions({ store, secret: SECRET }));
    stale.cookie = oldCookie;
    expect((await stale.request((session) => session.isNew)).result).toBe(true);
  });

  it('destroy deletes the record and expires the cookie', async () => {
    const { store, browser } = setup();
    await browser.request((session) => session.set('user', 'ada'));
    const oldCookie = browser.cookie!;
    const { response } = await browser.request((session) => session.destroy());
    expect(store.records.size).toBe(0);
    expect(response.setCookies).toHaveLength(1);
    expect(response.setCookies[0]).toMatch(/^sid=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    browser.cookie = oldCookie;
    expect((await browser.request((session) => session.get('user'))).result).toBeUndefined();
  });

  it('values set after destroy start a fresh session with a new ID', async () => {
    const { store, browser } = setup();
    await browser.request((session) => session.set('user', 'ada'));
    const oldCookie = browser.cookie;
    await browser.request((session) => {
      session.destroy();
      session.set('user', 'bob');
    });
    expect(browser.cookie).not.toBe(oldCookie);
    expect(store.records.size).toBe(1);
    expect((await browser.request((session) => session.get('user'))).result).toBe('bob');
  });

  it('queues 50 concurrent increments of one session under locking and ends at 50', async () => {
    const { browser, sessions } = setup({ locking: true });
    await browser.request((session) => session.set('count', 0));
    const header = `sid=${browser.cookie}`;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const session = await sessions.open({ cookie: header });
        const count = session.get('count') as number;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        session.set('count', count + 1);
        await sessions.save(session, new TestResponse());
      }),
    );
    expect((await browser.request((session) => session.get('count'))).result).toBe(50);
  });

  it('loses increments without locking (the race locking exists for)', async () => {
    const { browser, sessions } = setup();
    await browser.request((session) => session.set('count', 0));
    const header = `sid=${browser.cookie}`;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const session = await sessions.open({ cookie: header });
        const count = session.get('count') as number;
        await new Promise((resolve) => setTimeout(resolve, 2));
        session.set('count', count + 1);
        await sessions.save(session, new TestResponse());
      }),
    );
    expect((await browser.request((session) => session.get('count'))).result).toBeLessThan(20);
  });

  it('lazy mode reads the store only when a handler loads the session', async () => {
    const { store, browser } = setup({ lazy: true });
    await browser.request(async (session) => (await session.load()).set('user', 'ada'));
    store.calls.length = 0;
    const { response } = await browser.request(() => 'no session needed');
    expect(store.calls).toEqual([]);
    expect(response.getHeader('vary')).toBeUndefined();
    const { result } = await browser.request(async (session) => {
      expect(() => session.get('user')).toThrow(/await session.load/);
      await session.load();
      return session.get('user');
    });
    expect(result).toBe('ada');
  });

  it('queues flash messages and hands each out once', async () => {
    const { browser } = setup();
    await browser.request((session) => {
      session.flash('Welcome, ada');
      session.flash('Disk almost full', 'warning');
    });
    const { result } = await browser.request((session) => [session.consumeFlashes('warning'), session.keys()]);
    expect(result).toEqual([[{ message: 'Disk almost full', category: 'warning' }], []]);
    expect((await browser.request((session) => session.consumeFlashes())).result).toEqual([
      { message: 'Welcome, ada', category: 'message' },
    ]);
    expect((await browser.request((session) => session.consumeFlashes())).result).toEqual([]);
  });

  it('setExpiry and permanent shape the cookie and the record', async () => {
    const { store, browser } = setup();
    const { response } = await browser.request((session) => {
      session.set('user', 'ada');
      session.permanent = false;
    });
    expect(response.setCookies[0]).not.toContain('Max-Age');
    const shorter = await browser.request((session) => {
      session.permanent = true;
      session.setExpiry(120);
    });
    expect(shorter.response.setCookies[0]).toContain('Max-Age=120');
    const record = JSON.parse([...store.records.values()][0]!);
    expect(record.expiresAt - Date.now()).toBeLessThanOrEqual(120_000);
    await expect(browser.request((session) => session.setExpiry(-5))).rejects.toThrow(/setExpiry/);
  });

  it('ends every session of one owner', async () => {
    const { store, sessions } = setup();
    const phone = new Browser(sessions);
    const laptop = new Browser(sessions);
    const other = new Browser(sessions);
    for (const [browser, owner] of [[phone, 'ada'], [laptop, 'ada'], [other, 'bob']] as const) {
      await browser.request((session) => {
        session.set('user', owner);
        session.owner = owner;
      });
    }
    expect(await sessions.destroyAll('ada')).toBe(2);
    expect(store.records.size).toBe(1);
    expect((await phone.request((session) => session.get('user'))).result).toBeUndefined();
    expect((await other.request((session) => session.get('user'))).result).toBe('bob');
  });

  it('turns a store failure into StoreUnavailableError and a hung store into one within the timeout', async () => {
    const failing: Store = {
      name: 'broken',
      get: async () => {
        throw new Error('ECONNREFUSED');
      },
      set: async () => {
        throw new Error('ECONNREFUSED');
      },
      destroy: async () => {},
    };
    const browser = new Browser(createSessions({ store: failing, secret: SECRET }));
    const error = await browser.request((session) => session.set('user', 'ada')).catch((caught: unknown) => caught);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/\[broken\] set failed: ECONNREFUSED/);

    const hung: Store = { name: 'hung', get: () => new Promise(() => {}), set: () => new Promise(() => {}), destroy: async () => {} };
    const sessions = createSessions({ store: hung, secret: SECRET, storeTimeout: 100 });
    const started = Date.now();
    await expect(sessions.ping()).rejects.toMatchObject({ detail: expect.stringMatching(/did not answer within 100 ms/) });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('treats a corrupt record as no session and reports it', async () => {
    const events: string[] = [];
    const store = new RecordingStore();
    const sessions = createSessions({
      store,
      secret: SECRET,
      codec: { encode: (value) => value as never, decode: () => { throw new Error('bad'); } },
      onEvent: (event) => events.push(event.type),
    });
    const browser = new Browser(sessions);
    await browser.request((session) => session.set('user', 'ada'));
    expect((await browser.request((session) => session.isNew)).result).toBe(true);
    expect(events).toContain('session-corrupt');
  });

  it('ends a session bound to the user agent when the user agent changes', async () => {
    const store = new RecordingStore();
    const sessions = createSessions<Record<string, unknown>>({ store, secret: SECRET, bindTo: { userAgent: true } });
    const first = await sessions.open({ cookie: undefined, userAgent: 'Firefox' });
    first.set('user', 'ada');
    const response = new TestResponse();
    await sessions.save(first, response);
    const cookie = response.setCookies[0]!.split(';')[0]!;
    expect((await sessions.open({ cookie, userAgent: 'Firefox' })).get('user')).toBe('ada');
    expect((await sessions.open({ cookie, userAgent: 'curl' })).get('user')).toBeUndefined();
  });

  it('merges Vary and respects an existing Cache-Control', async () => {
    const { sessions } = setup();
    const session = await sessions.open({ cookie: undefined });
    session.set('user', 'ada');
    const response = new TestResponse();
    response.setHeader('Vary', 'Accept-Encoding');
    response.setHeader('Cache-Control', 'public, max-age=60');
    await sessions.save(session, response);
    expect(response.getHeader('vary')).toBe('Accept-Encoding, Cookie');
    expect(response.getHeader('cache-control')).toBe('public, max-age=60, no-cache="Set-Cookie"');
  });
});

describe('migrating from another library', () => {
  it('carries a legacy session into a new sess session, saved with a new ID', async () => {
    const legacy = new Map([['s:old-id.sig', { user: 'ada', cart: ['apple'] }]]);
    const store = new RecordingStore();
    const sessions = createSessions<Record<string, unknown>>({
      store,
      secret: SECRET,
      migrateFrom: { cookieName: 'connect.sid', read: async (value) => (legacy.has(value) ? { data: legacy.get(value)! } : undefined) },
    });
    const unknown = await sessions.open({ cookie: 'connect.sid=s:forged.sig' });
    expect(unknown.isNew && unknown.size === 0).toBe(true);
    const session = await sessions.open({ cookie: 'connect.sid=s:old-id.sig' });
    expect(session.get('user')).toBe('ada');
    const response = new TestResponse();
    await sessions.save(session, response);
    expect(response.setCookies).toHaveLength(2);
    expect(response.setCookies[1]).toMatch(/^connect\.sid=; Path=\/; Max-Age=0/);
    expect(store.records.size).toBe(1);
    const cookie = response.setCookies[0]!.split(';')[0]!;
    expect((await sessions.open({ cookie })).toJSON()).toEqual({ user: 'ada', cart: ['apple'] });
  });
});

describe('locking limits', () => {
  it('gives up waiting for a held session after waitMs with a 503 LockTimeoutError, and the queue goes on', async () => {
    const { browser, sessions } = setup({ locking: { waitMs: 100 } });
    await browser.request((session) => session.set('count', 0));
    const header = `sid=${browser.cookie}`;
    const holder = await sessions.open({ cookie: header });
    const error = await sessions.open({ cookie: header }).catch((caught: unknown) => caught);
    expect((error as { status?: number }).status).toBe(503);
    expect((error as Error).name).toBe('LockTimeoutError');
    await sessions.save(holder, new TestResponse());
    const next = await sessions.open({ cookie: header });
    expect(next.get('count')).toBe(0);
    await sessions.save(next, new TestResponse());
  });
});

describe('signature encoding', () => {
  it('treats a cookie whose signature differs only in unused base64url bits as tampered', async () => {
    const { browser } = setup();
    await browser.request((session) => session.set('user', 'ada'));
    const value = browser.cookie!;
    const last = value.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last character of a 32-byte value holds 2 meaningful bits and 4 ignored ones.
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    browser.cookie = value.slice(0, -1) + sibling;
    expect((await browser.request((session) => session.get('user'))).result).toBeUndefined();
  });
});

/** `backend`, counting the HMAC verifications and hashes it makes. */
function counted(backend: CryptoBackend): { backend: CryptoBackend; calls: { verify: number; sha256: number } } {
  const calls = { verify: 0, sha256: 0 };
  return {
    calls,
    backend: {
      name: backend.name,
      aesGcmKey: (...args) => backend.aesGcmKey(...args),
      sha256: (data) => {
        calls.sha256++;
        return backend.sha256(data);
      },
      hmacKey: async (secret) => {
        const key = await backend.hmacKey(secret);
        return {
          sign: (data) => key.sign(data),
          verify: (data, signature) => {
            calls.verify++;
            return key.verify(data, signature);
          },
        };
      },
    },
  };
}

describe('hot path', () => {
  it('verifies and hashes a returning cookie once, then serves it from memory', async () => {
    const store = new RecordingStore();
    const writer = counted(defaultCryptoBackend());
    const browser = new Browser(new ServerSessions<Record<string, unknown>>(store, resolveOptions({ store, secret: SECRET }), writer.backend));
    await browser.request((session) => session.set('user', 'ada'));
    expect(writer.calls).toEqual({ verify: 0, sha256: 1 });
    for (let i = 0; i < 3; i++) expect((await browser.request((session) => session.get('user'))).result).toBe('ada');
    expect(writer.calls).toEqual({ verify: 0, sha256: 1 });

    // Another process (empty cache) pays once for the same cookie, then serves it from memory too.
    const reader = counted(defaultCryptoBackend());
    const other = new Browser(new ServerSessions<Record<string, unknown>>(store, resolveOptions({ store, secret: SECRET }), reader.backend));
    other.cookie = browser.cookie;
    for (let i = 0; i < 3; i++) expect((await other.request((session) => session.get('user'))).result).toBe('ada');
    expect(reader.calls).toEqual({ verify: 1, sha256: 1 });
  });
});

describe.each([
  ['node:crypto', nodeCryptoBackend()!, 'Web Crypto', webCryptoBackend],
  ['Web Crypto', webCryptoBackend, 'node:crypto', nodeCryptoBackend()!],
] as [string, CryptoBackend, string, CryptoBackend][])('server sessions written with %s, read with %s', (_a, writer, _b, reader) => {
  it('find the same record, rotate secrets across the switch, and reject a forged signature', async () => {
    const store = new RecordingStore();
    const browser = (secret: string | string[], backend: CryptoBackend, cookie?: string) => {
      const made = new Browser(new ServerSessions<Record<string, unknown>>(store, resolveOptions({ store, secret }), backend));
      made.cookie = cookie;
      return made;
    };
    const old = browser(OLD_SECRET, writer);
    await old.request((session) => session.set('user', 'ada'));
    const rotated = browser([SECRET, OLD_SECRET], reader, old.cookie);
    const { result, response } = await rotated.request((session) => session.get('user'));
    expect(result).toBe('ada');
    expect(response.setCookies).toHaveLength(1);
    expect(rotated.cookie!.split('.')[0]).toBe(old.cookie!.split('.')[0]);
    expect((await browser(SECRET, writer, rotated.cookie).request((session) => session.get('user'))).result).toBe('ada');
    const value = rotated.cookie!;
    const forged = value.slice(0, 50) + (value[50] === 'A' ? 'B' : 'A') + value.slice(51);
    expect((await browser(SECRET, reader, forged).request((session) => session.get('user'))).result).toBeUndefined();
    expect((await browser(SECRET, writer, forged).request((session) => session.get('user'))).result).toBeUndefined();
  });
});
