/** The session of a `Request`, for code that has the request but not the session. */
import { SessionConfigError, type Session, type SessionValues } from '@sess/core';

/**
 * Where the open session of a request is kept: a property of the `Request` object under a symbol of
 * this module (a module of its own, so that `withSession` and `sessionMiddleware` share it), so that
 * a request and its session go away together. Not a `WeakMap`: on Node, an entry per request made
 * the young-generation garbage collector copy every request's objects it reached (10–40k
 * instructions per request, varying from run to run).
 */
const SESSION = Symbol('@sess/fetch session');

/** The sessions of requests that take no property (a frozen or sealed `Request`). */
const sessionsByRequest = new WeakMap<Request, unknown>();

type WithSession = Request & { [SESSION]?: unknown };

/** Records `session` as the session of `request` (called by the adapter before the handler runs). */
export function attachSession(request: Request, session: unknown): void {
  if (Object.isExtensible(request)) (request as WithSession)[SESSION] = session;
  else sessionsByRequest.set(request, session);
}

/**
 * The session of `request`, opened by `withSession` or `sessionMiddleware` for this very `Request`
 * object. `T` is your session data (by default what you declared in `SessionData`); it is not
 * checked against the sessions that opened it, so pass the same type you gave `createSessions`.
 *
 * Throws `SessionConfigError` for a request whose handler is not wrapped, or for another `Request`
 * object (a `new Request(request)` or `request.clone()` has no session).
 */
export function getSession<T extends object = SessionValues>(request: Request): Session<T> {
  const session = (request as WithSession)[SESSION] ?? sessionsByRequest.get(request);
  if (session === undefined) {
    throw new SessionConfigError(
      'getSession(request) found no session for this request: wrap its handler with withSession() or sessionMiddleware(), and pass the Request object they were given (a clone has no session)',
    );
  }
  return session as Session<T>;
}
