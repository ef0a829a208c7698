/** sess on Hono (@hono/node-server) through `@sess/hono`, over the store named by `BENCH_STORE`. */
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { session, type SessionEnv } from '@sess/hono';
import { benchSessions } from './sess-store.js';
import { ready } from './server-common.js';

const app = new Hono<SessionEnv>();
app.use(session(await benchSessions()));
app.post('/api/counter', (context) => {
  const current = context.get('session');
  const count = ((current.get('count' as never) as number | undefined) ?? 0) + 1;
  current.set('count' as never, count as never);
  return context.json({ count });
});
app.get('/api/session', (context) => context.json({ count: (context.get('session').get('count' as never) as number | undefined) ?? 0 }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer }, () => ready(server as never));
