/**
 * Typed errors of sess. Every error extends {@link SessError}; each class names itself in a static
 * `kind` (a string, so that it survives minifiers that rename classes), and one `isInstance`,
 * inherited by every subclass, checks the kinds an error carries under a `Symbol.for` key: it
 * holds across duplicate installs of the package and in minified bundles.
 */

const kindsKey = Symbol.for('sess.error.kinds');

/** What `isInstance` needs of an error class: its kind. */
interface ErrorClass {
  readonly kind: string;
}

/** The `isInstance` check of each class, made once per class. */
const checks = new WeakMap<object, (error: unknown) => boolean>();

/** Whether `error` carries `kind` among the kinds of its class chain. */
function hasKind(error: unknown, kind: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const kinds = (error as { [kindsKey]?: unknown })[kindsKey];
  return Array.isArray(kinds) && kinds.includes(kind);
}

/** Base class of every error sess throws. */
export class SessError extends Error {
  /** The class's name, explicit so that minified bundles keep it; also the errors' `name`. */
  static readonly kind: string = 'SessError';
  /** The kinds of this error's class and of every class it extends, for `isInstance`. */
  readonly [kindsKey]: readonly string[];

  constructor(message: string, options?: { cause?: unknown }) {
    super(`[sess] ${message}`, options);
    const kinds: string[] = [];
    for (let type = new.target as unknown as Partial<ErrorClass> | null; type !== null && typeof type.kind === 'string'; type = Object.getPrototypeOf(type) as Partial<ErrorClass> | null) {
      if (kinds[kinds.length - 1] !== type.kind) kinds.push(type.kind);
    }
    this[kindsKey] = kinds;
    this.name = kinds[0] ?? 'SessError';
  }

  /**
   * Tells whether an error is of this class or a subclass (`StoreUnavailableError.isInstance(e)`),
   * even one created by another installed copy of the package or renamed by a minifier. Defined
   * once here for every subclass, and usable unbound (`errors.filter(StoreUnavailableError.isInstance)`);
   * a subclass only narrows its type with `declare static readonly isInstance`.
   */
  static get isInstance(): (error: unknown) => error is SessError {
    let check = checks.get(this);
    if (check === undefined) {
      const kind = (this as ErrorClass).kind;
      check = (error: unknown) => hasKind(error, kind);
      checks.set(this, check);
    }
    return check as (error: unknown) => error is SessError;
  }
}

/** A configuration mistake found at construction time (missing or short secret, bad cookie options...). */
export class SessionConfigError extends SessError {
  static override readonly kind: string = 'SessionConfigError';
  declare static readonly isInstance: (error: unknown) => error is SessionConfigError;
}

/**
 * The answer for a 503 error as a Web `Response`, under the name Hono's default error handler looks
 * for (`getResponse`, as on its `HTTPException`), so that an app without an `onError` answers 503.
 */
