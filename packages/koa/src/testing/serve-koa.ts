/**
 * The app of the adapter test suite on Koa 2 or 3: an error-handling middleware, the session
 * middleware, the suite's routes, and the route of this package's own tests (every way Koa answers).
 */
import { Readable } from 'node:stream';
import { listen, type ServeAdapter } from '@sess/adapter-test-suite';
import type Koa from 'koa';
import { expectTypeOf } from 'vitest';
import { session } from '../index.js';

// The typing recipe of the README: every `ctx.session` in the app knows these keys.
declare module '@sess/core' {
  interface SessionData {
    count: number;
  }
}

/** A `serve` for `testAdapter` and `fuzzAdapter` on the given major of Koa; it trusts the proxy. */
export function serveKoa(Application: typeof Koa): ServeAdapter {
  return (sessionsOrOptions, routes) => {
    const app = new Application({ proxy: true });
    // Koa's error handling: the first middleware catches what the others throw.
    app.use(async (context, next) => {
      try {
        await next();
      } catch (error) {
        const { status, body } = routes.onError(error);
        context.status = status;
        context.body = body;
      }
    });
    app.use(session(sessionsOrOptions));
    app.use(async (context, next) => {
      const route = routes.list.find((candidate) => candidate.method === context.method && candidate.path === context.path);
      if (route) context.body = await route.handle(context.session);
      else await next();
    });
    // Increments the counter and answers in the way the query names, to cover every way out.
    app.use(async (context) => {
      if (context.path !== '/answer') return;
      expectTypeOf(context.session.get('count')).toEqualTypeOf<number | undefined>();
      const count = (context.session.get('count') ?? 0) + 1;
      context.session.set('count', count);
      if (context.query.via === 'json') context.body = { count };
      else if (context.query.via === 'redirect') context.redirect('/read');
      else if (context.query.via === 'stream') context.body = Readable.from([String(count), '-', 'done']);
      else context.status = 204;
    });
    return listen(app.callback());
  };
}
