/**
 * `withSession` on Node where the global `Response` is Node's own, not `@hono/node-server`'s (a
 * server made with `overrideGlobalObjects: false`, or any other runtime): a response made with a
 * plain object of headers has no plain object to write on, and the session's headers go on its
 * `Headers`. This file makes no server that installs node-server's classes, so the global stays
 * Node's for every test in it.
 */
import { listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import { describe, expect, it } from 'vitest';
import { withSession } from './index.js';
import { nodeServers } from '@sess/test-servers/node-servers';
import { rawHeaderNames } from '@sess/test-servers';

describe.each(nodeServers)("withSession on $name when the global Response is Node's own", ({ getRequestListener }) => {
  it('writes on the handler\'s response itself, and node-server sends it from its Headers', async () => {
    const shared = { 'Content-Type': 'text/plain', 'X-Handler-Spelling': 'kept' };
    const made: Response[] = [];
    const handed: Response[] = [];
    const handler = withSession({ store: new MapStore(), secret: TEST_SECRET }, (request, session) => {
      session.set('seen', true);
      const response = new URL(request.url).pathname === '/empty' ? new Response(null, { status: 204 }) : new Response('ok', { headers: shared });
      made.push(response);
      return response;
    });
    const server = await listen(getRequestListener(async (request: Request) => (handed.push(await handler(request)), handed.at(-1)), { overrideGlobalObjects: false }));
    const bare = await listen(getRequestListener(() => new Response(null, { status: 204 }), { overrideGlobalObjects: false }));
    try {
      // The premise: Node's fetch() answers with Node's own Response class.
      expect((await fetch('data:,')).constructor).toBe(globalThis.Response);
      const names = await rawHeaderNames(server.url);
      expect(names).toEqual(expect.arrayContaining(['content-type', 'x-handler-spelling', 'vary', 'cache-control', 'set-cookie']));
      const response = await fetch(server.url);
      expect(await response.text()).toBe('ok');
      expect(response.headers.get('Content-Type')).toBe('text/plain');
      expect(response.headers.get('Vary')).toBe('Cookie');
      expect(response.headers.get('Cache-Control')).toBe('private, no-cache="Set-Cookie"');
      expect(response.headers.getSetCookie()).toHaveLength(1);
      const empty = await fetch(new URL('/empty', server.url));
      expect(empty.status).toBe(204);
      expect(empty.headers.getSetCookie()).toHaveLength(1);
      // As node-server sends it without sessions (1.x gives a Response of Node's without a body a
      // Content-Type, 2.x none).
      expect(empty.headers.get('Content-Type')).toBe((await fetch(bare.url)).headers.get('Content-Type'));
      expect(handed).toHaveLength(3);
      handed.forEach((response, index) => {
        expect(response).toBe(made[index]);
        expect(response.headers.getSetCookie()).toHaveLength(1);
      });
      expect(shared).toEqual({ 'Content-Type': 'text/plain', 'X-Handler-Spelling': 'kept' });
    } finally {
      await Promise.all([server.close(), bare.close()]);
    }
  });
});
