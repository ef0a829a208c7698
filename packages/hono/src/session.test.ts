import { request as httpRequest, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { CookieJar, createAppStarter, listen, MapStore, TEST_SECRET, testAdapter } from '@sess/adapter-test-suite';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { describe, expect, it } from 'vitest';
import { session, type SessionEnv } from './index.js';
import { serveHono } from './testing/serve-hono.js';

testAdapter({ name: 'hono over @hono/node-server: the adapter test suite', serve: serveHono });

describe('hono over @hono/node-server', () => {
  const start = createAppStarter(serveHono);

  it.each(['json', 'redirect', 'response-redirect', 'fetched', 'stream'])(
    'sets the cookie and finishes the store write before answering with a %s response',
    async (via) => {
      // Every store call takes 30 ms: a response sent before the write ended would let the next
      // request read the old value.
      const { jar } = await start({}, new MapStore(30));
      const first = await jar.fetch(`/answer?via=${via}`);
      expect(first.headers.getSetCookie()).toHaveLength(1);
      expect(first.headers.get('Vary')).toMatch(/\bCookie\b/);
      const body = await first.text();
      if (via === 'stream') expect(body).toBe('1-done');
      if (via === 'json') expect(JSON.parse(body)).toEqual({ count: 1 });
      if (via === 'fetched') expect(body).toBe('ok');
      if (via.endsWith('redirect')) expect(first.status).toBe(302);
      expect((await jar.fetch(`/answer?via=${via}`)).status).toBeLessThan(400);
      expect(await (await jar.fetch('/read')).text()).toBe('2');
    },
  );

  it('marks the cookie Secure when the request URL is https', async () => {
    const app = new Hono<SessionEnv>();
    app.use(session({ store: new MapStore(), secret: TEST_SECRET }));
    app.get('/', (c) => {
      c.get('session').set('seen', true);
      return c.text('ok');
    });
    const secure = await app.request('https://example.com/');
    expect(secure.headers.getSetCookie()[0]).toContain('; Secure');
    const plain = await app.request('http://example.com/');
    expect(plain.headers.getSetCookie()[0]).not.toContain('; Secure');
  });

  it('answers 503 through app.onError when the store fails to save a json, stream or immutable response', async () => {
    const { jar, store } = await start({}, new MapStore());
    store.failing.add('set');
    for (const via of ['json', 'stream', 'response-redirect']) {
      const response = await jar.fetch(`/answer?via=${via}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('passes the address from the ip option to sessions bound to it', async () => {
    let address = '192.0.2.1';
    const app = new Hono<SessionEnv>();
    app.use(session({ store: new MapStore(), secret: TEST_SECRET, bindTo: { ip: true } }, { ip: () => address }));
    app.get('/', (c) => {
      const current = c.get('session');
      const count = (current.get('count') ?? 0) + 1;
      current.set('count', count);
      return c.text(String(count));
    });
    const server = await listen(getRequestListener(app.fetch));
    try {
      const jar = new CookieJar(server.url);
      expect(await (await jar.fetch('/')).text()).toBe('1');
      expect(await (await jar.fetch('/')).text()).toBe('2');
      address = '198.51.100.7';
      expect(await (await jar.fetch('/')).text()).toBe('1');
    } finally {
      await server.close();
    }
  });
});

describe('hono over @hono/node-server: middleware around the session', () => {
  it("keeps the session's headers when a middleware registered before it reads the response and answers anew", async () => {
    const app = new Hono<SessionEnv>();
    // etag reads the body; cors sets a header on the finalized response, which makes Hono copy it.
    app.use(etag());
    app.use(cors({ origin: 'http://app.test' }));
    app.use(session({ store: new MapStore(), secret: TEST_SECRET }));
    app.get('/json', (c) => (c.get('session').set('seen', true), c.json({ ok: true })));
    app.get('/text', (c) => (c.get('session').set('seen', true), c.text('ok')));
    const server = await listen(getRequestListener(app.fetch));
    try {
      for (const path of ['/json', '/text']) {
        const response = await fetch(`${server.url}${path}`, { headers: { Origin: 'http://app.test' } });
        expect(response.headers.get('ETag')).toMatch(/^"/);
        expect(response.headers.get('Access-Control-Allow-Origin')).toBe('http://app.test');
        expect(response.headers.get('Vary')).toBe('Cookie, Origin');
        expect(response.headers.get('Cache-Control')).toBe('private, no-cache="Set-Cookie"');
        expect(response.headers.getSetCookie()).toHaveLength(1);
      }
    } finally {
      await server.close();
    }
  });

  it('saves nothing for a client that closed its connection before the answer, and saves for one that stays', async () => {
    const store = new MapStore();
    let entered: (response: ServerResponse) => void = () => {};
    let answerNow: () => void = () => {};
    let handled: () => void = () => {};
    const app = new Hono<SessionEnv & { Bindings: { outgoing: ServerResponse } }>();
    app.use(async (_c, next) => {
      await next();
      handled();
    });
    app.use(session({ store, secret: TEST_SECRET }));
    app.get('/', async (c) => {
      c.get('session').set('seen', true);
      await new Promise((resolve) => {
        answerNow = () => resolve(undefined);
        c.env.outgoing.once('close', resolve);
        entered(c.env.outgoing);
      });
      return c.text('late');
    });
    const server = await listen(getRequestListener(app.fetch));
    const next = () => ({
      inHandler: new Promise<ServerResponse>((resolve) => (entered = resolve)),
      done: new Promise<void>((resolve) => (handled = resolve)),
    });
    try {
      const left = next();
      const request = httpRequest(server.url);
      request.on('error', () => {});
      request.end();
      await left.inHandler;
      request.destroy();
      await left.done;
      expect(store.records.size).toBe(0);

      const stays = next();
      const response = fetch(server.url);
      await stays.inHandler;
      answerNow();
      await stays.done;
      expect((await response).headers.getSetCookie()).toHaveLength(1);
      expect(store.records.size).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe("hono's default error handling", () => {
  it('answers 503 with a message that says nothing about the store when the store fails, without an onError', async () => {
    const store = new MapStore();
    const app = new Hono<SessionEnv>();
    app.use(session({ store, secret: TEST_SECRET }));
    app.get('/', (c) => {
      c.get('session').set('count', 1);
      return c.text('ok');
    });
    const server = await listen(getRequestListener(app.fetch));
    try {
      const jar = new CookieJar(server.url);
      store.failing.add('set');
      const failed = await jar.fetch('/');
      expect(failed.status).toBe(503);
      expect(await failed.text()).toBe('[sess] the session store is unavailable');
      store.failing.delete('set');
      expect((await jar.fetch('/')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
