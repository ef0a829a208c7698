/**
 * Express 4 and 5 middleware: opens the session before the route runs and saves it when the route
 * starts its response, holding the response back until the store has the change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  guardSessionProperty,
  SessionConfigError,
  SessionRun,
  sessionProperty,
  setSessionProperty,
  toSessionInterface,
  type Session,
  type SessionData,
  type SessionValues,
  type SessionInterface,
  type SessionRequest,
  type SessionsOptions,
} from '@sess/core';
import { interceptOn, reportHeldAsSent, ResponseHold } from './response-hold.js';

declare global {
  // Express's own request type lives in this global namespace; merging into it types `req.session`
  // in every handler without any import.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The session of this request, opened by `@sess/express`'s `session()` middleware. */
      session: Session<SessionValues>;
    }
  }
}

/**
 * The Express middleware returned by {@link session}; typed on Node's own request and response.
 * `T` is the app's session data, for apps that type it per app rather than globally.
 */
export interface SessionMiddleware<T extends object = SessionValues> {
  (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void;
  /**
   * The session of `request`, typed with this middleware's data `T` (per-app typing: the
   * counterpart of Hono's `SessionEnv<T>`). Throws `SessionConfigError` saying what to do when the
   * middleware did not run for `request` (a route registered before `app.use(session(…))`).
   */
  of(request: IncomingMessage): Session<T>;
}

const WHERE = 'req.session';
const MOUNT = 'app.use(session(…))';

/** What Express adds to Node's request that the middleware reads and writes. */
interface ExpressRequest extends IncomingMessage {
  ip?: string;
  secure?: boolean;
  originalUrl?: string;
  body?: unknown;
  app?: { get(setting: string): unknown };
  session?: Session<SessionValues>;
}

const WRITES = ['writeHead', 'write', 'end'] as const;
const HEADER_CHANGES = ['setHeader', 'appendHeader', 'removeHeader'] as const;

/**
 * Sessions for Express 4 and 5. Pass the session interface made by `createSessions`, or its options
 * (the middleware then creates one). `req.session` is then available in every later handler.
 *
 * Saving happens when the handler starts its response (`res.send`, `res.json`, `res.redirect`,
 * `res.end`, `res.write`, `res.writeHead`...): the response is held until the store write is done,
 * so the client's next request always sees the change. A failure to open or save the session goes
 * to `next(error)`, before anything was sent, so the app's error handler can answer 503. Nothing
 * is saved for a client that went away before the answer.
 */
export function session<T extends object = SessionValues>(sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>): SessionMiddleware<T> {
  const sessions = toSessionInterface(sessionsOrOptions) as unknown as SessionInterface<SessionValues>;
  let guarded: object | undefined;
  let fromExpress = false;
  const middleware = (request: ExpressRequest, response: ServerResponse, next: (error?: unknown) => void): void => {
    if (ResponseHold.of(response) !== undefined) {
      next(new SessionConfigError('the session middleware ran twice for one request: mount it once'));
      return;
    }
    // Most processes serve one app: its requests' prototype is guarded once, then only compared.
    const prototype = Object.getPrototypeOf(request) as object;
    if (prototype !== guarded) {
      fromExpress = guardMissingSession(prototype);
      guarded = prototype;
    }
    if (fromExpress && SETTLES) {
      settle(request);
      settle(response);
    }
    const abandoned = () => response.destroyed;
    SessionRun.open(sessions, new ExpressSessionRequest(request), abandoned).then((run) => {
      setSessionProperty(request, 'session', run.session);
      if (!run.ended) hold(response, run, next, sessions.locking !== false);
      next();
    }, (error: unknown) => {
      // The middleware did run: an error handler that looks at `req.session` finds nothing, as a
      // check such as `if (req.session)` expects, rather than the guard's error.
      setSessionProperty(request, 'session', undefined);
      next(error);
    });
  };
  return Object.assign(middleware, { of: (request: IncomingMessage) => sessionProperty<T>(request, 'session', WHERE, MOUNT) });
}

/**
 * From the first request on, a route of this app that reads `req.session` without the middleware
 * having run gets an error that says what to do, not `undefined`. Express gives each app's requests
 * the app's own `request` object as `prototype`: the guard goes there and nowhere else. Returns
 * whether `prototype` is such an object, i.e. whether the request comes from Express.
 */
function guardMissingSession(prototype: object): boolean {
  if (!Object.prototype.hasOwnProperty.call(prototype, 'app')) return false;
  guardSessionProperty(prototype, 'session', WHERE, MOUNT);
  return true;
}

/** A key of this module's own, added to an Express request or response and deleted at once. */
const SETTLE = Symbol('sess.settle');

/**
 * Whether this V8 needs Express's requests and responses settled (see {@link settle}): V8 11 and 12
 * (Node 20 and 22) do; V8 13 (Node 24) does not, and there settling costs more than it saves. On
 * V8 13 an Express request keeps fast, shared shapes after `Object.setPrototypeOf` (bare Express
 * takes 169k instructions a `GET` there, 593k on V8 12), so settling only swaps its fast properties
 * for a hash table. Instructions per request on the main thread, Express 5 with a MemoryStore
 * (bare Express / settled / not settled):
 * - Node 22 (V8 12.4): `GET` 593k / 411k / 647k, `POST` 597k / 453k / 705k;
 * - Node 24 (V8 13.6): `GET` 169k / 257k / 200k, `POST` 171k / 294k / 232k.
 * An engine that reports no V8 version is left as it is.
 */
const SETTLES = Number(process.versions.v8?.split('.')[0]) < 13;

/**
 * Puts an Express request or response in V8's dictionary mode, where its shape stays the same from
 * one request to the next.
 *
 * Express gives every request and response the app's own prototype (`Object.setPrototypeOf(req,
 * app.request)`). V8 11 and 12 record no transitions from the map (hidden class) that results, so
 * every property added to the object afterwards (by Express's router, by the app, and `req.session`
 * by this middleware) copies the object's whole map for that one object, and every property access
 * from code that sees more than one request finds a map it has never seen: a miss of V8's inline
 * caches, 1.5–3k instructions each, which make up about half of what a bare Express request costs.
 * Deleting a property that was just added moves the object to dictionary mode, whose map is shared
 * by every object of the same prototype: the caches hit again and `req.session` is a hash-table
 * insert. Nothing observable changes: the key is private and never seen, the order of the object's
 * own properties is kept. Only Express's requests and responses are settled, and only on the V8
 * versions that need it ({@link SETTLES}); a plain Node request has a stable map already.
 */
function settle(target: object): void {
  (target as Record<symbol, unknown>)[SETTLE] = true;
  delete (target as Record<symbol, unknown>)[SETTLE];
}

/** Express apps' `response` objects whose methods already look for holds. */
const extended = new WeakSet<object>();
/** The last of them: most processes serve one app, whose responses then need no set lookup. */
let lastExtended: object | undefined;

/**
 * Holds `response` until `run` is saved.
 *
 * Reads as few of the response's properties as it can, and no method unless middleware wrapped it
 * on the response itself: on a response whose prototype was swapped and that was not settled (see
 * {@link settle}), each read from code shared by all responses misses V8's inline caches.
 */
function hold(response: ServerResponse, run: SessionRun, next: (error?: unknown) => void, mayLock: boolean): void {
  const prototype = Object.getPrototypeOf(response) as object;
  if (prototype !== lastExtended) {
    if (!extended.has(prototype)) {
      // Express gives each app's responses the app's own `response` object as prototype (a sub-app's
      // inherits from its parent's): extending it changes nothing outside the app. Anything else (a
      // plain Node response) is wrapped on its own.
      const target = Object.prototype.hasOwnProperty.call(prototype, 'app') ? prototype : response;
      interceptOn(target, [...WRITES, ...HEADER_CHANGES]);
      reportHeldAsSent(target);
      if (target === prototype) extended.add(prototype);
    }
    if (extended.has(prototype)) lastExtended = prototype;
  }
  // Middleware that ran before this one and wrapped the response's own methods (compression,
  // on-headers) captured what was below: wrap its wrappers, so that the handler's calls are seen first.
  let own: Partial<Record<'writeHead' | 'end', (this: ServerResponse, ...args: unknown[]) => unknown>> | undefined;
  const hasOwn = Object.prototype.hasOwnProperty;
  if (hasOwn.call(response, 'writeHead') || hasOwn.call(response, 'write') || hasOwn.call(response, 'end')) {
    interceptOn(
      response,
      WRITES.filter((method) => hasOwn.call(response, method)),
    );
    own = {
      writeHead: hasOwn.call(response, 'writeHead') ? response.writeHead : undefined,
      end: hasOwn.call(response, 'end') ? response.end : undefined,
    } as typeof own;
  }
  const held = new ResponseHold(response, run, next, own);
  ResponseHold.attach(held);
  // Only a lock needs the client's leaving noticed at once; otherwise the save checks for it.
  if (mayLock) response.once('close', () => held.closed());
}

/**
 * The request as the core sees it. Getters, because Express derives `secure` and `ip` from proxy
 * settings, work the core rarely needs.
 */
class ExpressSessionRequest implements SessionRequest {
  readonly cookie: string | undefined;
  readonly method: string | undefined;
  readonly #request: ExpressRequest;

