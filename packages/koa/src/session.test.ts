import { MemoryStore } from '@sess/core';
import { CookieJar, createAppStarter, listen, MapStore, TEST_SECRET, testAdapter } from '@sess/adapter-test-suite';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { describe, expect, it } from 'vitest';
import { session } from './index.js';
import { serveKoa } from './testing/serve-koa.js';

describe.each([
  ['koa 3', Koa3],
  ['koa 2', Koa2],
])('%s', (_name, Koa: typeof Koa3) => {
  const serve = serveKoa(Koa);
  testAdapter({ name: 'the adapter test suite', serve, trustsProxy: true });

  const start = createAppStarter(serve);

  it.each(['json', 'redirect', 'stream', 'status'])(
    'sets the cookie and finishes the store write before answering with a %s body',
    async (via) => {
      // Every store call takes 30 ms: a response sent before the write ended would let the next
      // request read the old value.
      const { jar } = await start({}, new MapStore(30));
      const first = await jar.fetch(`/answer?via=${via}`);
      expect(first.headers.getSetCookie()).toHaveLength(1);
      const body = await first.text();
      if (via === 'stream') expect(body).toBe('1-done');
      if (via === 'json') expect(JSON.parse(body)).toEqual({ count: 1 });
      if (via === 'redirect') expect(first.status).toBe(302);
      if (via === 'status') expect(first.status).toBe(204);
      expect((await jar.fetch(`/answer?via=${via}`)).status).toBeLessThan(400);
      expect(await (await jar.fetch('/read')).text()).toBe('2');
    },
  );

  it('answers 503 through the error handler when the store fails to save a json or stream body', async () => {
    const { jar, store } = await start({}, new MapStore());
    store.failing.add('set');
    for (const via of ['json', 'stream']) {
      const response = await jar.fetch(`/answer?via=${via}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });
});

describe("Koa's default error handling", () => {
  it.each([
    ['koa 3', Koa3],
    ['koa 2', Koa2],
  ])('%s: keeps the regenerated session of a failed handler, whose cookie rides on the error', async (_name, Koa: typeof Koa3) => {
    const app = new Koa();
    app.silent = true;
    app.use(session({ store: new MemoryStore(), secret: TEST_SECRET }));
    app.use(async (context) => {
      const count = (context.session.get('count') ?? 0) + 1;
      context.session.set('count', count);
      if (context.path === '/fail') {
        context.session.regenerate();
        throw new Error('handler failed');
      }
      context.body = String(count);
    });
    const server = await listen(app.callback());
    try {
      const jar = new CookieJar(server.url);
      expect(await (await jar.fetch('/')).text()).toBe('1');
      const before = jar.cookies.get('sid');
      const failed = await jar.fetch('/fail');
      expect(failed.status).toBe(500);
      expect(failed.headers.getSetCookie()).toHaveLength(1);
      expect(jar.cookies.get('sid')).not.toBe(before);
      expect(await (await jar.fetch('/')).text()).toBe('3');
    } finally {
      await server.close();
    }
  });

  it.each([
    ['koa 3', Koa3],
    ['koa 2', Koa2],
  ])('%s: answers a store failure 503 with a message that says nothing about the store', async (_name, Koa: typeof Koa3) => {
    const store = new MapStore();
    const app = new Koa();
    app.silent = true;
    app.use(session({ store, secret: TEST_SECRET }));
    app.use(async (context) => {
      context.session.set('count', 1);
      context.body = 'ok';
    });
    const server = await listen(app.callback());
    try {
      store.failing.add('set');
      const failed = await new CookieJar(server.url).fetch('/');
      expect(failed.status).toBe(503);
      expect(await failed.text()).toBe('Service Unavailable');
    } finally {
      await server.close();
    }
  });
});
