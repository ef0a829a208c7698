import { createSessions, MemoryStore, type SessionResponse } from '@sess/core';
import { ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CookieStoreResponse, parseSetCookie, type NextCookieStore } from './next-session-io.js';

/** The attributes of a `Set-Cookie` value, as a browser reads them (names lower-case, in a set). */
function attributes(header: string): { pair: string; rest: Set<string> } {
  const [pair = '', ...rest] = header.split(/;\s*/);
  return { pair, rest: new Set(rest.map((attribute) => attribute.replace(/^([^=]+)/, (name) => name.toLowerCase()).replace(/^samesite=(\w+)/, (_, v: string) => `samesite=${v.toLowerCase()}`))) };
}

/** A response of plain `Headers`: the core's own `Set-Cookie`, untranslated. */
class HeadersResponse implements SessionResponse {
  readonly headers = new Headers();
  getHeader(name: string) {
    return this.headers.get(name) ?? undefined;
  }
  setHeader(name: string, value: string) {
    this.headers.set(name, value);
  }
  appendHeader(name: string, value: string) {
    this.headers.append(name, value);
  }
}

describe("the cookie of the core, through Next's cookies().set()", () => {
  // Next recomputes Expires from Max-Age when it sets the cookie: a second ticking over between the
  // core's write and Next's would tell the dates apart. The clock stands still instead.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T12:00:00.500Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['defaults', {}],
    ['every attribute', { domain: 'example.com', secure: true, sameSite: 'strict', partitioned: true, path: '/app' }],
    ['SameSite=None', { secure: true, sameSite: 'none' }],
  ] as const)('writes the same cookie as the core (%s)', async (_name, cookie) => {
    const sessions = createSessions({ store: new MemoryStore(), secret: 'a test secret that is long enough to sign cookies', cookie });
    const session = await sessions.open({ cookie: undefined });
    session.set('count', 1);
    const direct = new HeadersResponse();
    await sessions.save(session, direct);
    const [expected = ''] = direct.headers.getSetCookie();

    // Next's own cookie store (the class behind `cookies()` in Route Handlers and Server Actions).
    const headers = new Headers();
    const nextCookies = new ResponseCookies(headers);
    new CookieStoreResponse(nextCookies as unknown as NextCookieStore).appendHeader('Set-Cookie', expected);
    const [written = ''] = headers.getSetCookie();

    const want = attributes(expected);
    const got = attributes(written);
    expect(got.pair).toBe(want.pair);
    // Next writes Expires as toUTCString(), the same HTTP date.
    expect(got.rest).toEqual(want.rest);
  });

  it('reads an expiring cookie (logout) back as Max-Age=0', () => {
    const parsed = parseSetCookie('sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax');
    expect(parsed).toEqual({ name: 'sid', value: '', path: '/', maxAge: 0, expires: new Date(0), httpOnly: true, sameSite: 'lax' });
  });
});
