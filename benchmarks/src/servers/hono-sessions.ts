/**
 * The Hono incumbent: hono-sessions with its encrypted CookieStore (`BENCH_STORE=cookie`) or its
 * MemoryStore (`BENCH_STORE=memory`), configured as its README shows.
 */
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { CookieStore, MemoryStore, sessionMiddleware, type Session } from 'hono-sessions';
import { countingStore, HONO_SESSIONS_METHODS, IDLE_SECONDS, ready, SECRET, storeKind } from './server-common.js';

const app = new Hono<{ Variables: { session: Session<{ count: number }>; session_key_rotation: boolean } }>();
app.use(
  '*',
  sessionMiddleware({
    store: storeKind() === 'cookie' ? new CookieStore() : countingStore(new MemoryStore(), HONO_SESSIONS_METHODS),
    encryptionKey: SECRET,
    expireAfterSeconds: IDLE_SECONDS,
    cookieOptions: { sameSite: 'Lax', path: '/', httpOnly: true },
  }),
);
app.post('/api/counter', (context) => {
  const session = context.get('session');
  const count = (session.get('count') ?? 0) + 1;
  session.set('count', count);
  return context.json({ count });
});
app.get('/api/session', (context) => context.json({ count: context.get('session').get('count') ?? 0 }));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer }, () => ready(server as never));
