/**
 * Deadlines for many short calls at once: one shared sweep every 100 ms instead of a timer per
 * call. On the hot path a call costs a set insertion and a removal instead of creating and
 * clearing a timer; a deadline fires at most 100 ms late. The sweep stops as soon as nothing is
 * watched, so an idle process has no timer.
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

/** Starts watching `entry`; its `expire` runs once its deadline has passed, unless unwatched first. */
export function watchDeadline(entry: WatchedDeadline): void {
  watched.add(entry);
  if (sweeper === undefined) {
    sweeper = setInterval(sweep, SWEEP_MS);
    // The watched calls keep the process alive by themselves when they must; the sweep must not.
    (sweeper as { unref?: () => void }).unref?.();
  }
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
    watchDeadline(entry);
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
  });
}
