/**
 * Sessions around one `Request` => `Response` step: open the session of the request, let the next
 * step answer, put the session's headers on its answer. Everything else is the core's `runSession`.
 */
import {
  CsrfError,
  LockTimeoutError,
  runSession,
  StoreUnavailableError,
  toSessionInterface,
  WebResponseHeaders,
  type Session,
  type SessionInterface,
  type SessionsOptions,
  type SessionValues,
} from '@sess/core';
import { checkFetchSessionOptions, type FetchSessionOptions } from './fetch-session-options.js';
import { FetchSessionRequest } from './fetch-session-request.js';
import { attachSession } from './get-session.js';
import { NO_RESPONSE } from './no-response.js';

/**
 * Runs `next` with the session of `request` and answers its response with the session's headers
 * on it. `args` are what the runtime passed after the request, handed to the `ip` option.
 */
export type SessionMiddleware<T extends object = SessionValues, A extends unknown[] = []> = (
  request: Request,
  next: (session: Session<T>) => Response | Promise<Response>,
  ...args: A
) => Promise<Response>;

/**
 * Sessions for a framework whose middleware receives a `Request` and a `next()` that resolves to
 * the `Response` (SvelteKit's `handle`, React Router's and Astro's middleware): see the README's
 * recipes. Pass the session interface made by `createSessions`, or its options.
 *
 * ```ts
 * const withSessions = sessionMiddleware(sessions);
 * const response = await withSessions(request, (session) => next());
 * ```
 *
 * The session is saved once `next` resolved, before the answer leaves; its headers go on that
 * response, or on a copy of it when its headers are immutable. A store failure or a refused cross-site
 * request answers `onSessionError`'s response (503 or 403 by default). An error of `next` becomes
 * `onError`'s response when that option is given; else it is thrown on after the session was saved
 * (a thrown `Response` gets the session's headers; any other error has no response to carry them).
 */
export function sessionMiddleware<T extends object = SessionValues, A extends unknown[] = []>(
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
  options: FetchSessionOptions<A> = {},
): SessionMiddleware<T, A> {
  return createSessionMiddleware('sessionMiddleware()', sessionsOrOptions, options);
}

/** `sessionMiddleware`, with the name options errors give (`withSession()` is built on it too). */
export function createSessionMiddleware<T extends object, A extends unknown[]>(
  where: string,
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
  options: FetchSessionOptions<A>,
): SessionMiddleware<T, A> {
  checkFetchSessionOptions(where, options);
  const sessions = toSessionInterface(sessionsOrOptions);
  const { ip, onError } = options;
  const onSessionError = options.onSessionError ?? ((error: SessionAnswerError) => error.getResponse());
  return async (request, next, ...args) => {
    let response: Response | undefined;
    let headers: WebResponseHeaders | undefined;
    let thrown: WebResponseHeaders | undefined;
    try {
      await runSession(
        sessions,
        new FetchSessionRequest(request, args, ip),
        async (session) => {
          attachSession(request, session);
          try {
            response = answerOf(await next(session));
          } catch (error) {
            // A lazy load that met a store failure, a CSRF token found missing at the first read:
            // answered like the same error while opening, and the session saved onto that answer.
            if (isSessionAnswer(error)) response = answerOf(await onSessionError(error, request));
            else if (onError === undefined) throw error;
            else response = answerOf(await onError(error, request));
          }
        },
        (failure) => {
          if (failure === undefined) return (headers = new WebResponseHeaders(response!));
          // A thrown `Response` (React Router's `throw redirect()`) is the answer: it gets the headers.
          if (isResponse(failure.error)) return (thrown = new WebResponseHeaders(failure.error));
          return NO_RESPONSE;
        },
        () => clientLeft(request, args),
      );
    } catch (error) {
      if (isSessionAnswer(error)) return onSessionError(error, request);
      throw thrown === undefined ? error : thrown.response;
    }
    return headers === undefined ? response! : headers.response;
  };
}

/**
 * Whether the client went away before the answer; nothing is saved for it then. Runtimes abort the
 * request's signal. Under `@hono/node-server`, which passes Node's request and response after the
 * request (`{ incoming, outgoing }`), from Node's response instead: the bridge makes the signal
 * (an `AbortController`) only when it is read, and aborts it when that response closes first.
 */
function clientLeft(request: Request, args: unknown[]): boolean {
  const bindings = args[0] as { incoming?: unknown; outgoing?: { destroyed?: unknown } } | null | undefined;
  if (typeof bindings === 'object' && bindings !== null && typeof bindings.incoming === 'object' && typeof bindings.outgoing?.destroyed === 'boolean') {
    return bindings.outgoing.destroyed;
  }
  return request.signal?.aborted === true;
}

/** The errors of sess that are an answer of their own (`getResponse()`): 503 or 403. */
type SessionAnswerError = StoreUnavailableError | LockTimeoutError | CsrfError;

function isSessionAnswer(error: unknown): error is SessionAnswerError {
  return StoreUnavailableError.isInstance(error) || LockTimeoutError.isInstance(error) || CsrfError.isInstance(error);
}

/** Whether `value` is a `Response`, also one of another realm or a runtime's own class. */
function isResponse(value: unknown): value is Response {
  return value instanceof Response || (typeof value === 'object' && value !== null && typeof (value as Response).headers?.get === 'function' && 'status' in value);
}

/** The handler's answer, refused with a `TypeError` when it is not a `Response` (a forgotten `return`). */
function answerOf(value: unknown): Response {
  if (isResponse(value)) return value;
  throw new TypeError(`[sess] the handler wrapped by @sess/fetch resolved to ${value === null ? 'null' : typeof value}, not a Response`);
}
