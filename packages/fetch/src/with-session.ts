/** A fetch handler with sessions: the shape `Bun.serve`, `Deno.serve` and Workers call. */
import type { Session, SessionInterface, SessionsOptions, SessionValues } from '@sess/core';
import type { FetchSessionOptions } from './fetch-session-options.js';
import { createSessionMiddleware } from './session-middleware.js';

/**
 * Wraps a fetch handler: `withSession(sessions, (request, session) => new Response(...))` is a
 * `(request) => Promise<Response>` with the session opened before `handler` and saved after it.
 * What the runtime passes after the request (Workers' `env` and `ctx`, Bun's `server`, Deno's
 * `info`) comes after the session: `(request, session, env, ctx)`.
 *
 * The session's headers (`Set-Cookie`, `Vary`, `Cache-Control`) go on the handler's response,
 * or on a copy with the same body stream when its headers are immutable. A store failure or a
 * refused cross-site request answers `onSessionError`'s response (503 or 403 by default); an error of `handler` becomes `onError`'s answer, or is thrown on after the session was saved.
 */
export function withSession<T extends object = SessionValues, A extends unknown[] = []>(
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
  handler: (request: Request, session: Session<T>, ...args: A) => Response | Promise<Response>,
  options: FetchSessionOptions<A> = {},
): (request: Request, ...args: A) => Promise<Response> {
  const middleware = createSessionMiddleware<T, A>('withSession()', sessionsOrOptions, options);
  return (request, ...args) => middleware(request, (session) => handler(request, session, ...args), ...args);
}
