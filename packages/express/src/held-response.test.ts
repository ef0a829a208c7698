import { CookieJar, listen, MapStore, TEST_SECRET, type TestServer } from '@sess/adapter-test-suite';
import { createSessions } from '@sess/core';
import express5, { type Express, type RequestHandler } from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { session } from './index.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Wraps `res.write` / `res.end` on each response as compression middleware does, capturing them per request. */
const wrapsWrites: RequestHandler = (_request, response, next) => {
  const write = response.write;
  const end = response.end;
  response.setHeader('X-Wrapped', 'yes');
  response.write = function (this: typeof response, ...args: unknown[]) {
    return (write as (...rest: unknown[]) => boolean).apply(this, args);
  } as typeof response.write;
  response.end = function (this: typeof response, ...args: unknown[]) {
    return (end as (...rest: unknown[]) => typeof response).apply(this, args);
  } as typeof response.end;
  next();
};

/** Counter routes on `app`: POST increments, GET reads. */
function counter(app: Express): Express {
  app.post('/count', (request, response) => {
    const count = ((request.session.get('count' as never) as number | undefined) ?? 0) + 1;
    request.session.set('count' as never, count as never);
    response.json({ count });
  });
  app.get('/count', (request, response) => {
    response.json({ count: (request.session.get('count' as never) as number | undefined) ?? 0 });
  });
  return app;
}

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s: responses held until the save', (_name, express: () => Express) => {
  async function start(build: (app: Express, store: MapStore) => void): Promise<{ jar: CookieJar; store: MapStore }> {
    // Every store call takes 30 ms: a response sent before its write ended would let the next
    // request read the old value.
    const store = new MapStore(30);
    const app = express();
    build(app, store);
    const server = await listen(app);
    servers.push(server);
    return { jar: new CookieJar(server.url), store };
  }

  it('holds writes of middleware that wrapped res.end before it, from the very first request', async () => {
    const { jar } = await start((app, store) => {
      app.use(wrapsWrites);
      app.use(session(createSessions({ store, secret: TEST_SECRET })));
      counter(app);
    });
    const first = await jar.fetch('/count', { method: 'POST' });
    expect(first.headers.get('x-wrapped')).toBe('yes');
    expect(first.headers.getSetCookie()).toHaveLength(1);
    expect(await first.json()).toEqual({ count: 1 });
    await (await jar.fetch('/count', { method: 'POST' })).text();
    expect(await (await jar.fetch('/count')).json()).toEqual({ count: 2 });
  });

  it('runs a wrapper installed after it once per call, also when the response was held', async () => {
    const { jar } = await start((app, store) => {
      app.use(session(createSessions({ store, secret: TEST_SECRET })));
      // Adds a suffix to whatever the handler ends with, as a transforming middleware would.
      app.use((_request, response, next) => {
        const end = response.end;
        response.end = function (this: typeof response, chunk?: unknown, ...rest: unknown[]) {
          const body = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? `${String(chunk)}!` : chunk;
          if (typeof body === 'string') this.setHeader('Content-Length', Buffer.byteLength(body));
          return (end as (...args: unknown[]) => typeof response).call(this, body, ...rest);
        } as typeof response.end;
        next();
      });
      counter(app);
    });
    // A change: the response waits for the store, then goes out.
    expect(await (await jar.fetch('/count', { method: 'POST' })).text()).toBe('{"count":1}!');
    // Read only: the response goes out at once.
    expect(await (await jar.fetch('/count')).text()).toBe('{"count":1}!');
  });

  it('holds the response of a mounted sub-app, whose responses have another prototype', async () => {
    const { jar } = await start((app, store) => {
      app.use(session(createSessions({ store, secret: TEST_SECRET })));
      app.use('/sub', counter(express()));
    });
    for (let i = 1; i <= 3; i++) expect(await (await jar.fetch('/sub/count', { method: 'POST' })).json()).toEqual({ count: i });
    expect(await (await jar.fetch('/sub/count')).json()).toEqual({ count: 3 });
  });

  it('leaves responses of requests without a session untouched', async () => {
    const { jar, store } = await start((app, sessionStore) => {
      sessionStore.failing.add('get');
      app.get('/plain', (_request, response) => void response.end('plain'));
      app.use(session(createSessions({ store: sessionStore, secret: TEST_SECRET })));
      counter(app);
    });
    const plain = await jar.fetch('/plain');
    expect(await plain.text()).toBe('plain');
    expect(plain.headers.get('vary')).toBeNull();
    expect(store.records.size).toBe(0);
  });
});