  constructor(request: ExpressRequest) {
    this.#request = request;
    this.cookie = request.headers.cookie;
    this.method = request.method;
  }

  get origin(): string | undefined {
    return this.#request.headers.origin;
  }

  get secFetchSite(): string | undefined {
    return this.header('sec-fetch-site');
  }

  /**
   * Express 5's `req.host`, also on Express 4 (whose `req.host` drops the port): `X-Forwarded-Host`
   * when `trust proxy` trusts the peer, as for `req.secure`, else `Host`.
   */
  get host(): string | undefined {
    const request = this.#request;
    const forwarded = this.header('x-forwarded-host');
    const trust = request.app?.get('trust proxy fn');
    if (forwarded === undefined || typeof trust !== 'function' || trust(request.socket.remoteAddress, 0) !== true) return request.headers.host;
    const comma = forwarded.indexOf(',');
    return comma === -1 ? forwarded : forwarded.slice(0, comma).trimEnd();
  }

  get path(): string | undefined {
    const url = this.#request.originalUrl ?? this.#request.url;
    if (url === undefined) return undefined;
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }

  header(name: string): string | undefined {
    const value = this.#request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** A body parser mounted before the session middleware has filled it in. */
  get body(): unknown {
    return this.#request.body;
  }

  get secure(): boolean {
    return this.#request.secure === true;
  }

  get ip(): string | undefined {
    return this.#request.ip;
  }

  get userAgent(): string | undefined {
    return this.#request.headers['user-agent'];
  }
}
