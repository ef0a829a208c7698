/**
 * The Hono middleware on Node where the global `Response` is Node's own, not `@hono/node-server`'s
 * (a server made with `overrideGlobalObjects: false`): a response made with a plain object of
 * headers has no plain object to write on, and the session's headers go on its `Headers`. This
 * file makes no server that installs node-server's classes, so the global stays Node's throughout.
 */
import { listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { session, type SessionEnv } from './index.js';
import { nodeServers } from '@sess/test-servers/node-servers';
import { rawHeaderNames } from '@sess/test-servers';

describe.each(nodeServers)("hono on $name when the global Response is Node's own", ({ getRequestListener }) => {
  it("writes on the handler's response itself, which node-server sends from its Headers", async () => {
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
    const server = await listen(getRequestListener(app.fetch, { overrideGlobalObjects: false }));
    try {
      // The premise: Node's fetch() answers with Node's own Response class.
      expect((await fetch('data:,')).constructor).toBe(globalThis.Response);
      expect(await rawHeaderNames(`${server.url}/json`)).toEqual(expect.arrayContaining(['content-type', 'vary', 'cache-control', 'set-cookie']));
      const response = await fetch(`${server.url}/text`);
      expect(await response.text()).toBe('ok');
      expect(response.headers.get('Content-Type')).toBe('text/plain;charset=UTF-8');
      expect(response.headers.get('Vary')).toBe('Cookie');
      expect(response.headers.get('Cache-Control')).toBe('private, no-cache="Set-Cookie"');
      expect(response.headers.getSetCookie()).toHaveLength(1);
      expect(handed).toHaveLength(2);
      handed.forEach((response, index) => {
        expect(response).toBe(made[index]);
        expect(response.headers.getSetCookie()).toHaveLength(1);
      });
    } finally {
      await server.close();
    }
  });
});
