/**
 * Every request of `@sess/adapter-test-suite`, whatever its path: the Route Handler finds the app
 * the test's server named (see src/testing/suite-apps.ts) and serves that app's routes through
 * `nextSessions(…).route()`, as a user's Route Handler does.
 */
import { nextSessions } from '@sess/next';
import type { NextRequest } from 'next/server';
import { SUITE_APP_HEADER, suiteApps, type SuiteApp } from '../../../src/testing/suite-apps';

// Never prerendered or cached: every answer depends on the request's session.
export const dynamic = 'force-dynamic';

type Handler = (request: NextRequest, context: unknown) => Promise<Response>;

/** Each app's handler, made once per app as a user makes `nextSessions()` once per app. */
const handlers = new WeakMap<SuiteApp, Handler>();

const text = (body: string, status = 200) => new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

function handlerOf(app: SuiteApp): Handler {
  const known = handlers.get(app);
  if (known !== undefined) return known;
  const { list, onError } = app.routes;
  /** The app's error handling: what the suite's error handler answers, as plain text. */
  const answerError = (error: unknown) => {
    const { status, body } = onError(error);
    return text(body, status);
  };
  // A refused request or an unavailable store: the adapter's own hook for those answers.
  const sessions = nextSessions(app.sessionsOrOptions, { failureResponse: answerError });
  const route = sessions.route(async (session, request) => {
    const found = list.find((candidate) => candidate.method === request.method && candidate.path === request.nextUrl.pathname);
    return found === undefined ? text('not found', 404) : text(await found.handle(session));
  });
  const handler: Handler = async (request, context) => {
    try {
      return await route(request, context);
    } catch (error) {
      // Any other error of a Route Handler only reaches Next's bare 500: the app answers it itself.
      return answerError(error);
    }
  };
  handlers.set(app, handler);
  return handler;
}

async function dispatch(request: NextRequest, context: unknown): Promise<Response> {
  const app = suiteApps().get(request.headers.get(SUITE_APP_HEADER) ?? '');
  return app === undefined ? text('no such app', 404) : handlerOf(app)(request, context);
}

export const GET = dispatch;
export const POST = dispatch;
