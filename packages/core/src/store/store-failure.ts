/**
 * The one way a failure of a store's backend becomes an error of sess: stores map their driver's
 * errors here (with advice chosen from the driver's error code), and the core's `guard`, which every
 * store call goes through, does the same for whatever a store lets through.
 */
import { SessError, StoreUnavailableError } from '../errors.js';

/**
 * `error` as sess reports it: a sess error as it is, anything else as a `StoreUnavailableError` of
 * the store `store` whose `detail` reads `<what> failed: <the driver's message>; <advice>` and whose
 * `cause` is `error`.
 *
 * ```ts
 * throw storeFailure('postgres', 'read a session', error, 'check that PostgreSQL is running');
 * ```
 */
export function storeFailure(store: string, what: string, error: unknown, advice?: string): SessError {
  if (SessError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(store, `${what} failed: ${message}${advice === undefined ? '' : `; ${advice}`}`, { cause: error });
}

/**
 * Calls a callback-style method (express-session's stores and their kind) and settles with what it
 * calls back, or with the rejection of a promise it returns, or with what it throws. No deadline of
 * its own: the core's store timeout bounds the call.
 */
export function fromCallback<T>(call: (callback: (error?: unknown, value?: T) => void) => unknown): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const settle = (error?: unknown, value?: T) => {
      if (error) reject(error);
      else resolve(value);
    };
    try {
      const returned = call(settle);
      // A store that returns a promise and also calls back may reject it too: that is the same failure.
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(undefined, (error: unknown) => settle(error ?? new Error('rejected')));
      }
    } catch (error) {
      settle(error ?? new Error('threw'));
    }
  });
}
