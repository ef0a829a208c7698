import { describe, expect, it, vi } from 'vitest';
import { CookieSessions } from './cookie-sessions.js';
import { createSessions } from './create-sessions.js';
import type { CryptoBackend } from '../crypto/crypto-backend.js';
import { CookieTooLargeError, SessionConfigError } from '../errors.js';
import { nodeCryptoBackend } from '../crypto/node-crypto-backend.js';
import { resolveOptions } from '../options/resolve-options.js';
import { Browser, TestResponse } from '../testing/http.js';
import { jsonCodec } from '../session/codec.js';
import { webCryptoBackend } from '../crypto/web-crypto-backend.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
const OLD_SECRET = 'an-older-secret-that-is-long-enough-0002';

function browser(secret: string | string[] = SECRET, options: { idleTimeout?: number } = {}) {
  return new Browser(createSessions<Record<string, unknown>>({ store: 'cookie', secret, ...options }));
}

describe('cookie sessions', () => {
  it('keeps the data in an encrypted cookie that reveals none of it', async () => {
    const client = browser();
    const first = await client.request((session) => session.set('user', 'ada-lovelace'));
    expect(first.response.setCookies).toHaveLength(1);
    expect(first.response.setCookies[0]).not.toContain('ada');
    expect(client.cookie).toMatch(/^[A-Za-z0-9_-]+$/);
    expect((await client.request((session) => session.get('user'))).result).toBe('ada-lovelace');
  });

  it('gives every request its own values when the same cookie comes back (its payload is parsed once)', async () => {
    const client = browser();
    await client.request((session) => session.set('cart', { items: ['tea'] }));
    const cookie = client.cookie;
    // A handler that mutates what it read and then fails to save must not change what the next request reads.
    const first = await client.request((session) => {
      const cart = session.get('cart') as { items: string[] };
      cart.items.push('cake');
      return cart;
    });
    expect(first.result).toEqual({ items: ['tea', 'cake'] });
    client.cookie = cookie;
    const again = await client.request((session) => session.get('cart'));
    expect(again.result).toEqual({ items: ['tea'] });
    client.cookie = cookie;
    const third = await client.request((session) => session.get('cart'));
    expect(third.result).toEqual({ items: ['tea'] });
    expect(third.result).not.toBe(again.result);

    // With a codec whose decode hands back what it is given, the payload is parsed for every request.
    const plain = new Browser(createSessions<Record<string, unknown>>({ store: 'cookie', secret: SECRET, codec: jsonCodec }));
    await plain.request((session) => session.set('cart', { items: ['tea'] }));
    const plainCookie = plain.cookie;
    await plain.request((session) => (session.get('cart') as { items: string[] }).items.push('cake'));
    plain.cookie = plainCookie;
    expect((await plain.request((session) => session.get('cart'))).result).toEqual({ items: ['tea'] });
  });

  it('sets no cookie for an untouched visitor', async () => {
    const { response } = await browser().request((session) => session.get('user'));
    expect(response.setCookies).toEqual([]);
  });

  it('treats a tampered or foreign cookie as a new visitor', async () => {
    const client = browser();
    await client.request((session) => session.set('user', 'ada'));
    const value = client.cookie!;
    const index = Math.floor(value.length / 2);
    client.cookie = value.slice(0, index) + (value[index] === 'A' ? 'B' : 'A') + value.slice(index + 1);
    expect((await client.request((session) => session.get('user'))).result).toBeUndefined();
    const stranger = browser('another-secret-that-is-long-enough-999');
    stranger.cookie = value;
    expect((await stranger.request((session) => session.get('user'))).result).toBeUndefined();
  });

  it('rotates secrets: old cookies still open and are re-encrypted with the new secret', async () => {
    const old = browser(OLD_SECRET);
    await old.request((session) => session.set('user', 'ada'));
    const rotated = browser([SECRET, OLD_SECRET]);
    rotated.cookie = old.cookie;
    const { result, response } = await rotated.request((session) => session.get('user'));
    expect(result).toBe('ada');
    expect(response.setCookies).toHaveLength(1);
    const fresh = browser(SECRET);
    fresh.cookie = rotated.cookie;
    expect((await fresh.request((session) => session.get('user'))).result).toBe('ada');
  });

  it('expires with the idle timeout even if the browser keeps the cookie', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
      const client = browser(SECRET, { idleTimeout: 60 });
      await client.request((session) => session.set('user', 'ada'));
      vi.setSystemTime(new Date('2026-01-01T00:01:01Z'));
      expect((await client.request((session) => session.get('user'))).result).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to set a cookie over 4096 bytes with CookieTooLargeError', async () => {
    const client = browser();
    const error = await client
      .request((session) => session.set('blob', 'x'.repeat(5000)))
      .catch((caught: unknown) => caught);
    expect(CookieTooLargeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/server-side store/);
  });

  it('destroy expires the cookie; destroyAll is refused with an explanation', async () => {
    const sessions = createSessions<Record<string, unknown>>({ store: 'cookie', secret: SECRET });
    const client = new Browser(sessions);
    await client.request((session) => session.set('user', 'ada'));
    const { response } = await client.request((session) => session.destroy());
    expect(response.setCookies[0]).toMatch(/Max-Age=0/);
    expect(client.cookie).toBeUndefined();
    await expect(sessions.destroyAll('ada')).rejects.toSatisfy((error) => SessionConfigError.isInstance(error));
  });

  it('binds the ciphertext to the cookie name', async () => {
    const one = createSessions<Record<string, unknown>>({ store: 'cookie', secret: SECRET, cookie: { name: 'one' } });
    const two = createSessions<Record<string, unknown>>({ store: 'cookie', secret: SECRET, cookie: { name: 'two' } });
    const session = await one.open({ cookie: undefined });
    session.set('user', 'ada');
    const response = new TestResponse();
    await one.save(session, response);
    const value = response.setCookies[0]!.split(';')[0]!.slice('one='.length);
    expect((await one.open({ cookie: `one=${value}` })).get('user')).toBe('ada');
    expect((await two.open({ cookie: `two=${value}` })).get('user')).toBeUndefined();
  });
});

describe.each([
  ['node:crypto', nodeCryptoBackend()!, 'Web Crypto', webCryptoBackend],
  ['Web Crypto', webCryptoBackend, 'node:crypto', nodeCryptoBackend()!],
] as [string, CryptoBackend, string, CryptoBackend][])('cookie sessions written with %s, read with %s', (_a, writer, _b, reader) => {
  const sessions = (secret: string | string[], backend: CryptoBackend) =>
    new Browser(new CookieSessions<Record<string, unknown>>(resolveOptions({ store: 'cookie', secret }), backend));

  it('keep their data, rotate secrets across the switch, and reject tampering', async () => {
    const old = sessions(OLD_SECRET, writer);
    await old.request((session) => session.set('user', 'ada'));
    const rotated = sessions([SECRET, OLD_SECRET], reader);
    rotated.cookie = old.cookie;
    const { result, response } = await rotated.request((session) => session.get('user'));
    expect(result).toBe('ada');
    expect(response.setCookies).toHaveLength(1);
    const fresh = sessions(SECRET, writer);
    fresh.cookie = rotated.cookie;
    expect((await fresh.request((session) => session.get('user'))).result).toBe('ada');
    const value = rotated.cookie!;
    const index = Math.floor(value.length / 2);
    const tampered = sessions(SECRET, reader);
    tampered.cookie = value.slice(0, index) + (value[index] === 'A' ? 'B' : 'A') + value.slice(index + 1);
    expect((await tampered.request((session) => session.get('user'))).result).toBeUndefined();
  });
});
