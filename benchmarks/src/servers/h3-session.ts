/**
 * The h3 incumbent: h3's own `useSession`, a sealed cookie (iron-webcrypto), in its default
 * configuration but for the password every target shares and a 30-minute `maxAge` (counted from the
 * session's creation, where the other libraries count idleness).
 */
import { createServer } from 'node:http';
import { createApp, createRouter, defineEventHandler, toNodeListener, useSession } from 'h3';
import { IDLE_SECONDS, listen, SECRET } from './server-common.js';

const config = { password: SECRET, maxAge: IDLE_SECONDS };

const router = createRouter()
  .post(
    '/api/counter',
    defineEventHandler(async (event) => {
      const session = await useSession<{ count?: number }>(event, config);
      const count = (session.data.count ?? 0) + 1;
      await session.update({ count });
      return { count };
    }),
  )
  .get(
    '/api/session',
    defineEventHandler(async (event) => {
      const session = await useSession<{ count?: number }>(event, config);
      return { count: session.data.count ?? 0 };
    }),
  );
listen(createServer(toNodeListener(createApp().use(router))));
