/**
 * Every store call goes through here: a deadline so that a dead backend never hangs a request, and
 * one error type (`StoreUnavailableError`) for every failure, whatever the driver threw. Deadlines
 * come from the shared sweep of `deadline-sweep.ts`, not a timer per call.
 */
import { settleWithin } from '../support/deadline-sweep.js';
import { SessError, StoreUnavailableError } from '../errors.js';

function wrapError(name: string, what: string, error: unknown): unknown {
  if (SessError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(name, `${what} failed: ${message}`, { cause: error });
}

/** Runs `call` against the store named `name`, failing with `StoreUnavailableError` after `timeoutMs`. */
export function guard<R>(name: string, timeoutMs: number, what: string, call: () => Promise<R>): Promise<R> {
  let started: Promise<R>;
  try {
    started = call();
  } catch (error) {
    return Promise.reject(wrapError(name, what, error));
  }
  return settleWithin(
    started,
    timeoutMs,
    () => new StoreUnavailableError(name, `${what} did not answer within ${timeoutMs} ms; is the store's server up?`),
    (error) => wrapError(name, what, error),
  );
}
