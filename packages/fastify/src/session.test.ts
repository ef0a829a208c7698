import { gunzipSync } from 'node:zlib';
import { createSessions, MemoryStore, SessionConfigError, StoreUnavailableError } from '@sess/core';
import { CookieJar, createAppStarter, MapStore, TEST_SECRET, testAdapter } from '@sess/adapter-test-suite';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { describe, expect, it } from 'vitest';
import { session } from './index.js';
import { serveApp, serveFastify } from './testing/serve-fastify.js';

describe.each([
  ['fastify 5', Fastify5],
  ['fastify 4', Fastify4],
])('%s', (_name, Fastify: typeof Fastify5) => {
  const serve = serveFastify(Fastify);
  testAdapter({ name: 'the adapter test suite', serve, trustsProxy: true });

  const start = createAppStarter(serve);

  it.each(['json', 'redirect', 'stream', 'buffer', 'status'])(
    'sets the cookie and finishes the store write before answering with a %s body',
    async (via) => {
      // Every store call takes 30 ms: a response sent before the write ended would let the next
      // request read the old value.
      const { jar } = await start({}, new MapStore(30));
      const first = await jar.fetch(`/answer?via=${via}`);
      expect(first.headers.getSetCookie()).toHaveLength(1);
      const body = await first.text();
      if (via === 'stream') expect(body).toBe('1-done');
      if (via === 'buffer') expect(body).toBe('1');
      if (via === 'json') expect(JSON.parse(body)).toEqual({ count: 1 });
      if (via === 'redirect') expect(first.status).toBe(302);
      if (via === 'status') expect(first.status).toBe(204);
      expect((await jar.fetch(`/answer?via=${via}`)).status).toBeLessThan(400);
      expect(await (await jar.fetch('/read')).text()).toBe('2');
    },
  );

  it('answers 503 through the error handler when the store fails to save a json, stream or redirect answer', async () => {
    const { jar, store, errors } = await start({}, new MapStore());
    store.failing.add('set');
    for (const via of ['json', 'stream', 'redirect']) {
      const response = await jar.fetch(`/answer?via=${via}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(errors.every((error) => StoreUnavailableError.isInstance(error))).toBe(true);
  });

  it('keeps the handler’s error when saving after it fails too, and reports the failed save', async () => {
    const events: string[] = [];
    const store = new MapStore();
    const { jar, errors } = await start({ onEvent: (event) => void events.push(event.type) }, store);
    store.failing.add('set');
    const response = await jar.fetch('/throw');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Error');
    expect(errors).toHaveLength(1);
    expect(events).toContain('save-failed');
  });

  describe('a hijacked reply', () => {
    it('saves nothing and sets no cookie: Fastify runs no onSend hook', async () => {
      const { jar, store } = await start({}, new MapStore());
      const response = await jar.fetch('/hijack');
      expect(await response.text()).toBe('hijacked');
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(store.records.size).toBe(0);
    });

    it('is saved by saveSession(request) before its headers are written', async () => {
      const { jar } = await start({}, new MapStore(30));
      const response = await jar.fetch('/hijack?save=yes');
      expect(await response.text()).toBe('hijacked');
      expect(response.headers.getSetCookie()).toHaveLength(1);
      expect(response.headers.get('vary')).toMatch(/cookie/i);
      expect(await (await jar.fetch('/read')).text()).toBe('1');
    });

    it('saveSession rejects with StoreUnavailableError for the route to answer', async () => {
      const { jar, store } = await start({}, new MapStore());
      store.failing.add('set');
      const response = await jar.fetch('/hijack?save=yes');
      expect(response.status).toBe(503);
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it('gives the lock back once the response is over, so the next request of the session runs', async () => {
      const { jar } = await start({ locking: { ttlMs: 30_000, waitMs: 2_000 } }, new MapStore());
      await jar.fetch('/count');
      expect((await jar.fetch('/hijack')).status).toBe(200);
      const next = await jar.fetch('/count');
      expect(next.status).toBe(200);
      expect(await next.text()).toBe('2');
    });
  });

  it('answers a store failure 503 through Fastify’s default error handler', async () => {
    const store = new MapStore();
    const server = await serveApp(Fastify, async (app) => {
      await app.register(session({ store, secret: TEST_SECRET }));
      app.get('/', async (request) => {
        request.session.set('count', 1);
        return 'ok';
      });
    });
    try {
      store.failing.add('set');
      const failed = await new CookieJar(server.url).fetch('/');
      expect(failed.status).toBe(503);
      expect(((await failed.json()) as { statusCode: number }).statusCode).toBe(503);
      store.failing.clear();
      store.failing.add('get');
      const jar = new CookieJar(server.url);
      store.failing.clear();
      await jar.fetch('/');
      store.failing.add('get');
      expect((await jar.fetch('/')).status).toBe(503);
    } finally {
      await server.close();
    }
  });

  it('answers a cross-site POST 403 through Fastify’s default error handler, before the route runs; a form’s _csrf is checked by the route', async () => {
    const store = new MapStore();
    let ran = 0;
    const server = await serveApp(Fastify, async (app) => {
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, text, done) =>
        done(null, Object.fromEntries(new URLSearchParams(text as string))),
      );
      await app.register(session({ store, secret: TEST_SECRET, csrf: { token: true } }));
      app.get('/form', async (request) => request.session.csrfToken());
      app.post<{ Body: { _csrf?: string } }>('/cart', async (request) => {
        ran += 1;
        request.session.verifyCsrfToken(request.body._csrf);
        request.session.set('count', 1);
        return 'added';
      });
    });
    try {
      const jar = new CookieJar(server.url);
      const token = await (await jar.fetch('/form')).text();
      const form = (value: string) => ({
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: value }).toString(),
      });
      const crossSite = await jar.fetch('/cart', { ...form(token), headers: { ...form(token).headers, 'Sec-Fetch-Site': 'cross-site' } });
      expect(crossSite.status).toBe(403);
      expect(crossSite.headers.getSetCookie()).toEqual([]);
      expect(ran).toBe(0);
      expect((await jar.fetch('/cart', form('wrong'))).status).toBe(403);
      const added = await jar.fetch('/cart', form(token));
      expect(await added.text()).toBe('added');
    } finally {
      await server.close();
    }
  });

  it('answers a read of request.session before the plugin’s hook with an error that says what to do; after a failed open, it is undefined', async () => {
    const store = new MapStore();
    const seen: unknown[] = [];
    const server = await serveApp(Fastify, async (app) => {
      app.setErrorHandler(async (error, request, reply) => {
        seen.push(error);
        // Read here too: undefined after a failed open (the plugin's hook ran), an error before it.
        try {
          seen.push(request.session);
        } catch (readError) {
          seen.push(readError);
        }
        return reply.code(StoreUnavailableError.isInstance(error) ? 503 : 500).send('failed');
      });
      app.addHook('onRequest', async (request) => {
        if (request.url === '/early') request.session.get('count');
      });
      await app.register(session({ store, secret: TEST_SECRET }));
      app.get('/early', async () => 'never');
      app.get('/count', async (request) => {
        request.session.set('count', 1);
        return 'ok';
      });
    });
    try {
      const jar = new CookieJar(server.url);
      expect((await jar.fetch('/early')).status).toBe(500);
      expect(SessionConfigError.isInstance(seen[0])).toBe(true);
      expect((seen[0] as Error).message).toContain('app.register(session(…))');
      await jar.fetch('/count');
      store.failing.add('get');
      seen.length = 0;
      expect((await jar.fetch('/count')).status).toBe(503);
      expect(StoreUnavailableError.isInstance(seen[0])).toBe(true);
      expect(seen[1]).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  describe('encapsulation', () => {
    it('opens sessions only in the scope that registered the plugin and the scopes inside it', async () => {
      const store = new MapStore();
      const server = await serveApp(Fastify, async (app) => {
        app.get('/outside', async (request, reply) => {
          reply.header('x-has-session', String(request.session !== undefined && request.session !== null));
          return 'outside';
        });
        await app.register(async (scope) => {
          await scope.register(session({ store, secret: TEST_SECRET }));
          scope.get('/inside', async (request) => {
            request.session.set('count', (request.session.get('count') ?? 0) + 1);
            return String(request.session.get('count'));
          });
          await scope.register(async (nested) => {
            nested.get('/nested', async (request) => String(request.session.get('count') ?? 0));
          });
        });
        await app.register(async (sibling) => {
          sibling.get('/sibling', async (request, reply) => {
            reply.header('x-has-session', String(request.session !== undefined && request.session !== null));
            return 'sibling';
          });
        });
      });
      try {
        const jar = new CookieJar(server.url);
        expect(await (await jar.fetch('/inside')).text()).toBe('1');
        expect(await (await jar.fetch('/nested')).text()).toBe('1');
        for (const path of ['/outside', '/sibling']) {
          const response = await jar.fetch(path);
          expect(response.status).toBe(200);
          expect(response.headers.get('x-has-session')).toBe('false');
          expect(response.headers.get('vary')).toBeNull();
          expect(response.headers.get('cache-control')).toBeNull();
          expect(response.headers.getSetCookie()).toEqual([]);
        }
        expect(store.records.size).toBe(1);
      } finally {
        await server.close();
      }
    });

    it('refuses to open a second session when registered again inside its own scope', async () => {
      const errors: unknown[] = [];
      const server = await serveApp(Fastify, async (app) => {
        // Before the scopes: each takes the error handler it finds when it is registered.
        app.setErrorHandler(async (error, _request, reply) => {
          errors.push(error);
          return reply.code(500).send('refused');
        });
        await app.register(session({ store: new MemoryStore(), secret: TEST_SECRET }));
        await app.register(async (scope) => {
          await scope.register(session({ store: new MemoryStore(), secret: TEST_SECRET }));
          scope.get('/twice', async () => 'never');
        });
      });
      try {
        expect((await new CookieJar(server.url).fetch('/twice')).status).toBe(500);
        expect(SessionConfigError.isInstance(errors[0])).toBe(true);
      } finally {
        await server.close();
      }
    });
  });

  it('runs the same session interface in two apps of one process (per-app sessions)', async () => {
    const shared = createSessions({ store: new MemoryStore(), secret: TEST_SECRET });
    const build = (name: string) =>
      serveApp(Fastify, async (app) => {
        await app.register(session(shared));
        app.post('/set', async (request) => {
          request.session.set('count', 7);
          return name;
        });
        app.get('/get', async (request) => `${name}:${request.session.get('count') ?? 0}`);
      });
    const [first, second] = await Promise.all([build('first'), build('second')]);
    try {
      const jar = new CookieJar(first.url);
      await jar.fetch('/set', { method: 'POST' });
      const other = new CookieJar(second.url);
      for (const [name, value] of jar.cookies) other.cookies.set(name, value);
      expect(await (await other.fetch('/get')).text()).toBe('second:7');
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('with @fastify/compress (Fastify 5)', () => {
  it.each([
    ['registered before the session plugin', true],
    ['registered after the session plugin', false],
  ])('%s: compresses the answer, keeps the cookie and both Vary values, and saves before answering', async (_name, before) => {
    const { default: compress } = await import('@fastify/compress');
    const store = new MapStore(30);
    const server = await serveApp(Fastify5, async (app) => {
      if (before) await app.register(compress, { threshold: 1 });
      await app.register(session({ store, secret: TEST_SECRET }));
      if (!before) await app.register(compress, { threshold: 1 });
      app.get('/large', async (request, reply) => {
        const count = (request.session.get('count') ?? 0) + 1;
        request.session.set('count', count);
        return reply.type('text/plain').send(`${count}:${'x'.repeat(4096)}`);
      });
      app.get('/read', async (request) => String(request.session.get('count') ?? 0));
    });
    try {
      const jar = new CookieJar(server.url);
      // fetch() would decompress on its own; read the raw bytes through node:http instead.
      const { request } = await import('node:http');
      const raw = await new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        request(`${server.url}/large`, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        })
          .on('error', reject)
          .end();
      });
      expect(raw.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(raw.body).toString()).toBe(`1:${'x'.repeat(4096)}`);
      const vary = String(raw.headers.vary).toLowerCase();
      expect(vary).toContain('accept-encoding');
      expect(vary).toContain('cookie');
      const setCookie = raw.headers['set-cookie'] ?? [];
      expect(setCookie).toHaveLength(1);
      jar.cookies.set('sid', setCookie[0]!.split(';')[0]!.slice('sid='.length));
      expect(await (await jar.fetch('/read')).text()).toBe('1');
    } finally {
      await server.close();
    }
  });

  it('answers 503 when the store fails under compression', async () => {
    const { default: compress } = await import('@fastify/compress');
    const store = new MapStore();
    const server = await serveApp(Fastify5, async (app) => {
      await app.register(compress, { threshold: 1 });
      await app.register(session({ store, secret: TEST_SECRET }));
      app.get('/large', async (request) => {
        request.session.set('count', 1);
        return 'y'.repeat(4096);
      });
    });
    try {
      store.failing.add('set');
      const response = await new CookieJar(server.url).fetch('/large', { headers: { 'accept-encoding': 'gzip' } });
      expect(response.status).toBe(503);
      expect(response.headers.getSetCookie()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
