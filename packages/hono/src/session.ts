/**
 * Hono middleware: opens the session before the handlers run and saves it after them, writing its
 * headers onto `c.res`. Web APIs only, so it runs wherever Hono runs (Node, Bun, Deno, Workers).
 */
import {
  runSession,
  toSessionInterface,
  WebResponseHeaders,
  type Session,
  type SessionData,
  type SessionValues,
  type SessionInterface,
  type SessionRequest,
  type SessionResponse,
  type SessionsOptions,
} from '@sess/core';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * The Hono environment that types `c.get('session')`: `new Hono<SessionEnv>()`, or combined with
 * an app's own bindings as `new Hono<SessionEnv & { Bindings: MyBindings }>()`.
 */
export type SessionEnv<T extends object = SessionValues> = {
  Variables: {
    /** The session of this request, opened by `@sess/hono`'s `session()` middleware. */
    session: Session<T>;
  };
};

/** Options of the Hono middleware beyond those of `createSessions`. */
export interface SessionMiddlewareOptions {
  /**
   * The client's address, needed only when sessions are bound to it (`bindTo: { ip: true }`).
   * Hono has no portable way to read it: pass your runtime's, e.g. `(c) => getConnInfo(c).remote.address`.
   * @default undefined (no address)
   */
  ip?: (context: Context) => string | undefined;
}

/**
 * Sessions for Hono. Pass the session interface made by `createSessions`, or its options (the
 * middleware then creates one). `c.get('session')` is then available in every later handler.
 *
 * Saving happens after the handlers, before the response leaves the app, so the client's next
 * request always sees the change; a handler's error has already become `app.onError`'s response by
 * then, and the session's headers go on that response. A store failure is thrown as
 * `StoreUnavailableError`, which reaches `app.onError`. Nothing is saved for a client that went
 * away before the answer.
 */
export function session<T extends object = SessionValues>(
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
  options: SessionMiddlewareOptions = {},
): MiddlewareHandler<SessionEnv<T>> {
  const sessions = toSessionInterface(sessionsOrOptions);
  return (context, next) =>
    runSession(
      sessions,
      new HonoSessionRequest(context, options.ip),
      (opened) => {
        context.set('session', opened);
        return next();
      },
      () => new HonoSessionResponse(context),
      () => clientLeft(context),
    );
}

/**
 * Whether the client went away before the answer. On Node, from the server's response (reading the
 * request's `signal` would make node-server build a whole `Request`); elsewhere, from the signal.
 */
function clientLeft(context: Context): boolean {
  const outgoing = (context.env as { outgoing?: { destroyed?: unknown } } | undefined)?.outgoing;
  if (outgoing !== undefined) return outgoing.destroyed === true;
  return context.req.raw.signal?.aborted === true;
}

/**
 * The request as the core sees it. Getters, because the core reads `secure`, `ip` and the user
 * agent only to write a cookie or check a binding; a class, because V8 builds object literals with
 * accessors on a slow path that costs more than the work they save.
 */
class HonoSessionRequest implements SessionRequest {
  readonly cookie: string | undefined;
  readonly method: string;
  readonly #context: Context;
  readonly #ip: SessionMiddlewareOptions['ip'];

  constructor(context: Context, ip: SessionMiddlewareOptions['ip']) {
    this.#context = context;
    this.#ip = ip;
    this.cookie = context.req.header('Cookie');
    this.method = context.req.method;
  }

  get origin(): string | undefined {
    return this.#context.req.header('Origin');
  }

  get secFetchSite(): string | undefined {
    return this.#context.req.header('Sec-Fetch-Site');
  }

  /** The host of the request's URL, which also gives `secure` its scheme. */
  get host(): string {
    return new URL(this.#context.req.url).host;
  }

  get path(): string {
    return this.#context.req.path;
  }

  header(name: string): string | undefined {
    return this.#context.req.header(name);
  }

  get secure(): boolean {
    return this.#context.req.url.startsWith('https:');
  }

  get ip(): string | undefined {
    return this.#ip?.(this.#context);
  }

  get userAgent(): string | undefined {
    return this.#context.req.header('User-Agent');
  }
}

/** The response as the core sees it: the headers of `c.res`. */
class HonoSessionResponse extends WebResponseHeaders {
  readonly #context: Context;

  constructor(context: Context) {
    super(context.res);
    this.#context = context;
  }

  /**
   * Makes `c.res` the copy. Cleared first: Hono's `c.res` setter would otherwise copy the new
   * response once more and merge the old one's headers into it, which the copy already has.
   */
  protected override adopt(copy: Response): Response {
    this.#context.res = undefined;
    this.#context.res = copy;
    return copy;
  }
}