function serviceUnavailable(message: string): Response {
  return new Response(message, { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' } });
}

/** What every `StoreUnavailableError` says, before the `[sess]` prefix. */
const STORE_UNAVAILABLE = 'the session store is unavailable';

/** The message every `StoreUnavailableError` exposes: nothing about the store's address, user or driver. */
export const STORE_UNAVAILABLE_MESSAGE = `[sess] ${STORE_UNAVAILABLE}`;

/**
 * The session store failed or did not answer in time. Adapters let it reach the framework's error
 * handling; apps usually answer 503. The store recovers by itself when its backend does.
 *
 * Its `message` is the same for every failure and safe to show to clients; what went wrong is in
 * `detail` (also in `stack`, so that logs show it) and the driver's own error in `cause`.
 */
export class StoreUnavailableError extends SessError {
  static override readonly kind: string = 'StoreUnavailableError';
  declare static readonly isInstance: (error: unknown) => error is StoreUnavailableError;
  /** Name of the store that failed, e.g. `redis`. */
  readonly store: string;
  /** What went wrong, for logs: `[redis] get failed: connect ECONNREFUSED 127.0.0.1:6379`. Never sent to clients. */
  readonly detail: string;
  /** HTTP status frameworks answer with (Express's finalhandler and Koa read `status`). */
  readonly status = 503;
  /** Same as `status`, for frameworks that read `statusCode`. */
  readonly statusCode = 503;
  /** Not exposed: Koa then answers its status text and logs the error (with `detail`, in `stack`). */
  readonly expose = false;

  constructor(store: string, detail: string, options?: { cause?: unknown }) {
    super(STORE_UNAVAILABLE, options);
    this.store = store;
    this.detail = `[${store}] ${detail}`;
    const headline = `${this.name}: ${this.message}`;
    if (typeof this.stack === 'string' && this.stack.startsWith(headline)) {
      this.stack = `${headline} (${this.detail})${this.stack.slice(headline.length)}`;
    }
  }

  /** This error's answer, `503` with the generic message (Hono's default `onError` sends it). */
  getResponse(): Response {
    return serviceUnavailable(this.message);
  }
}

/** A cookie session's encrypted value would exceed what browsers accept (4096 bytes per cookie). */
export class CookieTooLargeError extends SessError {
  /** Size in bytes of the `name=value; attributes` string that was refused. */
  readonly size: number;

  constructor(size: number, limit: number) {
    super(
      `the session cookie would be ${size} bytes, over the ${limit}-byte limit browsers accept. ` +
        'Keep less in a cookie session (store IDs, not records) or use a server-side store.',
    );
    this.size = size;
  }

  static override readonly kind: string = 'CookieTooLargeError';
  declare static readonly isInstance: (error: unknown) => error is CookieTooLargeError;
}

/** A session lock could not be acquired within the configured wait. */
export class LockTimeoutError extends SessError {
  /** HTTP status frameworks answer with: the session is busy, try again. */
  readonly status = 503;
  /** Same as `status`, for frameworks that read `statusCode`. */
  readonly statusCode = 503;
  /** Koa shows the message of an exposed error; this one says nothing secret. */
  readonly expose = true;
  static override readonly kind: string = 'LockTimeoutError';
  declare static readonly isInstance: (error: unknown) => error is LockTimeoutError;

  /** This error's answer, `503` with its message (Hono's default `onError` sends it). */
  getResponse(): Response {
    return serviceUnavailable(this.message);
  }
}

/** A store was handed an ID that is not a valid store key (stores check again, as defence in depth). */
export class InvalidSessionIdError extends SessError {
  static override readonly kind: string = 'InvalidSessionIdError';
  declare static readonly isInstance: (error: unknown) => error is InvalidSessionIdError;
}

/** A session was used in a way its state does not allow (for example read before `load()` in lazy mode). */
export class SessionStateError extends SessError {
  static override readonly kind: string = 'SessionStateError';
  declare static readonly isInstance: (error: unknown) => error is SessionStateError;
}

/**
 * The session registry cannot do what was asked here: cookie sessions keep no records to list or
 * end (`reason: 'cookie-sessions'`), or the store has no `listByOwner` (`reason: 'store-cannot-list'`).
 * Apps answer 501 (Not Implemented): the request was fine, this setup cannot serve it.
 */
export class RegistryUnsupportedError extends SessError {
  static override readonly kind: string = 'RegistryUnsupportedError';
  declare static readonly isInstance: (error: unknown) => error is RegistryUnsupportedError;
  /** Why: no records at all (cookie sessions), or a store without `listByOwner`. */
  readonly reason: 'cookie-sessions' | 'store-cannot-list';
  /** HTTP status frameworks answer with. */
  readonly status = 501;
  /** Same as `status`, for frameworks that read `statusCode`. */
  readonly statusCode = 501;
  /** Koa shows the message of an exposed error; this one says nothing secret. */
  readonly expose = true;

  constructor(reason: 'cookie-sessions' | 'store-cannot-list', storeName?: string) {
    super(
      reason === 'cookie-sessions'
        ? 'cookie sessions keep no server-side records, so other sessions cannot be listed or ended (a copy of a cookie stays valid until it expires); use a server-side store'
        : `the ${storeName ?? 'configured'} store cannot list sessions by owner (no listByOwner), so sessions cannot be listed or ended one by one`,
    );
    this.reason = reason;
  }
}

/**
 * A request refused as a possible cross-site request forgery: another site's page made the browser
 * send it, or it lacks the session's CSRF token. Thrown before the handler runs and before anything
 * is written; adapters let it reach the framework's error handling, which answers 403.
 *
 * Its `message` says nothing about the request or the session; `reason` tells logs why.
 */
export class CsrfError extends SessError {
  static override readonly kind: string = 'CsrfError';
  declare static readonly isInstance: (error: unknown) => error is CsrfError;
  /** Why the request was refused: `cross-site`, `same-site`, `origin`, `token-missing` or `token-invalid`. */
  readonly reason: 'cross-site' | 'same-site' | 'origin' | 'token-missing' | 'token-invalid';
  /** HTTP status frameworks answer with (Express's finalhandler and Koa read `status`). */
  readonly status = 403;
  /** Same as `status`, for frameworks that read `statusCode`. */
  readonly statusCode = 403;
  /** Koa shows the message of an exposed error; this one says nothing about the request. */
  readonly expose = true;

  constructor(reason: CsrfError['reason']) {
    super(reason === 'token-missing' || reason === 'token-invalid' ? 'missing or invalid CSRF token' : 'cross-site request refused');
    this.reason = reason;
  }

  /** This error's answer, `403` with its message (Hono's default `onError` sends it). */
  getResponse(): Response {
    return new Response(this.message, { status: 403, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
}
