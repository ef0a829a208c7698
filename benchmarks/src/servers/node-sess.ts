/**
 * sess on plain node:http, without an adapter: the two calls every adapter makes (`open` before the
 * handler, `save` before the response), over the store named by `BENCH_STORE` (`cookie` to compare
 * with iron-session).
 */
import { createServer } from 'node:http';
import type { SessionResponse } from '@sess/core';
import { benchSessions } from './sess-store.js';
import { listen } from './server-common.js';

const sessions = await benchSessions();

listen(
  createServer((request, response) => {
    void (async () => {
      const session = await sessions.open({ cookie: request.headers.cookie });
      let count = (session.get('count' as never) as number | undefined) ?? 0;
      let found = true;
      if (request.method === 'POST' && request.url === '/api/counter') {
        count += 1;
        session.set('count' as never, count as never);
      } else if (!(request.method === 'GET' && request.url === '/api/session')) {
        found = false;
      }
      const headers: SessionResponse = {
        getHeader: (name) => response.getHeader(name)?.toString(),
        setHeader: (name, value) => void response.setHeader(name, value),
        appendHeader: (name, value) => void response.appendHeader(name, value),
      };
      await sessions.save(session, headers);
      if (!found) {
        response.statusCode = 404;
        response.end();
        return;
      }
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ count }));
    })().catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  }),
);
