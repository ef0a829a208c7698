/**
 * The HTTP scenarios every sess adapter must pass, registered as vitest tests by one call per
 * framework version: cookies, saving before the answer, regenerate, destroy, tampering, lazy mode,
 * store failures, locking, cross-site request forgery.
 */
import { describe, expect, it } from 'vitest';
import { createAppStarter, TEST_SECRET } from './app-starter.js';
import { CookieJar } from './cookie-jar.js';
import { testCsrf } from './csrf-scenarios.js';
import { MapStore } from './map-store.js';
import type { ServeAdapter, TestRoute } from './serve-adapter.js';
import { errorAnswer } from './standard-routes.js';

/** Options of {@link testAdapter}. */
export interface TestAdapterOptions {
  /** Name of the `describe` block: the framework and its version (`express 5`, `koa 2`). */
  name: string;
  /** Starts the framework's app with the adapter and the suite's routes. */
  serve: ServeAdapter;
  /**
   * Whether the app `serve` builds trusts a proxy's `X-Forwarded-Proto` and `X-Forwarded-Host`
   * (Express `trust proxy`, Koa `proxy`): the suite then checks that such a request gets a `Secure`
   * cookie and a plain one does not, and that the CSRF origin check takes the app's origin from
   * them. Frameworks without a proxy setting test `Secure` their own way.
   * @default false
   */
  trustsProxy?: boolean;
}

