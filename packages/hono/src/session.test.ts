import { request as httpRequest, type ServerResponse } from 'node:http';
import { CookieJar, createAppStarter, listen, MapStore, TEST_SECRET, testAdapter } from '@sess/adapter-test-suite';
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { describe, expect, it } from 'vitest';
import { session, type SessionEnv } from './index.js';
import { nodeServers } from '@sess/test-servers/node-servers';
import { rawHeaderNames } from '@sess/test-servers';
import { serveHonoOn } from './testing/serve-hono.js';

for (const nodeServer of nodeServers) testAdapter({ name: `hono over ${nodeServer.name}: the adapter test suite`, serve: serveHonoOn(nodeServer) });

describe('hono', () => {
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
});

describe.each(nodeServers)('hono over $name', (nodeServer) => {
  const { getRequestListener } = nodeServer;
  const start = createAppStarter(serveHonoOn(nodeServer));

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

describe.each(nodeServers)("hono over $name: responses made with a plain object of headers (node-server's lightweight ones)", ({ getRequestListener }) => {
  /** Serves an app with the session and `routes`; `visit` fetches a path as a new visitor. */
  async function serve(routes: (app: Hono<SessionEnv>) => void) {
    const app = new Hono<SessionEnv>();
    app.use(session({ store: new MapStore(), secret: TEST_SECRET }));
    routes(app);
    const server = await listen(getRequestListener(app.fetch));
    return { url: server.url, visit: (path = '/', init?: RequestInit) => fetch(new URL(path, server.url), init), close: () => server.close() };
  }

  it("takes the plain-object path for c.json() and c.text(): node-server is handed a copy of its own kind, sent from the object the session's headers were written on", async () => {
    const made: Response[] = [];
    const handed: Response[] = [];
    const app = new Hono<SessionEnv>();
    app.use(async (c, next) => {
      await next();
      handed.push(c.res);
    });
    app.use(session({ store: new MapStore(), secret: TEST_SECRET }));
    app.get('/json', (c) => (c.get('session').set('seen', true), made.push(c.json({ ok: true })), made.at(-1)!));
    app.get('/text', (c) => (c.get('session').set('seen', true), made.push(c.text('ok')), made.at(-1)!));
    const server = await listen(getRequestListener(app.fetch));
    try {
      for (const path of ['/json', '/text']) {
        // node-server sends a plain object's names as they are spelled, and a Headers object's in
        // lower case: the session's headers, spelled as the core writes them, went on a plain
        // object, and no Headers object was built on the way.
        const names = await rawHeaderNames(`${server.url}${path}`);
        expect(names).toEqual(expect.arrayContaining(['Vary', 'Cache-Control', 'Set-Cookie']));
        expect(names).not.toContain('set-cookie');
        if (path === '/json') expect(names).toContain('Content-Type');
      }
      // The handler's responses are node-server's own kind, their headers writable: the fallback
      // would have written on them and kept them as c.res. The fast path makes c.res a copy.
      expect(handed).toHaveLength(2);
      handed.forEach((response, index) => {
        expect(made[index]!.constructor).toBe(globalThis.Response);
        expect(response).not.toBe(made[index]);
        expect(response.constructor).toBe(globalThis.Response);
        expect(response.headers.getSetCookie()).toHaveLength(1);
        expect(made[index]!.headers.getSetCookie()).toEqual([]);
      });
    } finally {
      await server.close();
    }
  });

  it("never writes on a header object shared by the handler's responses: every visitor gets only its own cookie", async () => {
    const shared = { 'Cache-Control': 'max-age=60' };
    const app = await serve((routes) => routes.get('/', (c) => (c.get('session').set('seen', true), c.body('ok', 200, shared))));
    try {
      const [first, second] = [await app.visit(), await app.visit()];
      expect(shared).toEqual({ 'Cache-Control': 'max-age=60' });
      for (const response of [first, second]) {
        expect(await response.text()).toBe('ok');
        expect(response.headers.get('Cache-Control')).toBe('max-age=60, no-cache="Set-Cookie"');
        expect(response.headers.get('Vary')).toBe('Cookie');
        expect(response.headers.getSetCookie()).toHaveLength(1);
      }
      expect(first.headers.getSetCookie()[0]).not.toBe(second.headers.getSetCookie()[0]);
    } finally {
      await app.close();
    }
  });

  it('sends a response made without headers, or without a body, as node-server sends it without sessions, plus the headers of the session', async () => {
    const routes = (app: Hono<SessionEnv>, withSession: boolean) => {
      const touch = (c: Context<SessionEnv>) => withSession && c.get('session').set('seen', true);
      app.get('/text', (c) => (touch(c), c.text('ok')));
      app.get('/made', (c) => (touch(c), new Response('ok', { status: 201 })));
      app.get('/empty', (c) => (touch(c), c.body(null, 204)));
    };
    const app = await serve((hono) => routes(hono, true));
    const bareApp = new Hono<SessionEnv>();
    routes(bareApp, false);
    const bare = await listen(getRequestListener(bareApp.fetch));
    try {
      for (const path of ['/text', '/made', '/empty']) {
        const [withSessions, without] = [await app.visit(path), await fetch(new URL(path, bare.url))];
        expect(withSessions.status).toBe(without.status);
        expect(await withSessions.text()).toBe(await without.text());
        expect(withSessions.headers.get('Content-Type')).toBe(without.headers.get('Content-Type'));
        expect(withSessions.headers.get('Vary')).toBe('Cookie');
        expect(withSessions.headers.getSetCookie()).toHaveLength(1);
      }
    } finally {
      await Promise.all([app.close(), bare.close()]);
    }
  });

  it("adds the session's cookie to the handler's own Set-Cookie", async () => {
    const app = await serve((routes) => routes.get('/', (c) => (c.get('session').set('seen', true), c.body('ok', 200, { 'Set-Cookie': 'theme=dark; Path=/' }))));
    try {
      const response = await app.visit();
      const cookies = response.headers.getSetCookie();
      expect(cookies).toHaveLength(2);
      expect(cookies[0]).toBe('theme=dark; Path=/');
      expect(cookies[1]).toMatch(/^sid=/);
      expect(response.headers.get('Vary')).toBe('Cookie');
      expect(await response.text()).toBe('ok');
    } finally {
      await app.close();
    }
  });

  it('answers a HEAD request with the headers of the GET and no body', async () => {
    const app = await serve((routes) => routes.get('/', (c) => (c.get('session').set('seen', true), c.json({ ok: true }))));
    try {
      const response = await app.visit('/', { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
      expect(response.headers.get('Content-Type')).toBe('application/json');
      expect(response.headers.get('Vary')).toBe('Cookie');
      expect(response.headers.getSetCookie()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('keeps the status and Location of a redirect, from c.redirect() or made with a plain object of headers', async () => {
    const app = await serve((routes) => {
      routes.get('/redirect', (c) => (c.get('session').set('seen', true), c.redirect('/next')));
      routes.get('/made', (c) => (c.get('session').set('seen', true), new Response(null, { status: 302, headers: { Location: '/next' } })));
    });
    try {
      for (const path of ['/redirect', '/made']) {
        const response = await app.visit(path, { redirect: 'manual' });
        expect(response.status).toBe(302);
        expect(response.headers.get('Location')).toBe('/next');
        expect(response.headers.getSetCookie()).toHaveLength(1);
      }
    } finally {
      await app.close();
    }
  });
});

describe.each(nodeServers)('hono over $name: middleware around the session', ({ getRequestListener }) => {
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
  it.each(nodeServers)('answers 503 with a message that says nothing about the store when the store fails, without an onError, on $name', async ({ getRequestListener }) => {
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
