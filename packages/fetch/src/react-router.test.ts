/**
 * The README's React Router recipe inside React Router's own middleware pipeline: data mode's
 * `createStaticHandler`, the same `middleware` and `next()` a framework-mode server runs.
 */
import { MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import { createSessions, type Session } from '@sess/core';
import { createContext, createStaticHandler, redirect, RouterContextProvider, type LoaderFunctionArgs, type MiddlewareFunction } from 'react-router';
import { describe, expect, it } from 'vitest';
import { sessionMiddleware } from './index.js';

const sessionContext = createContext<Session>();

const withSession = sessionMiddleware(createSessions({ store: new MapStore(), secret: TEST_SECRET }));

// The recipe's middleware, as the README shows it.
const middleware: MiddlewareFunction<Response>[] = [
  ({ request, context }, next) =>
    withSession(request, (session) => {
      context.set(sessionContext, session);
      return next();
    }),
];

const handler = createStaticHandler([
  {
    id: 'root',
    path: '/',
    // Data mode types `next()` as resolving to `unknown`; framework mode, the recipe's, to a Response.
    middleware: middleware as MiddlewareFunction[],
    children: [
      {
        id: 'views',
        path: 'views',
        loader: ({ context }: LoaderFunctionArgs) => {
          const session = context.get(sessionContext);
          const views = Number(session.get('views') ?? 0) + 1;
          session.set('views', views);
          return Response.json({ views });
        },
      },
      {
        id: 'private',
        path: 'private',
        loader: ({ context }: LoaderFunctionArgs) => {
          context.get(sessionContext).set('wanted', '/private');
          throw redirect('/login');
        },
      },
    ],
  },
]);

/** One request of a route's data through React Router's pipeline, as its server runs it. */
function load(path: string, routeId: string, cookie = ''): Promise<Response> {
  const request = new Request(`http://app.test${path}`, { headers: { cookie } });
  return handler.queryRoute(request, {
    routeId,
    requestContext: new RouterContextProvider(),
    generateMiddlewareResponse: (queryRoute) => queryRoute(request),
  }) as Promise<Response>;
}

describe('the React Router recipe', () => {
  it("keeps a count across requests: the session's cookie is on the response React Router answers", async () => {
    const first = await load('/views', 'views');
    expect(await first.json()).toEqual({ views: 1 });
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
    expect(cookie).toMatch(/^sid=/);
    expect(await (await load('/views', 'views', cookie)).json()).toEqual({ views: 2 });
  });

  it("puts the session's cookie on a redirect a loader throws", async () => {
    const response = await load('/private', 'private');
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/login');
    expect(response.headers.getSetCookie()[0]).toMatch(/^sid=/);
  });
});
