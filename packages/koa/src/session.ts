/**
 * Koa 2 and 3 middleware: opens the session before the downstream middleware runs and saves it
 * after they are done, before Koa sends the response.
 */
import {
  guardSessionProperty,
  runSession,
  sessionProperty,
  setSessionProperty,
  toSessionInterface,
  type Session,
  type SessionData,
  type SessionValues,
  type SessionInterface,
  type SessionRequest,
  type SessionResponse,
  type SessionsOptions,
} from '@sess/core';
import type { ExtendableContext, Middleware } from 'koa';

declare module 'koa' {
  // ExtendableContext is part of every context type, also an app's own `Koa<State, Context>`,
  // and exists under the same name in @types/koa 2 and 3.
  interface ExtendableContext {
    /** The session of this request, opened by `@sess/koa`'s `session()` middleware. */
    session: Session<SessionValues>;
  }
}

/**
 * The Koa middleware returned by {@link session}. `T` is the app's session data, for apps that type
 * it per app rather than globally.
 */
export interface SessionMiddleware<T extends object = SessionValues> extends Middleware {
  /**
   * The session of `ctx`, typed with this middleware's data `T` (per-app typing: the counterpart of
   * Hono's `SessionEnv<T>`). Throws `SessionConfigError` saying what to do when the middleware did
   * not run for `ctx` (a middleware registered before `app.use(session(…))`).
   */
  of(context: ExtendableContext): Session<T>;
}

const WHERE = 'ctx.session';
const MOUNT = 'app.use(session(…))';

/**
 * Sessions for Koa 2 and 3. Pass the session interface made by `createSessions`, or its options (the
 * middleware then creates one). `ctx.session` is then available in every later middleware.
 *
 * Saving happens when the downstream middleware have finished, before Koa writes the response, so
 * the client's next request always sees the change; it also happens when they threw, and the
 * session's headers then ride on the error (`error.headers`), which Koa's default error handling
 * puts on its error response after clearing every other header. A store failure is thrown as
 * `StoreUnavailableError` for Koa's error handling to answer. Nothing is saved for a client that
 * went away before the answer.
 */
export function session<T extends object = SessionValues>(sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>): SessionMiddleware<T> {
  const sessions = toSessionInterface(sessionsOrOptions) as unknown as SessionInterface<SessionValues>;
  const middleware: Middleware = (context, next) => {
    guardMissingSession(context);
    return runSession<SessionValues, void>(
      sessions,
      new KoaSessionRequest(context),
      (opened) => {
        setSessionProperty(context, 'session', opened);
        return next();
      },
      (failure) => new KoaSessionResponse(context, failure),
      () => context.res.destroyed,
    ).catch((error: unknown) => {
      // The middleware did run: an upstream error handler that looks at `ctx.session` after a
      // failed open finds nothing, as a check such as `if (ctx.session)` expects, not the guard's error.
      if (!Object.prototype.hasOwnProperty.call(context, 'session')) setSessionProperty(context, 'session', undefined);
      throw error;
    });
  };
  return Object.assign(middleware, { of: (context: ExtendableContext) => sessionProperty<T>(context, 'session', WHERE, MOUNT) });
}

/**
 * From the first request on, a middleware of this app that reads `ctx.session` without the session
 * middleware having run before it gets an error that says what to do, not `undefined`. Koa makes
 * each context from the app's own `app.context`: the guard goes there and nowhere else.
 */
function guardMissingSession(context: ExtendableContext): void {
  const prototype = Object.getPrototypeOf(context) as object;
  if (prototype === (context as { app?: { context?: unknown } }).app?.context) guardSessionProperty(prototype, 'session', WHERE, MOUNT);
}

/**
 * The request as the core sees it. Getters, because Koa derives `secure` and `ip` from headers and
 * proxy settings, work the core rarely needs; a class, because V8 builds object literals with
 * accessors on a slow path that costs more than the work they save.
 */
class KoaSessionRequest implements SessionRequest {
  readonly cookie: string | undefined;
  readonly method: string;
  readonly #context: ExtendableContext;

  constructor(context: ExtendableContext) {
    this.#context = context;
    // Node's own request, as `ctx.get('Cookie')` and `ctx.method` read it, without their lookups.
    const req = context.req;
    this.cookie = req.headers.cookie || undefined;
    this.method = req.method!;
  }

  get origin(): string | undefined {
    return this.#context.req.headers.origin || undefined;
  }

  get secFetchSite(): string | undefined {
    const value = this.#context.req.headers['sec-fetch-site'];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** Koa's `ctx.host`: `X-Forwarded-Host` when `app.proxy` trusts it, as for `ctx.secure`, else `Host`. */
  get host(): string {
    return this.#context.host;
  }

  get path(): string {
    const url = this.#context.originalUrl;
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }

  header(name: string): string | undefined {
    return this.#context.get(name) || undefined;
  }

  /** A body parser mounted before the session middleware has filled it in. */
  get body(): unknown {
    return (this.#context.request as { body?: unknown }).body;
  }

  get secure(): boolean {
    return this.#context.secure;
  }

  get ip(): string {
    return this.#context.ip;
  }

  get userAgent(): string | undefined {
    return this.#context.req.headers['user-agent'] || undefined;
  }
}

/**
 * The response as the core sees it: its headers. After a failed handler they are also copied onto
 * the error's `headers`, the only headers Koa's default error handling keeps.
 */
class KoaSessionResponse implements SessionResponse {
  readonly #context: ExtendableContext;
  readonly #errorHeaders: Record<string, string | string[]> | undefined;

  constructor(context: ExtendableContext, failure?: { error: unknown }) {
    this.#context = context;
    this.#errorHeaders = failure === undefined ? undefined : headersOf(failure.error);
  }

  // Node's response directly, as Koa's `ctx.response.get` / `ctx.set` / `ctx.append` do for one
  // string value (nothing once the headers are sent), without the arrays Koa 3 builds per call.
  getHeader(name: string): string | undefined {
    const value: unknown = this.#context.res.getHeader(name);
    if (value === undefined || value === '') return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  setHeader(name: string, value: string): void {
    const res = this.#context.res;
    if (!res.headersSent) res.setHeader(name, value);
    if (this.#errorHeaders !== undefined) this.#errorHeaders[name] = value;
  }

  appendHeader(name: string, value: string): void {
    const res = this.#context.res;
    if (!res.headersSent) {
      const previous = res.getHeader(name);
      res.setHeader(name, previous ? (Array.isArray(previous) ? [...previous, value] : [String(previous), value]) : value);
    }
    const headers = this.#errorHeaders;
    if (headers === undefined) return;
    const current = headers[name];
    headers[name] = current === undefined ? [value] : [...(Array.isArray(current) ? current : [current]), value];
  }
}

/** The `headers` object of a thrown error, created when missing; `undefined` for what cannot carry one. */
function headersOf(error: unknown): Record<string, string | string[]> | undefined {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return undefined;
  const carrier = error as { headers?: unknown };
  if (carrier.headers === undefined) carrier.headers = {};
  return typeof carrier.headers === 'object' && carrier.headers !== null ? (carrier.headers as Record<string, string | string[]>) : undefined;
}
