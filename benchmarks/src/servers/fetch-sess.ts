/**
 * sess on a Web fetch handler through `@sess/fetch`'s `withSession`, on node:http through
 * `@hono/node-server`'s bridge, over the store named by `BENCH_STORE`.
 */
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { withSession } from '@sess/fetch';
import { benchSessions } from './sess-store.js';
import { ready } from './server-common.js';

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });

const fetchHandler = withSession(await benchSessions(), (request, session) => {
  const { pathname } = new URL(request.url);
  if (request.method === 'POST' && pathname === '/api/counter') {
    const count = ((session.get('count' as never) as number | undefined) ?? 0) + 1;
    session.set('count' as never, count as never);
    return json({ count });
  }
  if (request.method === 'GET' && pathname === '/api/session') return json({ count: (session.get('count' as never) as number | undefined) ?? 0 });
  return new Response(null, { status: 404 });
});

const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1', createServer }, () => ready(server as never));
