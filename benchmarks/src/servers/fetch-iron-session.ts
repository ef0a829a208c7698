/**
 * The incumbent of sealed cookie sessions on Web Request/Response: iron-session's `getIronSession(request,
 * response)` in a fetch handler, on node:http through `@hono/node-server`'s bridge.
 */
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { getIronSession } from 'iron-session';
import { IDLE_SECONDS, ready, SECRET } from './server-common.js';

const options = { password: SECRET, cookieName: 'iron', ttl: IDLE_SECONDS, cookieOptions: { httpOnly: true, sameSite: 'lax' as const, secure: false } };

const fetchHandler = async (request: Request): Promise<Response> => {
  // iron-session writes its Set-Cookie on the headers of the response it is given: the answer takes them over.
  const cookies = new Response();
  const session = await getIronSession<{ count?: number }>(request, cookies, options);
  const { pathname } = new URL(request.url);
  if (request.method === 'POST' && pathname === '/api/counter') {
    session.count = (session.count ?? 0) + 1;
    await session.save();
  } else if (!(request.method === 'GET' && pathname === '/api/session')) {
    return new Response(null, { status: 404 });
  }
  const headers = new Headers(cookies.headers);
  headers.set('Content-Type', 'application/json');
  return new Response(JSON.stringify({ count: session.count ?? 0 }), { headers });
};

const server = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1', createServer }, () => ready(server as never));
