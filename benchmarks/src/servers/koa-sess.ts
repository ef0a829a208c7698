/** sess on Koa through `@sess/koa`, over the store named by `BENCH_STORE`. */
import { createServer } from 'node:http';
import Koa from 'koa';
import { session } from '@sess/koa';
import { benchSessions } from './sess-store.js';
import { listen } from './server-common.js';

const app = new Koa();
app.use(session(await benchSessions()));
app.use((context) => {
  const current = context.session as unknown as { get(key: string): unknown; set(key: string, value: unknown): void };
  if (context.method === 'POST' && context.path === '/api/counter') {
    const count = ((current.get('count') as number | undefined) ?? 0) + 1;
    current.set('count', count);
    context.body = { count };
  } else if (context.method === 'GET' && context.path === '/api/session') {
    context.body = { count: (current.get('count') as number | undefined) ?? 0 };
  }
});
listen(createServer(app.callback()));
