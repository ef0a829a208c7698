/**
 * The Fastify incumbent: @fastify/session with @fastify/cookie and its in-memory store, configured
 * as its README shows, at its fastest: no saving of uninitialized sessions, and `rolling: false`, so
 * that a read does not rewrite the session and its cookie (its default does, on every request).
 */
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import Fastify from 'fastify';
import { countingStore, IDLE_SECONDS, ready, SECRET } from './server-common.js';

/** The session of @fastify/session (typed by hand: @sess/fastify types `request.session` in this program). */
type IncumbentSession = { get(key: 'count'): number | undefined; set(key: 'count', value: number): void };

/** @fastify/session's default store, the one it uses when given none, counted like the other stores. */
const { MemoryStore } = fastifySession as unknown as { MemoryStore: new () => object };

const app = Fastify();
await app.register(fastifyCookie);
await app.register(fastifySession, {
  secret: SECRET,
  store: countingStore(new MemoryStore()) as never,
  saveUninitialized: false,
  rolling: false,
  cookie: { maxAge: IDLE_SECONDS * 1000, httpOnly: true, sameSite: 'lax', secure: false, path: '/' },
});
app.post('/api/counter', async (request) => {
  const session = request.session as unknown as IncumbentSession;
  const count = (session.get('count') ?? 0) + 1;
  session.set('count', count);
  return { count };
});
app.get('/api/session', async (request) => ({ count: (request.session as unknown as IncumbentSession).get('count') ?? 0 }));
await app.listen({ port: 0, host: '127.0.0.1' });
ready(app.server);
