/**
 * The Express incumbent: express-session with its MemoryStore (`BENCH_STORE=memory`) or with
 * connect-redis on ioredis (`BENCH_STORE=redis`), configured as its README recommends.
 */
import { createServer } from 'node:http';
import express from 'express';
import expressSession from 'express-session';
import { countingStore, countRedisCommands, IDLE_SECONDS, listen, onShutdown, redisPrefix, REDIS_URL, SECRET, storeKind } from './server-common.js';

/** `req.session` of express-session (typed by hand: @sess/express types the same property in this program). */
type IncumbentRequest = { session: { count?: number } };

async function createStore(): Promise<expressSession.Store> {
  if (storeKind() === 'memory') return countingStore(new expressSession.MemoryStore());
  const { Redis } = await import('ioredis');
  const { RedisStore } = await import('connect-redis');
  const client = new Redis(REDIS_URL);
  countRedisCommands(client as never);
  const prefix = redisPrefix();
  onShutdown(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });
  return new RedisStore({ client, prefix });
}

const app = express();
app.use(
  expressSession({
    store: await createStore(),
    secret: SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { maxAge: IDLE_SECONDS * 1000, httpOnly: true, sameSite: 'lax' },
  }),
);
app.post('/api/counter', (request, response) => {
  const session = (request as unknown as IncumbentRequest).session;
  session.count = (session.count ?? 0) + 1;
  response.json({ count: session.count });
});
app.get('/api/session', (request, response) => {
  response.json({ count: (request as unknown as IncumbentRequest).session.count ?? 0 });
});
listen(createServer(app));
