// A Hono app with sessions, built from the package's dist, for the runtime smoke tests (Bun, Deno,
// workerd). A MemoryStore at module scope: it starts no timer before the first write, as Workers require.
import { createSessions, MemoryStore } from '@sess/core';
import { Hono } from 'hono';
import { session } from '../../dist/index.js';

export const store = new MemoryStore();
export const app = new Hono();
app.use(session(createSessions({ store, secret: 'a test secret that is long enough to sign cookies' })));
app.get('/count', (c) => {
  const current = c.get('session');
  const count = (current.get('count') ?? 0) + 1;
  current.set('count', count);
  return c.text(String(count));
});
app.get('/redirect', (c) => {
  c.get('session').set('redirected', true);
  // Response.redirect() has immutable headers: the middleware must copy it to add its own.
  return Response.redirect('https://example.com/', 302);
});
