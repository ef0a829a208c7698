/**
 * Every store call goes through here: a deadline so that a dead backend never hangs a request, and
 * one error type (`StoreUnavailableError`) for every failure, whatever the driver threw.
 */
import { SessError, StoreUnavailableError } from './errors.js';

/** Runs `call` against the store named `name`, failing with `StoreUnavailableError` after `timeoutMs`. */
export function guard<R>(name: string, timeoutMs: number, what: string, call: () => Promise<R>): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new StoreUnavailableError(name, `${what} did not answer within ${timeoutMs} ms; is the store's server up?`));
    }, timeoutMs);
    let pending: Promise<R>;
    try {
      pending = call();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(
          SessError.isInstance(error)
            ? error
            : new StoreUnavailableError(name, `${what} failed: ${error instanceof Error ? error.message : String(error)}`, {
                cause: error,
              }),
        );
      },
    );
  });
}
