/** sess on h3 1 (node:http, `toNodeListener`) through `@sess/h3`, over the store named by `BENCH_STORE`. */
import { createServer } from 'node:http';
import { createApp, createRouter, toNodeListener } from 'h3';
import { createSessionHandler } from '@sess/h3';
import { benchSessions } from './sess-store.js';
import { listen } from './server-common.js';

const defineSessionHandler = createSessionHandler<{ count: number }>(await benchSessions());
const router = createRouter()
  .post(
    '/api/counter',
    defineSessionHandler((event) => {
      const count = (event.context.session.get('count') ?? 0) + 1;
      event.context.session.set('count', count);
      return { count };
    }),
  )
  .get(
    '/api/session',
    defineSessionHandler((event) => ({ count: event.context.session.get('count') ?? 0 })),
  );
listen(createServer(toNodeListener(createApp().use(router))));
