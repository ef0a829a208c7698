/**
 * The app of the adapter test suite as a plain fetch handler wrapped by `withSession`, served on
 * Node through `@hono/node-server`'s bridge (either major): the suite's routes, and the route of
 * this package's own tests (every kind of response, immutable and streamed ones included).
 */
import { listen, type ServeAdapter, type TestAnswer } from '@sess/adapter-test-suite';
import type { Session, SessionValues } from '@sess/core';
import { expectTypeOf } from 'vitest';
import { getSession, withSession } from '../index.js';
import type { NodeServer } from '@sess/test-servers/node-servers';

// The typing recipe of the README: every session of the app knows these keys.
declare module '@sess/core' {
  interface SessionData {
    count: number;
    seen: boolean;
  }
}

const text = ({ status, body }: TestAnswer) => new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

/** A body streamed in three parts, the last after a pause: it must reach the client as it is written. */
export function streamed(parts: readonly string[], pauseMs = 0): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async start(controller) {
      for (const [index, part] of parts.entries()) {
        if (index === parts.length - 1 && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        controller.enqueue(encoder.encode(part));
      }
      controller.close();
    },
  });
}

/** Answers `/answer` in the way `via` names, after counting one more in the session. */
async function answer(request: Request, session: Session<SessionValues>, base: string): Promise<Response> {
  expectTypeOf(session.get('count')).toEqualTypeOf<number | undefined>();
  expectTypeOf(getSession(request)).toEqualTypeOf<Session<SessionValues>>();
  const count = (getSession(request).get('count') ?? 0) + 1;
  session.set('count', count);
  switch (new URL(request.url).searchParams.get('via')) {
    case 'json':
      return Response.json({ count });
    case 'redirect':
      // Response.redirect() has immutable headers.
      return Response.redirect(`${base}/read`, 302);
    case 'fetched':
      // So has a response passed through from fetch().
      return fetch(`${base}/untouched`);
    case 'gated':
      return new Response(gatedStream(String(count)), { headers: { 'Content-Type': 'text/plain' } });
    default:
      return new Response(streamed([String(count), '-', 'done'], 200), { headers: { 'Content-Type': 'text/plain' } });
  }
}

let openGate: () => void = () => {};

/** Lets the body of the last `/answer?via=gated` response finish. */
export function releaseGatedBody(): void {
  openGate();
}

/**
 * A body whose end waits for {@link releaseGatedBody}: a client reads its first part only if the
 * body is streamed through, not buffered before the answer.
 */
function gatedStream(first: string): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(encoder.encode(`${first}-`));
      await gate;
      controller.enqueue(encoder.encode('done'));
      controller.close();
    },
  });
}

/** A `serve` for `testAdapter` and `fuzzAdapter`, serving through `nodeServer`. */
export const serveFetchOn = (nodeServer: NodeServer): ServeAdapter => async (sessionsOrOptions, routes) => {
  let base = '';
  const handler = withSession(
    sessionsOrOptions,
    async (request, session) => {
      const { pathname } = new URL(request.url);
      if (pathname === '/answer') return answer(request, session, base);
      const route = routes.list.find((candidate) => candidate.path === pathname && candidate.method === request.method);
      if (route === undefined) return new Response('not found', { status: 404 });
      return new Response(await route.handle(session));
    },
    { onSessionError: (error) => text(routes.onError(error)), onError: (error) => text(routes.onError(error)) },
  );
  const server = await listen(nodeServer.getRequestListener(handler));
  base = server.url;
  return server;
};
