/** sess on Fastify through `@sess/fastify`, over the store named by `BENCH_STORE`. */
import Fastify from 'fastify';
import { session } from '@sess/fastify';
import { benchSessions } from './sess-store.js';
import { ready } from './server-common.js';

const app = Fastify();
await app.register(session(await benchSessions()));
app.post('/api/counter', async (request) => {
  const current = request.session as unknown as { get(key: string): unknown; set(key: string, value: unknown): void };
  const count = ((current.get('count') as number | undefined) ?? 0) + 1;
  current.set('count', count);
  return { count };
});
app.get('/api/session', async (request) => ({ count: (request.session.get('count' as never) as number | undefined) ?? 0 }));
await app.listen({ port: 0, host: '127.0.0.1' });
ready(app.server);
