/**
 * The suite run against the smallest adapter there is, on `node:http` alone: proves that the
 * scenarios and the fuzz property pass for an adapter that follows the contract.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { runSession, toSessionInterface, type SessionRequest, type SessionResponse } from '@sess/core';
import { describe, expect, it } from 'vitest';
import { CookieJar, fuzzAdapter, listen, MapStore, testAdapter, type ServeAdapter } from './index.js';

function toSessionResponse(response: ServerResponse): SessionResponse {
  return {
    getHeader: (name) => response.getHeader(name)?.toString(),
    setHeader: (name, value) => void response.setHeader(name, value),
    appendHeader: (name, value) => void response.appendHeader(name, value),
  };
}

/**
 * The request as the core reads it: the cookie, what the CSRF checks need (method, `Origin`,
 * `Sec-Fetch-Site`, the host and scheme the client addressed, the path, the token header) and the
 * proxy's word for the scheme and host, as a framework that trusts its proxy gives it.
 */
function toSessionRequest(request: IncomingMessage): SessionRequest {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    cookie: request.headers.cookie,
    secure: header('x-forwarded-proto') === 'https',
    method: request.method,
    origin: header('origin'),
    secFetchSite: header('sec-fetch-site'),
    host: header('x-forwarded-host') ?? header('host'),
    path: request.url?.split('?')[0],
    header,
  };
}

/** The core's request lifecycle around the route, then the answer: the order every adapter keeps. */
const serve: ServeAdapter = (sessionsOrOptions, routes) => {
  const sessions = toSessionInterface(sessionsOrOptions);
  return listen(async (request, response) => {
    const answer = (status: number, body: string) => response.writeHead(status, { 'Content-Type': 'text/plain' }).end(body);
    const route = routes.list.find((candidate) => candidate.method === request.method && candidate.path === request.url);
    try {
      const body = await runSession(
        sessions,
        toSessionRequest(request),
        async (session) => (route ? route.handle(session) : 'not found'),
        () => toSessionResponse(response),
        () => response.destroyed,
      );
      answer(route ? 200 : 404, body);
    } catch (error) {
      const { status, body } = routes.onError(error);
      // A failed handler's session was saved; its cookie stays on the error answer.
      for (const name of response.getHeaderNames()) if (name !== 'set-cookie') response.removeHeader(name);
      answer(status, body);
    }
  });
};

testAdapter({ name: 'node:http', serve, trustsProxy: true });
fuzzAdapter({ name: 'A node:http adapter', serve, runs: 300 });

describe('the testing helpers', () => {
  it('MapStore fails the operations it is told to, until told otherwise', async () => {
    const store = new MapStore();
    await store.set('a', { data: {}, createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
    store.failing.add('get');
    await expect(store.get('a')).rejects.toThrow(/get failed/);
    store.failing.delete('get');
    expect(await store.get('a')).toMatchObject({ data: {} });
  });

  it('CookieJar sends back what the server set and forgets what it expired', async () => {
    const server = await listen((request, response) => {
      if (request.url === '/set') response.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2']);
      if (request.url === '/expire') response.setHeader('Set-Cookie', 'a=; Max-Age=0');
      response.end(request.headers.cookie ?? '');
    });
    try {
      const jar = new CookieJar(server.url);
      await (await jar.fetch('/set')).text();
      expect(await (await jar.fetch('/')).text()).toBe('a=1; b=2');
      const copy = jar.copy();
      await (await jar.fetch('/expire')).text();
      expect(await (await jar.fetch('/')).text()).toBe('b=2');
      expect(await (await copy.fetch('/')).text()).toBe('a=1; b=2');
    } finally {
      await server.close();
    }
  });
});
