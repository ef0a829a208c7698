/** sess on Express through `@sess/express`, over the store named by `BENCH_STORE`. */
import { createServer } from 'node:http';
import express from 'express';
import type { Session } from '@sess/core';
import { session } from '@sess/express';
import { benchSessions } from './sess-store.js';
import { listen } from './server-common.js';

declare module '@sess/core' {
  interface SessionData {
    count: number;
  }
}

/**
 * `req.session`, read as users read it. Typed here because express-session's own declaration of
 * `req.session` (its server is compiled with this one) takes the global type's place.
 */
function sessionOf(request: express.Request): Session {
  return request.session as unknown as Session;
}

const app = express();
app.use(session(await benchSessions()));
app.post('/api/counter', (request, response) => {
  const count = (sessionOf(request).get('count') ?? 0) + 1;
  sessionOf(request).set('count', count);
  response.json({ count });
});
app.get('/api/session', (request, response) => {
  response.json({ count: sessionOf(request).get('count') ?? 0 });
});
listen(createServer(app));
