// A fetch handler with sessions, built from the package's dist, for the runtime smoke tests (Bun,
// Deno, workerd). A MemoryStore at module scope: it starts no timer before the first write, as
// Workers require.
import { createSessions, MemoryStore } from '@sess/core';
import { getSession, withSession } from '../../dist/index.js';

export const store = new MemoryStore();

export const fetchHandler = withSession(createSessions({ store, secret: 'a test secret that is long enough to sign cookies' }), (request, session) => {
  const { pathname } = new URL(request.url);
  if (pathname === '/redirect') {
    session.set('redirected', true);
    // Response.redirect() has immutable headers: the adapter must copy it to add its own.
    return Response.redirect('https://example.com/', 302);
  }
  if (pathname === '/json') {
    getSession(request).set('json', true);
    return Response.json({ ok: true });
  }
  if (pathname === '/stream') {
    session.set('streamed', true);
    const encoder = new TextEncoder();
    return new Response(
      new ReadableStream({
        start(controller) {
          for (const part of ['a', 'b', 'c']) controller.enqueue(encoder.encode(part));
          controller.close();
        },
      }),
    );
  }
  const count = (session.get('count') ?? 0) + 1;
  session.set('count', count);
  return new Response(String(count));
});
