import { CookieJar, createAppStarter, listen, MapStore, TEST_SECRET, testAdapter } from '@sess/adapter-test-suite';
import { SessionConfigError, StoreUnavailableError, type Session } from '@sess/core';
import { createApp, createRouter, defineEventHandler, toNodeListener } from 'h3';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createSessionHandler, saveSession, type SessionEvent } from './index.js';
import { serveH3 } from './testing/serve-h3.js';

testAdapter({ name: 'h3 1 over its Node listener: the adapter test suite', serve: serveH3, trustsProxy: true });

describe('h3 1 over its Node listener', () => {
  const start = createAppStarter(serveH3);

  it.each(['text', 'json', 'web-response', 'saved-redirect', 'stream'])(
    'sets the cookie and finishes the store write before answering with a %s response',
    async (via) => {
      // Every store call takes 30 ms: a response sent before the write ended would let the next
      // request read the old value.
      const { jar, errors } = await start({}, new MapStore(30));
      const first = await jar.fetch(`/answer?via=${via}`, { redirect: 'manual' });
      expect(first.headers.getSetCookie()).toHaveLength(1);
      const body = await first.text();
      if (via === 'text') expect(body).toBe('1');
      if (via === 'json') expect(JSON.parse(body)).toEqual({ count: 1 });
      if (via === 'web-response') expect(first.headers.get('X-Answer')).toBe('web');
      if (via === 'stream') expect(body).toBe('1-done');
      if (via === 'saved-redirect') expect(first.status).toBe(302);
      else expect(first.headers.get('Vary')).toMatch(/\bCookie\b/);
      expect((await jar.fetch(`/answer?via=${via}`, { redirect: 'manual' })).status).toBeLessThan(400);
      expect(await (await jar.fetch('/read')).text()).toBe('2');
      expect(errors).toEqual([]);
    },
  );

  it('reports a response sent before the session was saved as a SessionConfigError naming saveSession', async () => {
    const { jar, errors } = await start();
    const response = await jar.fetch('/answer?via=unsaved-redirect', { redirect: 'manual' });
    // The redirect went out as the handler sent it, without the cookie it could not carry.
    expect(response.status).toBe(302);
    expect(response.headers.getSetCookie()).toEqual([]);
    await expect.poll(() => errors.length).toBe(1);
    expect(SessionConfigError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as Error).message).toContain('saveSession(event)');
  });

  it('still writes the change of a known session to the store when the handler sent its response itself, and reports the lost cookie', async () => {
    const { jar, errors } = await start();
    expect(await (await jar.fetch('/count')).text()).toBe('1');
    const response = await jar.fetch('/answer?via=unsaved-redirect', { redirect: 'manual' });
    expect(response.status).toBe(302);
    await expect.poll(async () => (await jar.fetch('/read')).text()).toBe('2');
    expect(errors).toHaveLength(1);
    expect(SessionConfigError.isInstance(errors[0])).toBe(true);
  });

  it('gives a wrapped handler called from another the same session, saved once', async () => {
    const { jar, store } = await start({}, new MapStore());
    const response = await jar.fetch('/nested');
    expect(await response.text()).toBe('inner:10');
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(await (await jar.fetch('/read')).text()).toBe('10');
    expect(store.records.size).toBe(1);
  });

  it('answers 503 from the store error through the error handler for json, web and stream answers', async () => {
    const { jar, store } = await start({}, new MapStore());
    store.failing.add('set');
    for (const via of ['json', 'web-response', 'stream']) {
      const response = await jar.fetch(`/answer?via=${via}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });
});

describe("h3's own error handling", () => {
  it('answers 503 for a store failure without an onError (the error carries statusCode 503)', async () => {
    const store = new MapStore();
    const defineSessionHandler = createSessionHandler({ store, secret: TEST_SECRET });
    const app = createApp();
    app.use(
      '/',
      defineSessionHandler((event) => {
        event.context.session.set('count', 1);
        return 'ok';
      }),
    );
    const server = await listen(toNodeListener(app));
    try {
      const jar = new CookieJar(server.url);
      store.failing.add('set');
      const failed = await jar.fetch('/');
      expect(failed.status).toBe(503);
      expect(failed.headers.getSetCookie()).toEqual([]);
      store.failing.delete('set');
      expect((await jar.fetch('/')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses saveSession outside a session handler with a SessionConfigError', async () => {
    const app = createApp();
    let refused: unknown;
    app.use(
      '/',
      defineEventHandler(async (event) => {
        refused = await saveSession(event).catch((error: unknown) => error);
        return 'ok';
      }),
    );
    const server = await listen(toNodeListener(app));
    try {
      expect(await (await fetch(server.url)).text()).toBe('ok');
      expect(SessionConfigError.isInstance(refused)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('passes the address from the ip option to sessions bound to it', async () => {
    let address = '192.0.2.1';
    const defineSessionHandler = createSessionHandler<{ count: number }>(
      { store: new MapStore(), secret: TEST_SECRET, bindTo: { ip: true } },
      { ip: () => address },
    );
    const router = createRouter().get(
      '/',
      defineSessionHandler((event) => {
        const count = (event.context.session.get('count') ?? 0) + 1;
        event.context.session.set('count', count);
        return String(count);
      }),
    );
    const server = await listen(toNodeListener(createApp().use(router)));
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

describe('the types of a session handler', () => {
  it('types event.context.session with the data of its own createSessionHandler', () => {
    const forCart = createSessionHandler<{ cart: string[] }>({ store: new MapStore(), secret: TEST_SECRET });
    const handler = forCart<{ body: { item: string } }, string[]>((event) => {
      expectTypeOf(event).toMatchTypeOf<SessionEvent<{ cart: string[] }>>();
      expectTypeOf(event.context.session).toEqualTypeOf<Session<{ cart: string[] }>>();
      // @ts-expect-error: a key this app's data does not declare
      event.context.session.get('user');
      return event.context.session.get('cart') ?? [];
    });
    expect(typeof handler).toBe('function');
    expect(StoreUnavailableError.isInstance(new Error())).toBe(false);
  });
});
