import { SessionConfigError } from '../errors.js';
import type { Session } from '../session/session.js';

/**
 * Where adapters keep a request's session: a property of the framework's own request (Express's
 * `req.session`) or context (Koa's `ctx.session`). This module holds the two rules about it that
 * every such adapter shares: how the session is put there, and what reading it says when the
 * middleware never ran for the request.
 */

/** Objects whose `session` property already answers a read with {@link missingSessionError}. */
const guarded = new WeakSet<object>();

/**
 * The error for a handler that reads the session of a request the session middleware never saw:
 * the route was registered before the middleware, or on a router or app it is not mounted on.
 *
 * @param where - how the app reaches the session, e.g. `req.session`.
 * @param mount - how the middleware is mounted, e.g. `app.use(session(…))`.
 */
export function missingSessionError(where: string, mount: string): SessionConfigError {
  return new SessionConfigError(
    `${where} is not set for this request: the session middleware did not run before this handler. ` +
      `Register ${mount} before the routes and middleware that use the session (and on the app or router that serves them).`,
  );
}

/**
 * Puts `session` on `target[property]` as an own, writable property: defined rather than assigned,
 * so that the guard {@link guardSessionProperty} leaves on the prototype is not called. `undefined`
 * marks a request whose session could not be opened (its error went to the app's error handling).
 */
export function setSessionProperty(target: object, property: string, session: object | undefined): void {
  Object.defineProperty(target, property, { value: session, writable: true, enumerable: true, configurable: true });
}

/**
 * Makes a read of `property` on the objects that inherit from `owner` throw {@link missingSessionError}
 * unless the middleware put a session there, instead of giving `undefined` (and a bare `TypeError`
 * at the next `.get`). `owner` must be an object the app owns, never a runtime's or a framework's
 * shared prototype: Express's per-app `app.request`, Koa's per-app `app.context`. A write defines an
 * own property, as a plain assignment would have. Left alone when the property is already defined
 * there (another library's accessor).
 */
export function guardSessionProperty(owner: object, property: string, where: string, mount: string): void {
  if (guarded.has(owner)) return;
  guarded.add(owner);
  if (Object.prototype.hasOwnProperty.call(owner, property)) return;
  Object.defineProperty(owner, property, {
    configurable: true,
    enumerable: false,
    get() {
      throw missingSessionError(where, mount);
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, property, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/**
 * The session the middleware put on `target[property]`, for adapters' typed accessors (`of(req)`).
 * Throws {@link missingSessionError} when there is none.
 */
export function sessionProperty<T extends object>(target: object, property: string, where: string, mount: string): Session<T> {
  // The own property only: the guard on the prototype would throw a less precise error.
  const value: unknown = Object.getOwnPropertyDescriptor(target, property)?.value;
  if (typeof value !== 'object' || value === null) {
    if (value === undefined && Object.prototype.hasOwnProperty.call(target, property)) {
      throw new SessionConfigError(`${where} could not be opened for this request: its error went to the app's error handling`);
    }
    throw missingSessionError(where, mount);
  }
  return value as Session<T>;
}
