import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import {
  createSessions,
  MemoryStore,
  StoreUnavailableError,
  type SessionData,
  type SessionsOptions,
  type Store,
} from '@sess/core';
import { Hono } from 'hono';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { session, type SessionEnv } from './index.js';
import { CookieJar } from './testing/cookie-jar.js';
import { MapStore } from './testing/map-store.js';

// The typing recipe of the README: every `c.get('session')` in the app knows these keys.
declare module '@sess/core' {
  interface SessionData {
    count: number;
  }
}

const secret = 'a test secret that is long enough to sign cookies';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const servers: ServerType[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close?.()));
  for (const server of servers.splice(0)) {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** Serves `app` on a free port over real HTTP; returns its base URL. */
async function listen(app: Hono<SessionEnv>): Promise<string> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts an app with the session middleware and every route the tests use; returns a cookie jar on it. */
async function start<S extends Store = MemoryStore>(options: Partial<SessionsOptions<SessionData>> = {}, store?: S) {
  const used = store ?? (new MemoryStore() as Store as S);
  stores.push(used);
  const app = new Hono<SessionEnv>();
  app.use(session(createSessions({ store: used, secret, ...options })));
  const increment = (current: SessionEnv['Variables']['session']) => {
    const count = (current.get('count') ?? 0) + 1;
    current.set('count', count);
    return count;
  };
  let base = '';

  app.get('/untouched', (c) => c.text('ok'));
  app.get('/read', (c) => {
    expectTypeOf(c.get('session').get('count')).toEqualTypeOf<number | undefined>();
    return c.text(String(c.get('session').get('count') ?? 0));
  });
  // Increments the counter and answers in the way the query names, to cover every way out.
  app.get('/count', async (c) => {
    const count = increment(c.get('session'));
    switch (c.req.query('via')) {
      case 'json':
        return c.json({ count });
      case 'redirect':
        return c.redirect('/read');
      case 'response-redirect':
        // Response.redirect() has immutable headers.
        return Response.redirect(`${base}/read`, 302);
      case 'fetched':
        // So has a response passed through from fetch().
        return fetch(`${base}/untouched`);
      case 'stream':
        return c.body(
          new ReadableStream({
            start(controller) {
              for (const part of [String(count), '-', 'done']) controller.enqueue(new TextEncoder().encode(part));
              controller.close();
            },
          }),
        );
      default:
        return c.text(String(count));
    }
  });
  app.post('/start', (c) => {
    c.get('session').set('count', 0);
    return c.text('0');
  });
  app.get('/slow-count', async (c) => {
    const count = c.get('session').get('count') ?? 0;
    await sleep(Math.random() * 3);
    c.get('session').set('count', count + 1);
    return c.text(String(count + 1));
  });
  app.get('/lazy-count', async (c) => {
    await c.get('session').load();
    return c.text(String(increment(c.get('session'))));
  });
  app.post('/regenerate', (c) => {
    c.get('session').regenerate();
    return c.text('ok');
  });
  app.post('/destroy', (c) => {
    c.get('session').destroy();
    return c.text('ok');
  });
  app.get('/throw', (c) => {
    increment(c.get('session'));
    throw new Error('handler failed');
  });
  app.onError((error, c) => c.text(error.name, StoreUnavailableError.isInstance(error) ? 503 : 500));

  base = await listen(app);
  return { jar: new CookieJar(base), store: used };
}

describe('hono over @hono/node-server', () => {
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

  it.each(['text', 'json', 'redirect', 'response-redirect', 'fetched', 'stream'])(
    'sets the cookie and finishes the store write before answering with a %s response',
    async (via) => {
      // Every store call takes 30 ms: a response sent before the write ended would let the next
      // request read the old value.
      const { jar } = await start({}, new MapStore(30));
      const first = await jar.fetch(`/count?via=${via}`);
      expect(first.headers.getSetCookie()).toHaveLength(1);
      expect(first.headers.get('Vary')).toMatch(/\bCookie\b/);
      const body = await first.text();
      if (via === 'stream') expect(body).toBe('1-done');
      if (via === 'json') expect(JSON.parse(body)).toEqual({ count: 1 });
      if (via === 'fetched') expect(body).toBe('ok');
      if (via.endsWith('redirect')) expect(first.status).toBe(302);
      expect((await jar.fetch(`/count?via=${via}`)).status).toBeLessThan(400);
      expect(await (await jar.fetch('/read')).text()).toBe('2');
    },
  );

  it('writes a cookie with HttpOnly, SameSite=Lax and Path=/, and Vary: Cookie', async () => {
    const { jar } = await start();
    const response = await jar.fetch('/count');
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^sid=[\w-]+\.[\w-]+;/);
    expect(cookie).toContain('; HttpOnly');
    expect(cookie).toContain('; SameSite=Lax');
    expect(cookie).toContain('; Path=/');
    expect(cookie).not.toContain('; Secure');
    expect(response.headers.get('Vary')).toMatch(/\bCookie\b/);
    expect(response.headers.get('Cache-Control')).toContain('private');
  });

  it('marks the cookie Secure when the request URL is https', async () => {
    const app = new Hono<SessionEnv>();
    app.use(session({ store: new MapStore(), secret }));
    app.get('/', (c) => {
      c.get('session').set('seen', true);
      return c.text('ok');
    });
    const secure = await app.request('https://example.com/');
    expect(secure.headers.getSetCookie()[0]).toContain('; Secure');
    const plain = await app.request('http://example.com/');
    expect(plain.headers.getSetCookie()[0]).not.toContain('; Secure');
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
    const store = new MapStore();
    const { jar } = await start({ lazy: true }, store);
    expect(await (await jar.fetch('/lazy-count')).text()).toBe('1');
    expect(await (await jar.fetch('/lazy-count')).text()).toBe('2');
    // The store is down, but a request that never loads the session does not notice.
    store.failing.add('get');
    const untouched = await jar.fetch('/untouched');
    expect(untouched.status).toBe(200);
    expect(await untouched.text()).toBe('ok');
  });

  it('answers 503 through app.onError when the store fails to save', async () => {
    const store = new MapStore();
    const { jar } = await start({}, store);
    store.failing.add('set');
    for (const via of ['text', 'json', 'stream', 'response-redirect']) {
      const response = await jar.fetch(`/count?via=${via}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('answers 503 through app.onError when the store fails to open the session', async () => {
    const store = new MapStore();
    const { jar } = await start({}, store);
    await (await jar.fetch('/count')).text();
    store.failing.add('get');
    const response = await jar.fetch('/read');
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('StoreUnavailableError');
  });

  it('saves the session also when the handler failed and app.onError answered', async () => {
    const { jar } = await start();
    await (await jar.fetch('/count')).text();
    const failed = await jar.fetch('/throw');
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('Error');
    expect(await (await jar.fetch('/read')).text()).toBe('2');
  });

  it('serializes 50 concurrent increments of one session with locking', async () => {
    const { jar } = await start({ locking: true });
    await (await jar.fetch('/start', { method: 'POST' })).text();
    await Promise.all(Array.from({ length: 50 }, async () => (await jar.fetch('/slow-count')).text()));
    expect(await (await jar.fetch('/read')).text()).toBe('50');
  });

  it('passes the address from the ip option to sessions bound to it', async () => {
    let address = '192.0.2.1';
    const app = new Hono<SessionEnv>();
    app.use(session({ store: new MapStore(), secret, bindTo: { ip: true } }, { ip: () => address }));
    app.get('/', (c) => {
      const current = c.get('session');
      const count = (current.get('count') ?? 0) + 1;
      current.set('count', count);
      return c.text(String(count));
    });
    const jar = new CookieJar(await listen(app));
    expect(await (await jar.fetch('/')).text()).toBe('1');
    expect(await (await jar.fetch('/')).text()).toBe('2');
    address = '198.51.100.7';
    expect(await (await jar.fetch('/')).text()).toBe('1');
  });
});