/** Registers a `describe(name)` block with the shared HTTP scenarios, run against `serve`'s app. */
export function testAdapter({ name, serve, trustsProxy = false }: TestAdapterOptions): void {
  describe(name, () => {
    const start = createAppStarter(serve);

    it('sets no cookie for a visitor whose session stays untouched or only read', async () => {
      const { jar, store } = await start();
      for (const path of ['/untouched', '/read']) {
        const response = await jar.fetch(path);
        expect(response.status).toBe(200);
        expect(response.headers.getSetCookie()).toEqual([]);
      }
      expect(store.size).toBe(0);
    });

    it('keeps a counter across requests', async () => {
      const { jar } = await start();
      for (const expected of ['1', '2', '3']) expect(await (await jar.fetch('/count')).text()).toBe(expected);
      expect(await (await jar.fetch('/read')).text()).toBe('3');
    });

    it('sets the cookie and finishes the store write before answering with a text body', async () => {
      // Every store call takes 30 ms: a response sent before the write ended would let the next
      // request read the old value.
      const { jar } = await start({}, new MapStore(30));
      const first = await jar.fetch('/count');
      expect(first.headers.getSetCookie()).toHaveLength(1);
      expect(first.headers.get('Vary')).toMatch(/\bCookie\b/);
      expect(await first.text()).toBe('1');
      expect((await jar.fetch('/count')).status).toBe(200);
      expect(await (await jar.fetch('/read')).text()).toBe('2');
    });

    it('writes a cookie with HttpOnly, SameSite=Lax and Path=/, and Vary: Cookie', async () => {
      const { jar } = await start();
      const response = await jar.fetch('/count');
      const [cookie] = response.headers.getSetCookie();
      expect(cookie).toMatch(/^sid=[\w-]+\.[\w-]+;/);
      expect(cookie).toContain('; HttpOnly');
      // Attribute names and values are case-insensitive (RFC 6265bis 5.6): Next writes `SameSite=lax`.
      expect(cookie).toMatch(/; SameSite=Lax(;|$)/i);
      expect(cookie).toContain('; Path=/');
      expect(cookie).not.toContain('; Secure');
      expect(response.headers.get('Vary')).toMatch(/\bCookie\b/);
      expect(response.headers.get('Cache-Control')).toContain('private');
    });

    if (trustsProxy) {
      it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
        const { jar } = await start();
        const plain = await jar.fetch('/count');
        expect(plain.headers.getSetCookie()[0]).not.toContain('; Secure');
        const secure = await jar.fetch('/count', { headers: { 'X-Forwarded-Proto': 'https' } });
        expect(secure.headers.getSetCookie()[0]).toContain('; Secure');
      });
    }

    it('saves the session also when the handler failed, and the error handler answers its error', async () => {
      const { jar } = await start();
      await (await jar.fetch('/count')).text();
      const failed = await jar.fetch('/throw');
      expect(failed.status).toBe(500);
      expect(await failed.text()).toBe('Error');
      expect(await (await jar.fetch('/read')).text()).toBe('2');
    });

    it('keeps the user signed in when a handler fails after regenerate (the old record or the new cookie survives)', async () => {
      const { jar } = await start();
      await (await jar.fetch('/count')).text();
      const failed = await jar.fetch('/regenerate-throw', { method: 'POST' });
      expect(failed.status).toBe(500);
      expect(await failed.text()).toBe('Error');
      // What the failed handler changed was saved, and the browser can still reach it.
      expect(await (await jar.fetch('/read')).text()).toBe('2');
    });

    it('gives a new ID on regenerate, keeps the data, and retires the old ID', async () => {
      const { jar } = await start();
      await (await jar.fetch('/count')).text();
      const before = jar.copy();
      const response = await jar.fetch('/regenerate', { method: 'POST' });
      expect(response.status).toBe(200);
      expect(jar.cookies.get('sid')).not.toBe(before.cookies.get('sid'));
      expect(await (await jar.fetch('/read')).text()).toBe('1');
      expect(await (await before.fetch('/read')).text()).toBe('0');
    });

    it('expires the cookie on destroy; the old cookie is then a new visitor', async () => {
      const { jar } = await start();
      await (await jar.fetch('/count')).text();
      const before = jar.copy();
      const response = await jar.fetch('/destroy', { method: 'POST' });
      expect(response.headers.getSetCookie()[0]).toMatch(/^sid=; .*Max-Age=0/);
      expect(jar.cookies.has('sid')).toBe(false);
      expect(await (await before.fetch('/read')).text()).toBe('0');
      expect(await (await before.fetch('/count')).text()).toBe('1');
    });

    it('treats a tampered cookie as a new visitor (200, not 500)', async () => {
      const { jar } = await start();
      await (await jar.fetch('/count')).text();
      await (await jar.fetch('/count')).text();
      const value = jar.cookies.get('sid')!;
      jar.cookies.set('sid', value.slice(0, -2) + (value.endsWith('AA') ? 'BB' : 'AA'));
      const response = await jar.fetch('/count');
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('1');
      expect(response.headers.getSetCookie()).toHaveLength(1);
    });

    it('loads nothing in lazy mode until the handler calls load()', async () => {
      const { jar, store } = await start({ lazy: true }, new MapStore());
      expect(await (await jar.fetch('/lazy-count')).text()).toBe('1');
      expect(await (await jar.fetch('/lazy-count')).text()).toBe('2');
      // The store is down, but a request that never loads the session does not notice.
      store.failing.add('get');
      const untouched = await jar.fetch('/untouched');
      expect(untouched.status).toBe(200);
      expect(await untouched.text()).toBe('ok');
    });

    it('answers 503 through the error handler when the store fails to save, with no cookie', async () => {
      const { jar, store } = await start({}, new MapStore());
      store.failing.add('set');
      const response = await jar.fetch('/count');
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it('answers 503 through the error handler when the store fails to open the session', async () => {
      const { jar, store } = await start({}, new MapStore());
      await (await jar.fetch('/count')).text();
      store.failing.add('get');
      const response = await jar.fetch('/read');
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
    });

    it('serializes 50 concurrent increments of one session with locking', async () => {
      const { jar } = await start({ locking: true });
      await (await jar.fetch('/start', { method: 'POST' })).text();
      await Promise.all(Array.from({ length: 50 }, async () => (await jar.fetch('/slow-count')).text()));
      expect(await (await jar.fetch('/read')).text()).toBe('50');
    });

    testCsrf(start, trustsProxy);

    it('accepts the options of createSessions instead of a session interface', async () => {
      const route: TestRoute = {
        method: 'GET',
        path: '/',
        handle: async (session) => {
          session.set('seen', true);
          return String(session.isNew);
        },
      };
      const server = await serve({ store: new MapStore(), secret: TEST_SECRET }, { list: [route], onError: errorAnswer });
      try {
        const jar = new CookieJar(server.url);
        expect(await (await jar.fetch('/')).text()).toBe('true');
        expect(await (await jar.fetch('/')).text()).toBe('false');
      } finally {
        await server.close();
      }
    });
  });
}
