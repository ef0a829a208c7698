/** Plain node:http with no session library: the ceiling of the iron-session comparison. */
import { createServer } from 'node:http';
import { increment, readCount, readSession } from './bare-sessions.js';
import { listen } from './server-common.js';

listen(
  createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/api/counter') {
      const result = increment(readSession(request.headers.cookie));
      if (result.setCookie) response.setHeader('Set-Cookie', result.setCookie);
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ count: result.count }));
    } else if (request.method === 'GET' && request.url === '/api/session') {
      response.setHeader('Content-Type', 'application/json');
      response.end(JSON.stringify({ count: readCount(readSession(request.headers.cookie)) }));
    } else {
      response.statusCode = 404;
      response.end();
    }
  }),
);
