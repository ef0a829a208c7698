import { describe, expect, it } from 'vitest';
import { createSessions } from './create-sessions.js';
import { CookieTooLargeError, SessionConfigError } from '../errors.js';
import { MemoryStore } from '../store/memory-store.js';
import { TestResponse } from '../testing/http.js';
import type { Session } from '../session/session.js';
import { MAX_COOKIE_BYTES } from './cookie-sessions.js';
import { joinChunks, presentChunks } from './cookie-chunks.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';

/** A browser's cookie jar: every cookie by name, updated from `Set-Cookie` as a browser does. */
class Jar {
  readonly cookies = new Map<string, string>();

  constructor(private readonly sessions = createSessions<Record<string, unknown>>({ store: 'cookie', secret: SECRET, cookieChunks: 4 })) {}

  get header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request<R>(handler: (session: Session<Record<string, unknown>>) => R): Promise<{ result: R; response: TestResponse }> {
    const session = await this.sessions.open({ cookie: this.header });
    const result = handler(session);
    const response = new TestResponse();
    await this.sessions.save(session, response);
    for (const line of response.setCookies) {
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(MAX_COOKIE_BYTES);
      const name = line.slice(0, line.indexOf('='));
      const value = line.slice(line.indexOf('=') + 1, line.indexOf(';'));
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { result, response };
  }
}

/** About `bytes` of session data that does not compress into fewer characters. */
const payload = (bytes: number, seed = 'x') => Array.from({ length: bytes / 16 }, (_, index) => `${seed}${index.toString(36).padStart(15, '-')}`).join('');

describe('chunked cookie sessions (cookieChunks)', () => {
  it('round-trips a 10 KB session over several cookies, each within 4096 bytes', async () => {
    const jar = new Jar();
    const big = payload(10_240);
    await jar.request((session) => session.set('big', big));
    expect([...jar.cookies.keys()].sort()).toEqual(['sid.0', 'sid.1', 'sid.2', 'sid.3']);
    expect((await jar.request((session) => session.get('big'))).result).toBe(big);
  });

  it('keeps a session that fits in one cookie in the single cookie, as without chunking', async () => {
    const jar = new Jar();
    await jar.request((session) => session.set('user', 'ada'));
    expect([...jar.cookies.keys()]).toEqual(['sid']);
    expect((await jar.request((session) => session.get('user'))).result).toBe('ada');
  });

  it('expires the chunks a shrinking session leaves unused, and the single cookie when it grows', async () => {
    const jar = new Jar();
    await jar.request((session) => session.set('user', 'ada'));
    await jar.request((session) => session.set('big', payload(10_240)));
    expect([...jar.cookies.keys()].sort()).toEqual(['sid.0', 'sid.1', 'sid.2', 'sid.3']);
    await jar.request((session) => session.set('big', payload(5_000)));
    expect([...jar.cookies.keys()].sort()).toEqual(['sid.0', 'sid.1']);
    expect((await jar.request((session) => session.get('user'))).result).toBe('ada');
    await jar.request((session) => session.delete('big'));
    expect([...jar.cookies.keys()]).toEqual(['sid']);
    expect((await jar.request((session) => session.get('user'))).result).toBe('ada');
  });

  it('expires every chunk on destroy', async () => {
    const jar = new Jar();
    await jar.request((session) => session.set('big', payload(10_240)));
    const { response } = await jar.request((session) => session.destroy());
    expect(response.setCookies.filter((line) => /Max-Age=0/.test(line))).toHaveLength(4);
    expect(jar.cookies.size).toBe(0);
    expect((await jar.request((session) => session.get('big'))).result).toBeUndefined();
  });

  it('refuses chunks that were reordered, swapped with another session, dropped or added', async () => {
    const first = new Jar();
    const second = new Jar();
    await first.request((session) => session.set('big', payload(10_240, 'a')));
    await second.request((session) => session.set('big', payload(10_240, 'b')));
    const read = async (cookies: Map<string, string>) => {
      const jar = new Jar();
      for (const [name, value] of cookies) jar.cookies.set(name, value);
      return (await jar.request((session) => session.get('big'))).result;
    };
    expect(await read(first.cookies)).toBe(payload(10_240, 'a'));
    // Reordered: chunks 1 and 2 trade places.
    const reordered = new Map(first.cookies);
    reordered.set('sid.1', first.cookies.get('sid.2')!);
    reordered.set('sid.2', first.cookies.get('sid.1')!);
    expect(await read(reordered)).toBeUndefined();
    // Swapped: one chunk of another session of the same secret.
    const swapped = new Map(first.cookies);
    swapped.set('sid.2', second.cookies.get('sid.2')!);
    expect(await read(swapped)).toBeUndefined();
    // Truncated: the last chunk dropped, or the count rewritten to hide it.
    const dropped = new Map(first.cookies);
    dropped.delete('sid.3');
    expect(await read(dropped)).toBeUndefined();
    const recounted = new Map(dropped);
    recounted.set('sid.0', `3${first.cookies.get('sid.0')!.slice(1)}`);
    expect(await read(recounted)).toBeUndefined();
    // A whole single cookie's value cut into chunks does not open either: the count is bound too.
    const small = new Jar();
    await small.request((session) => session.set('user', 'ada'));
    const value = small.cookies.get('sid')!;
    expect(await read(new Map([['sid.0', `2.${value.slice(0, 20)}`], ['sid.1', value.slice(20)]]))).toBeUndefined();
  });

  it('throws CookieTooLargeError past cookieChunks cookies, naming the bound', async () => {
    const jar = new Jar(createSessions<Record<string, unknown>>({ store: 'cookie', secret: SECRET, cookieChunks: 2 }));
    await expect(jar.request((current) => current.set('big', payload(10_240)))).rejects.toThrow(CookieTooLargeError);
    await expect(jar.request((current) => current.set('big', payload(10_240)))).rejects.toThrow(/8192/);
  });

  it('validates the option', () => {
    const make = (cookieChunks: unknown, store: 'cookie' | MemoryStore = 'cookie') => () => createSessions({ store, secret: SECRET, cookieChunks: cookieChunks as number });
    expect(make(0)).toThrow(SessionConfigError);
    expect(make(11)).toThrow(/from 1 to 10/);
    expect(make(2.5)).toThrow(/cookieChunks/);
    expect(make(2, new MemoryStore())).toThrow(/for cookie sessions/);
    expect(make(1, new MemoryStore())).not.toThrow();
  });

  it('reads chunk names only at the start of a pair, and joins only a complete announced set', () => {
    expect(presentChunks('a=1; sid.0=x; xsid.1=y; sid.9=z; sid.10=w', 'sid')).toEqual([0, 9]);
    const cookies = new Map([['sid.0', '2.ab'], ['sid.1', 'cd']]);
    expect(joinChunks((name) => cookies.get(name), 'sid', 4)).toEqual({ value: 'abcd', count: 2 });
    expect(joinChunks((name) => cookies.get(name), 'sid', 1)).toBeUndefined();
    cookies.set('sid.0', '3.ab');
    expect(joinChunks((name) => cookies.get(name), 'sid', 4)).toBeUndefined();
    cookies.set('sid.0', 'ab');
    expect(joinChunks((name) => cookies.get(name), 'sid', 4)).toBeUndefined();
  });
});
