/** The incumbent of sealed cookie sessions: iron-session on plain node:http. */
import { createServer } from 'node:http';
import { getIronSession } from 'iron-session';
import { IDLE_SECONDS, listen, SECRET } from './server-common.js';

const options = { password: SECRET, cookieName: 'iron', ttl: IDLE_SECONDS, cookieOptions: { httpOnly: true, sameSite: 'lax' as const, secure: false } };

listen(
  createServer((request, response) => {
    void (async () => {
      const session = await getIronSession<{ count?: number }>(request, response, options);
      if (request.method === 'POST' && request.url === '/api/counter') {
        session.count = (session.count ?? 0) + 1;
        await session.save();
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ count: session.count }));
      } else if (request.method === 'GET' && request.url === '/api/session') {
        response.setHeader('Content-Type', 'application/json');
        response.end(JSON.stringify({ count: session.count ?? 0 }));
      } else {
        response.statusCode = 404;
        response.end();
      }
    })().catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  }),
);
