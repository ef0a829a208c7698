import { request as httpRequest, type ServerResponse } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { CookieJar, createAppStarter, listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import { createSessions, SessionConfigError, type Session, type SessionValues } from '@sess/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { getSession, sessionMiddleware, withSession } from './index.js';
import { nodeServers } from '@sess/test-servers/node-servers';
import { rawHeaderNames } from '@sess/test-servers';
import { releaseGatedBody, serveFetchOn } from './testing/serve-fetch.js';

const counter = async (_request: Request, session: Session<SessionValues>) => {
  const count = (session.get('count') ?? 0) + 1;
  session.set('count', count);
  return new Response(String(count));
};

describe.each(nodeServers)('withSession over $name: a streamed response', (nodeServer) => {
  const start = createAppStarter(serveFetchOn(nodeServer));

  it('streams a streamed body through: the client reads its start before the handler wrote its end', async () => {
    const { jar } = await start();
    const response = await jar.fetch('/answer?via=gated');
    expect(response.headers.getSetCookie()).toHaveLength(1);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    // Buffering would hold the whole body until the gate opens, which only happens below: the read
    // would never end.
    expect((await reader.read()).value).toBe('1-');
    releaseGatedBody();
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += part.value;
    expect(rest).toBe('done');
  });
});

describe('withSession: the responses it answers', () => {
  it('writes on the response itself when its headers are writable, and on a copy when they are immutable', async () => {
    const sessions = createSessions({ store: new MapStore(), secret: TEST_SECRET });
    // A Headers object: node-server's Response (installed by the servers of other tests) keeps a
    // plain object of headers as it is, and the session's headers then go on a copy (tested below).
    const own = new Response('ok', { headers: new Headers() });
    const writable = await withSession(sessions, (_request, session) => (session.set('seen', true), own))(new Request('http://app.test/'));
    expect(writable).toBe(own);
    expect(own.headers.getSetCookie()).toHaveLength(1);
    const redirect = Response.redirect('http://app.test/next', 303);
    const copied = await withSession(sessions, (_request, session) => (session.set('seen', true), redirect))(new Request('http://app.test/'));
    expect(copied).not.toBe(redirect);
    expect(copied.status).toBe(303);
    expect(copied.headers.get('Location')).toBe('http://app.test/next');
    expect(copied.headers.getSetCookie()).toHaveLength(1);
    expect(redirect.headers.getSetCookie()).toEqual([]);
  });

  it('keeps the status, status text, headers and body of a fetch() result it copies', async () => {
    const upstream = await listen((_request, response) => {
      response.writeHead(201, 'Made', { 'X-Own': 'kept', 'Set-Cookie': 'theme=dark; Path=/', 'Content-Type': 'application/json' });
      response.end('{"ok":true}');
    });
    try {
      const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, (_request, session) => {
        session.set('seen', true);
        return fetch(upstream.url);
      });
      const response = await handler(new Request('http://app.test/'));
      expect(response.status).toBe(201);
      expect(response.statusText).toBe('Made');
      expect(response.headers.get('X-Own')).toBe('kept');
      expect(response.headers.get('Content-Type')).toBe('application/json');
      expect(response.headers.getSetCookie()).toHaveLength(2);
      expect(response.headers.getSetCookie()[0]).toBe('theme=dark; Path=/');
      expect(await response.json()).toEqual({ ok: true });
    } finally {
      await upstream.close();
    }
  });

  it('marks the cookie Secure when the request URL is https', async () => {
    const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, counter);
    expect((await handler(new Request('https://app.test/'))).headers.getSetCookie()[0]).toContain('; Secure');
    expect((await handler(new Request('http://app.test/'))).headers.getSetCookie()[0]).not.toContain('; Secure');
  });
});

