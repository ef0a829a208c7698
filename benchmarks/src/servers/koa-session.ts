/**
 * The Koa incumbent: koa-session with its signed cookie (`BENCH_STORE=cookie`, its default) or
 * with koa-redis as external store (`BENCH_STORE=redis`).
 */
import { createServer } from 'node:http';
import Koa from 'koa';
import createSession from 'koa-session';
import { countRedisCommands, IDLE_SECONDS, listen, onShutdown, redisPrefix, REDIS_URL, SECRET, storeKind } from './server-common.js';

const app = new Koa();
app.keys = [SECRET];

async function externalStore(): Promise<object | undefined> {
  if (storeKind() === 'cookie') return undefined;
  const { default: redisStore } = await import('koa-redis');
  const url = new URL(REDIS_URL);
  const store = redisStore({ host: url.hostname, port: Number(url.port || 6379), db: Number(url.pathname.slice(1) || 0) });
  const client = (store as unknown as { client: { sendCommand: never; keys(pattern: string): Promise<string[]>; del(...keys: string[]): Promise<number>; disconnect(): void } }).client;
  countRedisCommands(client);
  onShutdown(async () => {
    const keys = await client.keys(`${redisPrefix()}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });
  return store;
}

const store = await externalStore();
app.use(
  createSession(
    {
      key: 'koa.sess',
      maxAge: IDLE_SECONDS * 1000,
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      ...(store ? { store: store as never, prefix: redisPrefix() } : {}),
    },
    app,
  ),
);
app.use((context) => {
  const session = context.session as { count?: number } | null;
  if (context.method === 'POST' && context.path === '/api/counter') {
    const count = (session?.count ?? 0) + 1;
    session!.count = count;
    context.body = { count };
  } else if (context.method === 'GET' && context.path === '/api/session') {
    context.body = { count: session?.count ?? 0 };
  }
});
listen(createServer(app.callback()));
