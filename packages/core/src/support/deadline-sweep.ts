/**
 * Deadlines for many short calls at once: one shared sweep every 100 ms instead of a timer per
 * call. On the hot path a call costs a set insertion and a removal instead of creating and
 * clearing a timer; a deadline fires at most 100 ms late. The sweep starts only for a call still
 * pending once the JavaScript running now (with its chain of promise callbacks) is done, so calls
 * that settle in-process (a `MemoryStore`, a cache hit) never start a timer; it stops as soon as
 * nothing is watched, so an idle process has no timer.
 */

/** One watched call: when `deadline` (epoch ms) passes before `unwatchDeadline`, `expire` runs once. */
export interface WatchedDeadline {
  deadline: number;
  expire: () => void;
}

/** How often deadlines are checked, in ms: also how late one may fire. */
export const SWEEP_MS = 100;

const watched = new Set<WatchedDeadline>();
let sweeper: ReturnType<typeof setInterval> | undefined;
/** A check whether to start the sweep is queued (see {@link watchDeadline}). */
let checkQueued = false;

/**
 * How many rounds of promise callbacks a watched call may take to settle before the sweep starts
 * for it: a store's `async` method that awaits a cached value or a helper settles within a few.
 */
const SETTLE_ROUNDS = 3;

function sweep(): void {
  const now = Date.now();
  for (const entry of watched) {
    if (entry.deadline <= now) {
      watched.delete(entry);
      entry.expire();
    }
  }
  if (watched.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/**
 * Starts the sweep if something is still watched after `round` rounds of promise callbacks. A
 * timer costs far more than a microtask (creating it, and waking the event loop when it fires,
 * which a slow request pays for in every 100 ms it takes), so a call that settles in-process must
 * not start one.
 */
function startSweepIfPending(round: number): void {
  if (watched.size === 0 || sweeper !== undefined) {
    checkQueued = false;
    return;
  }
  if (round < SETTLE_ROUNDS) {
    queueMicrotask(() => startSweepIfPending(round + 1));
    return;
  }
  checkQueued = false;
  sweeper = setInterval(sweep, SWEEP_MS);
  // The watched calls keep the process alive by themselves when they must; the sweep must not.
  (sweeper as { unref?: () => void }).unref?.();
}

/**
 * Starts watching `entry`; its `expire` runs once its deadline has passed, unless unwatched first.
 * Call it after attaching the callbacks that unwatch it, so that a call already settled is
 * unwatched before the check that would start the sweep.
 */
export function watchDeadline(entry: WatchedDeadline): void {
  watched.add(entry);
  if (sweeper === undefined && !checkQueued) {
    checkQueued = true;
    queueMicrotask(() => startSweepIfPending(1));
  }
}

/** Whether the shared sweep is running (a timer exists). For tests. */
export function sweepRunning(): boolean {
  return sweeper !== undefined;
}

/** Stops watching `entry` (the call settled in time). */
export function unwatchDeadline(entry: WatchedDeadline): void {
  watched.delete(entry);
}

/**
 * Settles like `promise` (its rejection passed through `mapError` when given), or rejects with
 * `onTimeout()` once `timeoutMs` has passed without it settling (checked by the shared sweep, so at
 * most {@link SWEEP_MS} late).
 */
export function settleWithin<T>(
  promise: Promise<T>,
  timeoutMs: number,
  onTimeout: () => unknown,
  mapError?: (error: unknown) => unknown,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const entry: WatchedDeadline = {
      deadline: Date.now() + timeoutMs,
      expire: () => {
        if (settled) return;
        settled = true;
        reject(onTimeout());
      },
    };
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        unwatchDeadline(entry);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        unwatchDeadline(entry);
        reject(mapError ? mapError(error) : error);
      },
    );
    // After `then`: a promise already settled has its callback queued ahead of the sweep's check.
    watchDeadline(entry);
  });
}
