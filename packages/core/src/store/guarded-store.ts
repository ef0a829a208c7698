/**
 * Every store call goes through here: a deadline so that a dead backend never hangs a request, and
 * one error type (`StoreUnavailableError`) for every failure, whatever the driver threw. Deadlines
 * come from the shared sweep of `deadline-sweep.ts`, not a timer per call.
 */
import { settleWithin } from '../support/deadline-sweep.js';
import { StoreUnavailableError } from '../errors.js';
import { storeFailure } from './store-failure.js';

/** Runs `call` against the store named `name`, failing with `StoreUnavailableError` after `timeoutMs`. */
export function guard<R>(name: string, timeoutMs: number, what: string, call: () => Promise<R>): Promise<R> {
  let started: Promise<R>;
  try {
    started = call();
  } catch (error) {
    return Promise.reject(storeFailure(name, what, error));
  }
  return settleWithin(
    started,
    timeoutMs,
    () => new StoreUnavailableError(name, `${what} did not answer within ${timeoutMs} ms; is the store's server up?`),
    (error) => storeFailure(name, what, error),
  );
}
