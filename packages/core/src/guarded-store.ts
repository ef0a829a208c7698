/**
 * Every store call goes through here: a deadline so that a dead backend never hangs a request, and
 * one error type (`StoreUnavailableError`) for every failure, whatever the driver threw.
 *
 * Deadlines are checked by one shared sweep every 100 ms rather than a timer per call: on the hot
 * path a call costs a set insertion instead of a timer, and a timeout fires at most 100 ms late.
 * The sweep stops as soon as nothing is pending, so an idle process has no timer.
 */
import { SessError, StoreUnavailableError } from './errors.js';

interface Pending {
  deadline: number;
  expire: () => void;
}

const SWEEP_MS = 100;
const pending = new Set<Pending>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweep(): void {
  const now = Date.now();
  for (const call of pending) {
    if (call.deadline <= now) {
      pending.delete(call);
      call.expire();
    }
  }
  if (pending.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function watch(call: Pending): void {
  pending.add(call);
  if (sweeper === undefined) {
    sweeper = setInterval(sweep, SWEEP_MS);
    // Pending store calls keep the process alive by themselves; the sweep must not.
    (sweeper as { unref?: () => void }).unref?.();
  }
}

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
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const watched: Pending = {
      deadline: Date.now() + timeoutMs,
      expire: () => {
        if (settled) return;
        settled = true;
        reject(new StoreUnavailableError(name, `${what} did not answer within ${timeoutMs} ms; is the store's server up?`));
      },
    };
    watch(watched);
    started.then(
      (value) => {
        if (settled) return;
        settled = true;
        pending.delete(watched);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        pending.delete(watched);
        reject(wrapError(name, what, error));
      },
    );
  });
}
