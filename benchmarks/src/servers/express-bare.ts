/** Express with no session library: the ceiling of the Express targets. */
import { createServer } from 'node:http';
import express from 'express';
import { increment, readCount, readSession } from './bare-sessions.js';
import { listen } from './server-common.js';

const app = express();
app.post('/api/counter', (request, response) => {
  const result = increment(readSession(request.headers.cookie));
  if (result.setCookie) response.setHeader('Set-Cookie', result.setCookie);
  response.json({ count: result.count });
});
app.get('/api/session', (request, response) => {
  response.json({ count: readCount(readSession(request.headers.cookie)) });
});
listen(createServer(app));
