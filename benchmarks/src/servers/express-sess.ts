/** sess on Express through `@sess/express`, over the store named by `BENCH_STORE`. */
import { createServer } from 'node:http';
import express from 'express';
import { session } from '@sess/express';
import { benchSessions } from './sess-store.js';
import { listen } from './server-common.js';

declare module '@sess/core' {
  interface SessionData {
    count: number;
  }
}

const app = express();
app.use(session(await benchSessions()));
app.post('/api/counter', (request, response) => {
  const count = (request.session.get('count') ?? 0) + 1;
  request.session.set('count', count);
  response.json({ count });
});
app.get('/api/session', (request, response) => {
  response.json({ count: request.session.get('count') ?? 0 });
});
listen(createServer(app));