describe.each(nodeServers)("withSession on $name's lightweight responses (headers kept as a plain object)", (nodeServer) => {
  const { getRequestListener } = nodeServer;

  /** Serves `handler` through node-server's bridge; `visit` fetches a path as a new visitor. */
  async function serve(handler: (request: Request, session: Session<SessionValues>) => Response | Promise<Response>) {
    const server = await listen(getRequestListener(withSession({ store: new MapStore(), secret: TEST_SECRET }, handler)));
    return { url: server.url, visit: (path = '/', init?: RequestInit) => fetch(new URL(path, server.url), init), close: () => server.close() };
  }

  it("takes the plain-object path: node-server is handed a copy of its own kind, sent from the object the session's headers were written on", async () => {
    let made: Response | undefined;
    let handed: Response | undefined;
    const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, (_request, session) => {
      session.set('seen', true);
      return (made = new Response('ok', { headers: { 'Content-Type': 'text/plain', 'X-Handler-Spelling': 'kept' } }));
    });
    const server = await listen(getRequestListener(async (request: Request) => (handed = await handler(request))));
    try {
      // node-server sends a plain object's names as they are spelled, and a Headers object's in
      // lower case: the session's headers spelled as the core writes them were written on a plain
      // object, and no Headers object was built on the way.
      const names = await rawHeaderNames(server.url);
      expect(names).toEqual(expect.arrayContaining(['Content-Type', 'X-Handler-Spelling', 'Vary', 'Cache-Control', 'Set-Cookie']));
      expect(names).not.toContain('set-cookie');
      // The handler's response is node-server's own kind, its headers writable: the fallback would
      // have written on it and handed it on. The fast path hands on a copy of the same kind.
      expect(made).toBeInstanceOf(globalThis.Response);
      expect(made!.constructor).toBe(globalThis.Response);
      expect(handed).not.toBe(made);
      expect(handed!.constructor).toBe(globalThis.Response);
      expect(handed!.headers.getSetCookie()).toHaveLength(1);
      expect(made!.headers.getSetCookie()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("writes on a copy: the handler's object of headers stays as it was, and every visitor gets only its own cookie", async () => {
    const shared = { 'Content-Type': 'text/plain', 'Cache-Control': 'max-age=60', Vary: 'Accept-Encoding' };
    const app = await serve((_request, session) => (session.set('seen', true), new Response('ok', { headers: shared })));
    try {
      const [first, second] = [await app.visit(), await app.visit()];
      expect(shared).toEqual({ 'Content-Type': 'text/plain', 'Cache-Control': 'max-age=60', Vary: 'Accept-Encoding' });
      for (const response of [first, second]) {
        expect(await response.text()).toBe('ok');
        expect(response.headers.get('Content-Type')).toBe('text/plain');
        expect(response.headers.get('Vary')).toBe('Accept-Encoding, Cookie');
        expect(response.headers.get('Cache-Control')).toBe('max-age=60, no-cache="Set-Cookie"');
        expect(response.headers.getSetCookie()).toHaveLength(1);
      }
      expect(first.headers.getSetCookie()[0]).not.toBe(second.headers.getSetCookie()[0]);
    } finally {
      await app.close();
    }
  });

  it('sends a response made without headers as node-server sends it without sessions, plus the headers of the session', async () => {
    const answers: Record<string, () => Response> = { '/made': () => new Response('ok', { status: 201 }), '/empty': () => new Response(null, { status: 204 }) };
    const app = await serve((request, session) => (session.set('seen', true), answers[new URL(request.url).pathname]!()));
    const bare = await listen(getRequestListener((request: Request) => answers[new URL(request.url).pathname]!()));
    try {
      for (const path of Object.keys(answers)) {
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

  it('answers a HEAD request with the headers of the GET and no body', async () => {
    const app = await serve((_request, session) => (session.set('seen', true), new Response('hello', { headers: { 'Content-Type': 'text/plain' } })));
    try {
      const response = await app.visit('/', { method: 'HEAD' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
      expect(response.headers.get('Content-Type')).toBe('text/plain');
      expect(response.headers.get('Vary')).toBe('Cookie');
      expect(response.headers.getSetCookie()).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('keeps the status and Location of a redirect made with a plain object of headers', async () => {
    const app = await serve((_request, session) => (session.set('seen', true), new Response(null, { status: 302, headers: { Location: '/next' } })));
    try {
      const response = await app.visit('/', { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('Location')).toBe('/next');
      expect(response.headers.getSetCookie()).toHaveLength(1);
      expect(await response.text()).toBe('');
    } finally {
      await app.close();
    }
  });

  it("adds the session's cookie to the handler's own Set-Cookie", async () => {
    const app = await serve((_request, session) => (session.set('seen', true), new Response('ok', { headers: { 'set-cookie': 'theme=dark; Path=/' } })));
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

  it("keeps the session's headers on the answer when a framework around the middleware reads it and answers anew", async () => {
    const middleware = sessionMiddleware({ store: new MapStore(), secret: TEST_SECRET });
    const listener = getRequestListener(async (request: Request) => {
      const answer = await middleware(request, (session) => (session.set('seen', true), new Response('ok', { headers: { 'Content-Type': 'text/plain' } })));
      // Reading the body makes node-server build the Web Response from what the answer was made with.
      return new Response(`${await answer.text()}!`, answer);
    });
    const server = await listen(listener);
    try {
      const response = await fetch(server.url);
      expect(await response.text()).toBe('ok!');
      expect(response.headers.get('Vary')).toBe('Cookie');
      expect(response.headers.getSetCookie()).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe.each(nodeServers)('withSession over $name: a client that went away', ({ getRequestListener }) => {
  /**
   * Serves a handler that changes the session and answers only once Node's response closed or
   * `answerNow` is called; `handled` settles when the adapter has answered (and saved, or not).
   */
  async function serveWaiting(store: MapStore) {
    let entered!: (response: ServerResponse) => void;
    const inHandler = new Promise<ServerResponse>((resolve) => (entered = resolve));
    let answerNow!: () => void;
    const answered = new Promise<void>((resolve) => (answerNow = resolve));
    let handled!: () => void;
    const done = new Promise<void>((resolve) => (handled = resolve));
    const handler = withSession({ store, secret: TEST_SECRET }, async (_request, session, bindings: HttpBindings) => {
      session.set('seen', true);
      entered(bindings.outgoing);
      await Promise.race([answered, new Promise((resolve) => bindings.outgoing.once('close', resolve))]);
      return new Response('late');
    });
    const server = await listen(
      getRequestListener((request, bindings) => handler(request, bindings as HttpBindings).finally(handled)),
    );
    return { server, inHandler, answerNow, done };
  }

  it('saves nothing for a client that closed its connection before the answer, on node-server', async () => {
    const store = new MapStore();
    const { server, inHandler, done } = await serveWaiting(store);
    try {
      const request = httpRequest(server.url);
      request.on('error', () => {});
      request.end();
      await inHandler;
      request.destroy();
      await done;
      expect(store.records.size).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('saves for a client that stays', async () => {
    const store = new MapStore();
    const { server, inHandler, answerNow, done } = await serveWaiting(store);
    try {
      const response = fetch(server.url);
      await inHandler;
      answerNow();
      await done;
      expect((await response).headers.getSetCookie()).toHaveLength(1);
      expect(store.records.size).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('withSession: a client that went away, off node-server', () => {
  it("saves nothing when the request's signal was aborted, on runtimes that abort it", async () => {
    const store = new MapStore();
    const controller = new AbortController();
    const handler = withSession({ store, secret: TEST_SECRET }, (_request, session) => {
      session.set('seen', true);
      controller.abort();
      return new Response('late');
    });
    await handler(new Request('http://app.test/', { signal: controller.signal }));
    expect(store.records.size).toBe(0);
    await withSession({ store, secret: TEST_SECRET }, counter)(new Request('http://app.test/'));
    expect(store.records.size).toBe(1);
  });
});

describe('withSession: failures', () => {
  it.each(nodeServers)('answers 503 with Retry-After and a message that says nothing about the store, by default, on $name', async ({ getRequestListener }) => {
    const store = new MapStore();
    const server = await listen(getRequestListener(withSession({ store, secret: TEST_SECRET }, counter)));
    try {
      const jar = new CookieJar(server.url);
      expect(await (await jar.fetch('/')).text()).toBe('1');
      for (const failing of ['get', 'set'] as const) {
        store.failing.add(failing);
        const failed = await jar.fetch('/');
        expect(failed.status).toBe(503);
        expect(failed.headers.get('Retry-After')).toBe('1');
        expect(failed.headers.getSetCookie()).toEqual([]);
        expect(await failed.text()).toBe('[sess] the session store is unavailable');
        store.failing.delete(failing);
      }
      expect(await (await jar.fetch('/')).text()).toBe('2');
    } finally {
      await server.close();
    }
  });

  it('answers 403 to a cross-site form POST before the handler runs, by default', async () => {
    let ran = false;
    const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, (request, session) => ((ran = true), counter(request, session)));
    const refused = await handler(
      new Request('http://app.test/cart', { method: 'POST', headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' }, body: 'item=x' }),
    );
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe('[sess] cross-site request refused');
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(ran).toBe(false);
    expect((await handler(new Request('http://app.test/cart', { method: 'POST', headers: { Origin: 'http://app.test' } }))).status).toBe(200);
  });

  it('answers 503 when a lazy load meets a store failure inside the handler, by default', async () => {
    const store = new MapStore();
    const sessions = createSessions({ store, secret: TEST_SECRET, lazy: true });
    const handler = withSession(sessions, async (request, session) => {
      await session.load();
      return counter(request, session);
    });
    const cookie = (await handler(new Request('http://app.test/'))).headers.getSetCookie()[0]!.split(';')[0]!;
    store.failing.add('get');
    const failed = await handler(new Request('http://app.test/', { headers: { cookie } }));
    expect(failed.status).toBe(503);
    expect(failed.headers.get('Retry-After')).toBe('1');
  });

  it('throws a handler error on after saving the session, without onError', async () => {
    const store = new MapStore();
    const sessions = createSessions({ store, secret: TEST_SECRET });
    const fail = withSession(sessions, (_request, session) => {
      session.set('count', 41);
      throw new RangeError('handler failed');
    });
    const first = await withSession(sessions, counter)(new Request('http://app.test/'));
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
    await expect(fail(new Request('http://app.test/', { headers: { cookie } }))).rejects.toThrow(RangeError);
    expect(await (await withSession(sessions, counter)(new Request('http://app.test/', { headers: { cookie } }))).text()).toBe('42');
  });

  it("puts the session's headers on a thrown Response and throws that copy", async () => {
    const redirect = Response.redirect('http://app.test/login', 302);
    const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, (_request, session) => {
      session.set('seen', true);
      throw redirect;
    });
    const thrown: unknown = await handler(new Request('http://app.test/')).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(302);
    expect((thrown as Response).headers.get('Location')).toBe('http://app.test/login');
    expect((thrown as Response).headers.getSetCookie()).toHaveLength(1);
    expect(redirect.headers.getSetCookie()).toEqual([]);
  });

  it('refuses a handler that resolves to something other than a Response with a TypeError', async () => {
    const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, (() => undefined) as unknown as typeof counter);
    await expect(handler(new Request('http://app.test/'))).rejects.toThrow(/resolved to undefined, not a Response/);
  });

  it('refuses an unknown option with a hint', () => {
    expect(() => withSession({ store: new MapStore(), secret: TEST_SECRET }, counter, { onErorr: () => new Response() } as object)).toThrow(
      /withSession\(\) has no option `onErorr`: did you mean `onError`\?/,
    );
    expect(() => sessionMiddleware({ store: new MapStore(), secret: TEST_SECRET }, { trustProxy: true } as object)).toThrow(SessionConfigError);
  });
});

describe('getSession', () => {
  it('finds the session of the request its handler was given, and refuses any other', async () => {
    const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, (request, session) => {
      expect(getSession(request)).toBe(session);
      expect(() => getSession(request.clone())).toThrow(SessionConfigError);
      return new Response('ok');
    });
    expect((await handler(new Request('http://app.test/'))).status).toBe(200);
    expect(() => getSession(new Request('http://app.test/'))).toThrow(/found no session for this request/);
  });

  it('finds the session of a request that takes no property of its own (a frozen one)', async () => {
    const frozen = Object.freeze(new Request('http://app.test/'));
    const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, (request, session) => {
      expect(getSession(request)).toBe(session);
      return new Response('ok');
    });
    expect((await handler(frozen)).status).toBe(200);
  });

  it('is typed by the generic it is given', () => {
    expectTypeOf(getSession<{ user: string }>).returns.toEqualTypeOf<Session<{ user: string }>>();
  });
});

describe('sessionMiddleware', () => {
  it('hands the arguments after the request to ip, for sessions bound to the address', async () => {
    let address = '192.0.2.1';
    const middleware = sessionMiddleware(
      { store: new MapStore(), secret: TEST_SECRET, bindTo: { ip: true } },
      { ip: (_request, info: { remote: string }) => info.remote },
    );
    const fetchCount = (cookie = '') =>
      middleware(new Request('http://app.test/', { headers: { cookie } }), (session) => counter(new Request('http://app.test/'), session), { remote: address });
    const first = await fetchCount();
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(await (await fetchCount(cookie)).text()).toBe('2');
    address = '198.51.100.7';
    expect(await (await fetchCount(cookie)).text()).toBe('1');
  });

  it('types the session from the sessions it is given', () => {
    const middleware = sessionMiddleware(createSessions<{ user: string }>({ store: new MapStore(), secret: TEST_SECRET }));
    expectTypeOf(middleware).parameter(1).parameter(0).toEqualTypeOf<Session<{ user: string }>>();
  });
});
