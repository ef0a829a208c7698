import { createHmac } from 'node:crypto';
import { SessionConfigError } from '@sess/core';
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressSessionSource, unsignExpressSessionCookie } from './express-session-source.js';
import { connectRedis, uniquePrefix } from './testing/http.js';

const SECRET = 'keyboard cat';
/** The request argument of `read`, unused by this source. */
const NO_REQUEST = { cookie: undefined };
/** cookie-signature's `sign`, written out: `value.base64(HMAC-SHA-256(value))` without padding. */
const sign = (value: string, secret = SECRET) => `${value}.${createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '')}`;

describe('unsignExpressSessionCookie', () => {
  it('accepts express-session\'s percent-encoded and plain forms, quoted or not', () => {
    const value = `s:${sign('abc-DEF_123')}`;
    expect(unsignExpressSessionCookie(encodeURIComponent(value), [SECRET])).toBe('abc-DEF_123');
    expect(unsignExpressSessionCookie(value, [SECRET])).toBe('abc-DEF_123');
    expect(unsignExpressSessionCookie(`"${encodeURIComponent(value)}"`, [SECRET])).toBe('abc-DEF_123');
  });

  it('keeps dots in the ID (the signature follows the last one)', () => {
    expect(unsignExpressSessionCookie(encodeURIComponent(`s:${sign('a.b.c')}`), [SECRET])).toBe('a.b.c');
  });

  it('tries every secret', () => {
    const value = encodeURIComponent(`s:${sign('rotated', 'old secret')}`);
    expect(unsignExpressSessionCookie(value, ['new secret', 'old secret'])).toBe('rotated');
    expect(unsignExpressSessionCookie(value, ['new secret'])).toBeUndefined();
  });

  it('refuses unsigned, truncated, padded, badly encoded and overlong values', () => {
    const signed = `s:${sign('abc')}`;
    for (const value of ['abc', sign('abc'), `s:abc`, `s:.${sign('abc').split('.')[1]}`, `${signed}=`, signed.slice(0, -1), '%E0%A4%A', `s:${sign('x'.repeat(1100))}`]) {
      expect(unsignExpressSessionCookie(value, [SECRET]), value).toBeUndefined();
    }
  });
});

describe('expressSessionSource', () => {
  let client: Awaited<ReturnType<typeof connectRedis>>;
  let store: ConnectRedisStore;
  const prefix = uniquePrefix('migrate-source');

  beforeAll(async () => {
    client = await connectRedis();
    store = new ConnectRedisStore({ client, prefix });
  });

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(keys);
    client.destroy();
  });

  it('refuses a missing secret or store at construction', () => {
    expect(() => expressSessionSource({ secret: '', store })).toThrow(SessionConfigError);
    expect(() => expressSessionSource({ secret: [], store })).toThrow(/\[migrate-express-session\] `secret` is required/);
    expect(() => expressSessionSource({ secret: SECRET, store: {} as never })).toThrow(/`store` must be/);
  });

  it('reads a record connect-redis holds, without express-session\'s cookie field', async () => {
    const expires = new Date(Date.now() + 60_000);
    await client.set(`${prefix}plain`, JSON.stringify({ cookie: { originalMaxAge: 60_000, expires, httpOnly: true, path: '/' }, user: 'ada', n: 1 }));
    const source = expressSessionSource({ secret: SECRET, store, afterMigration: 'keep' });
    expect(source.cookieName).toBe('connect.sid');
    expect(await source.read(encodeURIComponent(`s:${sign('plain')}`), NO_REQUEST)).toEqual({ data: { user: 'ada', n: 1 } });
    expect(await source.read(encodeURIComponent(`s:${sign('missing')}`), NO_REQUEST)).toBeUndefined();
    expect(await client.exists(`${prefix}plain`)).toBe(1);
  });

  it('reads a browser-session cookie (expires null) and destroys the record by default', async () => {
    await client.set(`${prefix}browser`, JSON.stringify({ cookie: { originalMaxAge: null, expires: null }, user: 'grace' }));
    const source = expressSessionSource({ secret: SECRET, store, cookieName: 'app.sid' });
    expect(source.cookieName).toBe('app.sid');
    expect(await source.read(`s:${sign('browser')}`, NO_REQUEST)).toEqual({ data: { user: 'grace' } });
    expect(await client.exists(`${prefix}browser`)).toBe(0);
  });

  it('lets transform refuse a session', async () => {
    await client.set(`${prefix}refused`, JSON.stringify({ cookie: { expires: null }, user: 'eve' }));
    const source = expressSessionSource({ secret: SECRET, store, transform: () => undefined });
    expect(await source.read(`s:${sign('refused')}`, NO_REQUEST)).toBeUndefined();
    // A refused session is not retired either.
    expect(await client.exists(`${prefix}refused`)).toBe(1);
  });
});
