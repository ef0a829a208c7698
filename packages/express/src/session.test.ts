import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createSessions, MemoryStore, StoreUnavailableError, type SessionData, type SessionsOptions, type Store } from '@sess/core';
import express5, { type ErrorRequestHandler, type Express } from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { session } from './index.js';
import { CookieJar } from './testing/cookie-jar.js';
import { MapStore } from './testing/map-store.js';

// The typing recipe of the README: every `req.session` in the app knows these keys.
declare module '@sess/core' {
  interface SessionData {
    count: number;
  }
}

const secret = 'a test secret that is long enough to sign cookies';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const servers: Server[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close?.()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s', (_name, express: () => Express) => {
  /** Starts an app with the session middleware and every route the tests use; returns a cookie jar on it. */
  async function start<S extends Store = MemoryStore>(
    options: Partial<SessionsOptions<SessionData>> = {},
    store?: S,
    trustProxy = false,
  ) {
    const used = store ?? (new MemoryStore() as Store as S);
    stores.push(used);
    const app = express();
    app.set('trust proxy', trustProxy);
    app.use(session(createSessions({ store: used, secret, ...options })));

    app.get('/untouched', (_request, response) => {
      response.send('ok');
    });
    app.get('/read', (request, response) => {
      expectTypeOf(request.session.get('count')).toEqualTypeOf<number | undefined>();
      response.send(String(request.session.get('count') ?? 0));
    });
    // Increments the counter and answers in the way the query names, to cover every way out.
    app.get('/count', (request, response) => {
      const count = (request.session.get('count') ?? 0) + 1;
      request.session.set('count', count);
      const body = String(count);
      switch (request.query.via) {
        case 'json':
          return void response.json({ count });
        case 'redirect':
          return response.redirect('/read');
        case 'end':
          return void response.end(body);
        case 'sendStatus':
          return void response.sendStatus(201);
        case 'stream':
          response.write(body.slice(0, 1));
          setTimeout(() => {
            response.write('-');
            response.end('done');
          }, 10);
          return;
        case 'writeHead':
          response.writeHead(200, { 'Content-Type': 'text/plain' });
          return void response.end(body);
        default:
          return void response.send(body);
      }
    });
    app.post('/start', (request, response) => {
      request.session.set('count', 0);
      response.send('0');
    });
    app.get('/slow-count', async (request, response) => {
      const count = request.session.get('count') ?? 0;
      await sleep(Math.random() * 3);
      request.session.set('count', count + 1);
      response.send(String(count + 1));
    });
    app.get('/lazy-count', (request, response, next) => {
      request.session.load().then(() => {
        const count = (request.session.get('count') ?? 0) + 1;
        request.session.set('count', count);
        response.send(String(count));
      }, next);
    });
    app.post('/regenerate', (request, response) => {
      request.session.regenerate();
      response.send('ok');
    });
    app.post('/destroy', (request, response) => {
      request.session.destroy();
      response.send('ok');
    });
    app.get('/throw', (request) => {
      request.session.set('count', (request.session.get('count') ?? 0) + 1);
      throw new Error('handler failed');
    });
    app.get('/bad-status', (request, response) => {
      request.session.set('count', 1);
      response.writeHead(1000);
      response.end();
    });
    app.get('/hang', () => {
      // Never answers: the client gives up.
    });
    const onError: ErrorRequestHandler = (error, _request, response, _next) => {
      response.status(StoreUnavailableError.isInstance(error) ? 503 : 500).send(String((error as Error).name));
    };
    app.use(onError);

    const server = app.listen(0);
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    return { jar: new CookieJar(`http://127.0.0.1:${port}`), store: used };
  }

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

  it.each(['send', 'json', 'redirect', 'end', 'sendStatus', 'stream', 'writeHead'])(
    'sets the cookie and finishes the store write before answering with res.%s',
    async (via) => {
      // Every store call takes 30 ms: a response sent before the write ended would let the next
      // request read the old value.
      const { jar } = await start({}, new MapStore(30));
      const first = await jar.fetch(`/count?via=${via}`);
      expect(first.headers.getSetCookie()).toHaveLength(1);
      const body = await first.text();
      if (via === 'stream') expect(body).toBe('1-done');
      if (via === 'json') expect(JSON.parse(body)).toEqual({ count: 1 });
      if (via === 'sendStatus') expect(first.status).toBe(201);
      if (via === 'redirect') expect(first.status).toBe(302);
      expect(await (await jar.fetch(`/count?via=${via}`)).status).toBeLessThan(400);
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

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const { jar } = await start({}, undefined, true);
    const plain = await jar.fetch('/count');
    expect(plain.headers.getSetCookie()[0]).not.toContain('; Secure');
    const secure = await jar.fetch('/count', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(secure.headers.getSetCookie()[0]).toContain('; Secure');
  });

  it('saves the session also when the handler failed and the error handler answered', async () => {
    const { jar } = await start();
    await (await jar.fetch('/count')).text();
    const failed = await jar.fetch('/throw');
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('Error');
    expect(await (await jar.fetch('/read')).text()).toBe('2');
  });

  it('hands an error thrown while the held response is written to the error handler', async () => {
    const { jar } = await start();
    const response = await jar.fetch('/bad-status');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('RangeError');
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

  it('answers 503 through the error handler when the store fails to save', async () => {
    const store = new MapStore();
    const { jar } = await start({}, store);
    store.failing.add('set');
    for (const via of ['send', 'json', 'stream', 'writeHead']) {
      const response = await jar.fetch(`/count?via=${via}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('answers 503 through the error handler when the store fails to open the session', async () => {
    const store = new MapStore();
    const { jar } = await start({}, store);
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

  it('releases the lock when the client gives up before the handler answers', async () => {
    const { jar } = await start({ locking: true });
    await (await jar.fetch('/count')).text();
    const abort = new AbortController();
    const hanging = jar.fetch('/hang', { signal: abort.signal });
    await sleep(50);
    abort.abort();
    await expect(hanging).rejects.toThrow();
    const response = await jar.fetch('/count', { signal: AbortSignal.timeout(3000) });
    expect(await response.text()).toBe('2');
  });

  it('accepts the options of createSessions instead of a session interface', async () => {
    const app = express();
    app.use(session({ store: new MapStore(), secret }));
    app.get('/', (request, response) => {
      request.session.set('seen', true);
      response.send(String(request.session.isNew));
    });
    const server = app.listen(0);
    servers.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const jar = new CookieJar(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    expect(await (await jar.fetch('/')).text()).toBe('true');
    expect(await (await jar.fetch('/')).text()).toBe('false');
  });
});
