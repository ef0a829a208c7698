/**
 * A Web fetch handler on node:http through `@hono/node-server`'s bridge, with no session library:
 * the ceiling of the `@sess/fetch` and iron-session (Request/Response) targets.
 */
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { increment, readCount, readSession } from './bare-sessions.js';
import { ready } from './server-common.js';

// A string body, as the sess and iron-session targets answer: the bridge's fast path for all three.
const json = (body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json', ...headers } });

const fetchHandler = (request: Request): Response => {
  const { pathname } = new URL(request.url);
  if (request.method === 'POST' && pathname === '/api/counter') {
    const result = increment(readSession(request.headers.get('cookie') ?? undefined));
    return json({ count: result.count }, result.setCookie ? { 'Set-Cookie': result.setCookie } : {});
  }
  if (request.method === 'GET' && pathname === '/api/session') return json({ count: readCount(readSession(request.headers.get('cookie') ?? undefined)) });
  return new Response(null, { status: 404 });
};

const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1', createServer }, () => ready(server as never));
