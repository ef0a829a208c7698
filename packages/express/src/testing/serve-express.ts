/**
 * The app of the adapter test suite on Express 4 or 5: the suite's routes, plus the routes of this
 * package's own tests (every way Express answers, a bad status code, a handler that never answers).
 */
import { listen, type ServeAdapter } from '@sess/adapter-test-suite';
import type { ErrorRequestHandler, Express } from 'express';
import { expectTypeOf } from 'vitest';
import { session } from '../index.js';

// The typing recipe of the README: every `req.session` in the app knows these keys.
declare module '@sess/core' {
  interface SessionData {
    count: number;
  }
}

/** A `serve` for `testAdapter` and `fuzzAdapter` on the given major of Express; it trusts the proxy. */
export function serveExpress(express: () => Express): ServeAdapter {
  return (sessionsOrOptions, routes) => {
    const app = express();
    app.set('trust proxy', true);
    app.use(session(sessionsOrOptions));
    for (const route of routes.list) {
      app[route.method === 'GET' ? 'get' : 'post'](route.path, (request, response, next) => {
        route.handle(request.session).then((body) => void response.send(body), next);
      });
    }
    // Increments the counter and answers in the way the query names, to cover every way out.
    app.get('/answer', (request, response) => {
      expectTypeOf(request.session.get('count')).toEqualTypeOf<number | undefined>();
      const count = (request.session.get('count') ?? 0) + 1;
      request.session.set('count', count);
      const body = String(count);
      switch (request.query.via) {
        case 'json':
          return void response.json({ count });
        case 'redirect':
          return response.redirect('/read');
        case 'end':
          return void response.end(body);
        case 'sendStatus':
          return void response.sendStatus(201);
        case 'stream':
          response.write(body.slice(0, 1));
          setTimeout(() => {
            response.write('-');
            response.end('done');
          }, 10);
          return;
        default:
          response.writeHead(200, { 'Content-Type': 'text/plain' });
          return void response.end(body);
      }
    });
    app.get('/bad-status', (request, response) => {
      request.session.set('count', 1);
      response.writeHead(1000);
      response.end();
    });
    app.get('/hang', () => {
      // Never answers: the client gives up.
    });
    const onError: ErrorRequestHandler = (error, _request, response, _next) => {
      const { status, body } = routes.onError(error);
      response.status(status).send(body);
    };
    app.use(onError);
    return listen(app);
  };
}
