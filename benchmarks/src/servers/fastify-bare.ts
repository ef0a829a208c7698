/** Fastify with no session library: the ceiling of the Fastify targets. */
import Fastify from 'fastify';
import { increment, readCount, readSession } from './bare-sessions.js';
import { ready } from './server-common.js';

const app = Fastify();
app.post('/api/counter', async (request, reply) => {
  const result = increment(readSession(request.headers.cookie));
  if (result.setCookie) reply.header('Set-Cookie', result.setCookie);
  return { count: result.count };
});
app.get('/api/session', async (request) => ({ count: readCount(readSession(request.headers.cookie)) }));
await app.listen({ port: 0, host: '127.0.0.1' });
ready(app.server);
