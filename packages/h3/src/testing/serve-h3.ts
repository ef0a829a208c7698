/**
 * The app of the adapter test suite on h3 over its Node listener: the suite's routes, and the
 * routes of this package's own tests (every way h3 answers).
 */
import { listen, type ServeAdapter } from '@sess/adapter-test-suite';
import { createApp, createRouter, getQuery, sendRedirect, sendStream, setResponseStatus, toNodeListener, type H3Error } from 'h3';
import { expectTypeOf } from 'vitest';
import { createSessionHandler, saveSession } from '../index.js';

/** The session data of this app, typed through `createSessionHandler<AppData>` (no global declaration). */
export interface AppData {
  count: number;
}

/** A `serve` for `testAdapter` and `fuzzAdapter`. */
export const serveH3: ServeAdapter = async (sessionsOrOptions, routes) => {
  const defineSessionHandler = createSessionHandler<AppData>(sessionsOrOptions as Parameters<typeof createSessionHandler<AppData>>[0]);
  const router = createRouter();
  for (const route of routes.list) {
    router.use(
      route.path,
      defineSessionHandler((event) => route.handle(event.context.session as never)),
      route.method.toLowerCase() as 'get' | 'post',
    );
  }
  // Increments the counter and answers in the way the query names, to cover every way out.
  router.get(
    '/answer',
    defineSessionHandler(async (event) => {
      expectTypeOf(event.context.session.get('count')).toEqualTypeOf<number | undefined>();
      const count = (event.context.session.get('count') ?? 0) + 1;
      event.context.session.set('count', count);
      switch (getQuery(event).via) {
        case 'json':
          return { count };
        case 'web-response':
          return Response.json({ count }, { headers: { 'X-Answer': 'web' } });
        case 'saved-redirect':
          await saveSession(event);
          return sendRedirect(event, '/read');
        case 'unsaved-redirect':
          return sendRedirect(event, '/read');
        case 'stream':
          await saveSession(event);
          return sendStream(
            event,
            new ReadableStream({
              start(controller) {
                for (const part of [String(count), '-', 'done']) controller.enqueue(new TextEncoder().encode(part));
                controller.close();
              },
            }),
          );
        default:
          return String(count);
      }
    }),
  );
  // A wrapped handler called from another: one session, saved once.
  const inner = defineSessionHandler((event) => {
    event.context.session.set('count', (event.context.session.get('count') ?? 0) + 10);
    return 'inner';
  });
  router.get(
    '/nested',
    defineSessionHandler(async (event) => `${await inner(event)}:${event.context.session.get('count')}`),
  );
  const app = createApp({
    onError(error: H3Error, event) {
      // h3 wraps what a handler throws; the suite's answer is about the error itself.
      const { status, body } = routes.onError(error.cause ?? error);
      if (event.handled) return;
      setResponseStatus(event, status);
      event.node.res.setHeader('Content-Type', 'text/plain');
      event.node.res.end(body);
    },
  });
  app.use(router);
  return listen(toNodeListener(app));
};
