/**
 * The app of the adapter test suite on Hono over `@hono/node-server` (either major): the suite's
 * routes, and the route of this package's own tests (every way Hono answers, immutable responses
 * included).
 */
import { listen, type ServeAdapter } from '@sess/adapter-test-suite';
import { Hono } from 'hono';
import { expectTypeOf } from 'vitest';
import { session, type SessionEnv } from '../index.js';
import type { NodeServer } from '@sess/test-servers/node-servers';

// The typing recipe of the README: every `c.get('session')` in the app knows these keys.
declare module '@sess/core' {
  interface SessionData {
    count: number;
    seen: boolean;
  }
}

/** A `serve` for `testAdapter` and `fuzzAdapter`, serving through `nodeServer`. */
export const serveHonoOn = (nodeServer: NodeServer): ServeAdapter => async (sessionsOrOptions, routes) => {
  const app = new Hono<SessionEnv>();
  app.use(session(sessionsOrOptions));
  for (const route of routes.list) app.on(route.method, route.path, async (c) => c.text(await route.handle(c.get('session'))));
  let base = '';
  // Increments the counter and answers in the way the query names, to cover every way out.
  app.get('/answer', async (c) => {
    expectTypeOf(c.get('session').get('count')).toEqualTypeOf<number | undefined>();
    const count = (c.get('session').get('count') ?? 0) + 1;
    c.get('session').set('count', count);
    switch (c.req.query('via')) {
      case 'json':
        return c.json({ count });
      case 'redirect':
        return c.redirect('/read');
      case 'response-redirect':
        // Response.redirect() has immutable headers.
        return Response.redirect(`${base}/read`, 302);
      case 'fetched':
        // So has a response passed through from fetch().
        return fetch(`${base}/untouched`);
      default:
        return c.body(
          new ReadableStream({
            start(controller) {
              for (const part of [String(count), '-', 'done']) controller.enqueue(new TextEncoder().encode(part));
              controller.close();
            },
          }),
        );
    }
  });
  app.onError((error, c) => {
    const { status, body } = routes.onError(error);
    return c.text(body, status as 500 | 503);
  });
  const server = await listen(nodeServer.getRequestListener(app.fetch));
  base = server.url;
  return server;
};
