/**
 * Typed errors of sess. Every error extends {@link SessError}, whose `isInstance` check works across
 * duplicate installs of the package (it tests a `Symbol.for` marker, not the prototype chain).
 */

const marker = Symbol.for('sess.error');

/** Base class of every error sess throws. */
export class SessError extends Error {
  /** Marker used by {@link SessError.isInstance}; shared by every copy of `@sess/core`. */
  readonly [marker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(`[sess] ${message}`, options);
    this.name = new.target.name;
  }

  /** True for any sess error, even one created by another installed copy of `@sess/core`. */
  static isInstance(error: unknown): error is SessError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** A configuration mistake found at construction time (missing or short secret, bad cookie options...). */
export class SessionConfigError extends SessError {
  static override isInstance(error: unknown): error is SessionConfigError {
    return SessError.isInstance(error) && error.name === 'SessionConfigError';
  }
}

/**
 * The session store failed or did not answer in time. Adapters let it reach the framework's error
 * handling; apps usually answer 503. The store recovers by itself when its backend does.
 */
export class StoreUnavailableError extends SessError {
  /** Name of the store that failed, e.g. `redis`. */
  readonly store: string;
  /** HTTP status frameworks answer with (Express's finalhandler and Koa read `status`). */
  readonly status = 503;
  /** Same as `status`, for frameworks that read `statusCode`. */
  readonly statusCode = 503;
  /** Koa shows the message of an exposed error; this one says nothing secret. */
  readonly expose = true;

  constructor(store: string, message: string, options?: { cause?: unknown }) {
    super(`[${store}] ${message}`, options);
    this.store = store;
  }

  static override isInstance(error: unknown): error is StoreUnavailableError {
    return SessError.isInstance(error) && error.name === 'StoreUnavailableError';
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

  static override isInstance(error: unknown): error is CookieTooLargeError {
    return SessError.isInstance(error) && error.name === 'CookieTooLargeError';
  }
}

/** A session lock could not be acquired within the configured wait. */
export class LockTimeoutError extends SessError {
  /** HTTP status frameworks answer with: the session is busy, try again. */
  readonly status = 503;
  /** Same as `status`, for frameworks that read `statusCode`. */
  readonly statusCode = 503;
  /** Koa shows the message of an exposed error; this one says nothing secret. */
  readonly expose = true;
  static override isInstance(error: unknown): error is LockTimeoutError {
    return SessError.isInstance(error) && error.name === 'LockTimeoutError';
  }
}

/** A store was handed an ID that is not a valid store key (stores check again, as defence in depth). */
export class InvalidSessionIdError extends SessError {
  static override isInstance(error: unknown): error is InvalidSessionIdError {
    return SessError.isInstance(error) && error.name === 'InvalidSessionIdError';
  }
}

/** A session was used in a way its state does not allow (for example read before `load()` in lazy mode). */
export class SessionStateError extends SessError {
  static override isInstance(error: unknown): error is SessionStateError {
    return SessError.isInstance(error) && error.name === 'SessionStateError';
  }
}
