/**
 * Sessions for the Next.js App Router: one object per app whose methods wrap Route Handlers,
 * Server Actions and the proxy (each opens the session, runs, and saves it through the core's one
 * request lifecycle), and read the session in Server Components, where Next forbids writing.
 */
import {
  CsrfError,
  LockTimeoutError,
  SessionRun,
  StoreUnavailableError,
  toSessionInterface,
  WebResponseHeaders,
  type Session,
  type SessionInterface,
  type SessionsOptions,
  type SessionValues,
} from '@sess/core';
import { cookies, headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { cache } from 'react';
import { CookieStoreResponse, NextSessionRequest, type AddressOf } from './next-session-io.js';
import { ReadonlySession } from './readonly-session.js';

/** Options of {@link nextSessions} beyond those of `createSessions`. */
export interface NextSessionsOptions {
  /**
   * The client's address, needed only when sessions are bound to it (`bindTo: { ip: true }`), from
   * the request headers, e.g. `(headers) => headers.get('x-real-ip') ?? undefined` behind your proxy.
   * @default undefined (no address: Next passes the client's own `X-Forwarded-For` on)
   */
  ip?: AddressOf;
  /**
   * The answer of a Route Handler or proxy when the session refuses the request or cannot be kept:
   * `StoreUnavailableError` (503), `LockTimeoutError` (503, with `locking`), `CsrfError` (403, a
   * cross-site request or a missing CSRF token).
   * @default the error's own `getResponse()`: its status and sess's message, which says nothing about the store or the request
   */
  failureResponse?: (error: SessionFailure, request: Request) => Response | Promise<Response>;
}

/** The errors a Route Handler or proxy answers through `failureResponse`. */
export type SessionFailure = StoreUnavailableError | LockTimeoutError | CsrfError;

/** A Route Handler with the session first: `(session, request, context) => Response`. */
export type SessionRouteHandler<T extends object, Context> = (
  session: Session<T>,
  request: NextRequest,
  context: Context,
) => Response | Promise<Response>;

/** A proxy (`proxy.ts`, formerly `middleware.ts`) with the session first; no answer means `NextResponse.next()`. */
export type SessionProxy<T extends object> = (
  session: Session<T>,
  request: NextRequest,
  event: NextFetchEvent,
) => Response | void | undefined | Promise<Response | void | undefined>;

/** What {@link nextSessions} returns: the session in each place of an App Router app. */
export interface NextSessions<T extends object = SessionValues> {
  /**
   * Wraps a Route Handler: `export const POST = sessions.route(async (session, request) => …)`.
   * The session is saved when the handler's promise settles, before Next sends its response (also
   * after `redirect()` or `notFound()`, and after a failure).
   */
  route<Context = unknown>(handler: SessionRouteHandler<T, Context>): (request: NextRequest, context: Context) => Promise<Response>;
  /**
   * Wraps a Server Action: `export const addItem = sessions.action(async (session, form: FormData) => …)`
   * in a `'use server'` file. Saved when the action's promise settles (also after `redirect()`).
   */
  action<Args extends unknown[], Result>(action: (session: Session<T>, ...args: Args) => Promise<Result>): (...args: Args) => Promise<Result>;
  /**
   * The session of the request being rendered, read-only, for Server Components: Next forbids
   * setting cookies while rendering, so no change could be saved, and none can be made. Read once
   * per request however many components ask. Reading here does not extend the idle deadline.
   */
  read(): Promise<ReadonlySession<T>>;
  /**
   * Wraps the proxy (`proxy.ts`): `export const proxy = sessions.proxy(async (session, request) => …)`.
   * The session's headers go on the response it returns (`NextResponse.next()` when none).
   */
  proxy(handler: SessionProxy<T>): (request: NextRequest, event: NextFetchEvent) => Promise<Response>;
  /** The session interface underneath (for `ping()` in a health check, `destroyAll`, `close`). */
  readonly sessions: SessionInterface<T>;
}

/**
 * Sessions for the Next.js App Router (Next 16). Pass the session interface made by
 * `createSessions`, or its options (one is then created here); create it once per app, in a module
 * of its own, and import it where the session is needed.
 */
export function nextSessions<T extends object = SessionValues>(
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
  options: NextSessionsOptions = {},
): NextSessions<T> {
  const sessions = toSessionInterface(sessionsOrOptions);
  const failureResponse = options.failureResponse ?? ((error) => error.getResponse());

  /**
   * Opens the session of the current request (Route Handler or Server Action) and runs `work` with
   * it. `request` is the Route Handler's; a Server Action has none (it is always a `POST`).
   */
  async function withCookies<R>(
    work: (session: Session<T>) => Promise<R>,
    request?: NextRequest,
  ): Promise<{ result: R; saved: CookieStoreResponse }> {
    const cookieStore = await cookies();
    const sessionRequest = new NextSessionRequest(await headers(), options.ip, request?.method ?? 'POST', request?.nextUrl.pathname);
    const abandoned = request === undefined ? undefined : () => request.signal.aborted;
    const run = await SessionRun.open(sessions, sessionRequest, abandoned);
    let result: R;
    try {
      result = await work(run.session);
    } catch (error) {
      const response = new CookieStoreResponse(cookieStore);
      // `redirect()` and `notFound()` end a handler by throwing: they are answers, saved as such.
      if (isNextControlFlow(error)) await run.save(response);
      else await run.saveAfterFailure(response);
      throw error;
    }
    const response = new CookieStoreResponse(cookieStore, result instanceof Response ? result.headers : undefined);
    await run.save(response);
    return { result, saved: response };
  }

  return {
    sessions,
    route<Context>(handler: SessionRouteHandler<T, Context>) {
      return async (request: NextRequest, context: Context) => {
        try {
          const { result, saved } = await withCookies(async (session) => handler(session, request, context), request);
          return withHeaders(result, saved.headers);
        } catch (error) {
          if (isSessionFailure(error)) return failureResponse(error, request);
          throw error;
        }
      };
    },
    action<Args extends unknown[], Result>(action: (session: Session<T>, ...args: Args) => Promise<Result>) {
      return async (...args: Args) => (await withCookies((session) => action(session, ...args))).result;
    },
    read: cache(async () => {
      // Rendering is a GET: the CSRF checks have nothing to guard.
      const session = await sessions.open(new NextSessionRequest(await headers(), options.ip, 'GET', undefined));
      try {
        await session.load();
      } finally {
        // Never saved: the lock (with `locking`) goes back at once.
        await sessions.release(session);
      }
      return new ReadonlySession(session);
    }),
    proxy(handler: SessionProxy<T>) {
      return async (request: NextRequest, event: NextFetchEvent) => {
        try {
          const sessionRequest = new NextSessionRequest(request.headers, options.ip, request.method, request.nextUrl.pathname);
          const run = await SessionRun.open(sessions, sessionRequest, () => request.signal.aborted);
          let answer: Response;
          try {
            answer = (await handler(run.session, request, event)) ?? NextResponse.next();
          } catch (error) {
            run.abandon();
            throw error;
          }
          const response = new WebResponseHeaders(answer);
          await run.save(response);
          return response.response;
        } catch (error) {
          if (isSessionFailure(error)) return failureResponse(error, request);
          throw error;
        }
      };
    },
  };
}

/** Whether `error` is one of Next's own throws (`redirect()`, `notFound()`, a dynamic bail-out). */
function isNextControlFlow(error: unknown): boolean {
  try {
    unstable_rethrow(error);
  } catch {
    return true;
  }
  return false;
}

/** `response` with the session's headers (`Vary`, `Cache-Control`) merged in; copied when immutable. */
function withHeaders(response: Response, sessionHeaders: Map<string, string>): Response {
  if (sessionHeaders.size === 0) return response;
  let target = response;
  for (const [name, value] of sessionHeaders) {
    try {
      target.headers.set(name, value);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      target = new Response(target.body, target);
      target.headers.set(name, value);
    }
  }
  return target;
}

/** Whether `error` is one the session answers itself (a store down, a lock not had, a forged request). */
function isSessionFailure(error: unknown): error is SessionFailure {
  return StoreUnavailableError.isInstance(error) || LockTimeoutError.isInstance(error) || CsrfError.isInstance(error);
}
