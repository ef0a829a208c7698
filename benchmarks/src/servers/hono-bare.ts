/** Hono on @hono/node-server with no session library: the ceiling of the Hono targets. */
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { increment, readCount, readSession } from './bare-sessions.js';
import { ready } from './server-common.js';

const app = new Hono();
app.post('/api/counter', (context) => {
  const result = increment(readSession(context.req.header('cookie')));
  if (result.setCookie) context.header('Set-Cookie', result.setCookie);
  return context.json({ count: result.count });
});
app.get('/api/session', (context) => context.json({ count: readCount(readSession(context.req.header('cookie'))) }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer }, () => ready(server as never));
