import { unwatchDeadline, watchDeadline, type WatchedDeadline } from './deadline-sweep.js';
import { LockTimeoutError } from '../errors.js';

/**
 * In-process mutual exclusion per key: callers of one key run one at a time, in arrival order.
 * A holder keeps a key for at most its `holdMs`, like a store lock's TTL: a request that never
 * releases (a bug, a lost promise) delays the next holder by that much, never for ever.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Waits for every earlier holder of `key`, then resolves with the function that releases it.
   * Gives up with `LockTimeoutError` after `waitMs`; the abandoned place in the queue is then passed
   * on at once when its turn comes, so the callers behind it are not held up. Once acquired, the key
   * is released by itself after `holdMs` (checked by the shared deadline sweep).
   */
  async acquire(key: string, waitMs: number, holdMs: number): Promise<() => void> {
    const previous = this.#tails.get(key);
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => current) : current;
    this.#tails.set(key, tail);
    let released = false;
    let expiry: WatchedDeadline | undefined;
    const unlock = () => {
      if (released) return;
      released = true;
      if (expiry !== undefined) unwatchDeadline(expiry);
      release();
      // The last holder removes the entry so that the map does not grow with every session seen.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
    if (previous) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
      const outcome = await Promise.race([previous.then(() => 'ready' as const), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        void previous.then(unlock);
        throw new LockTimeoutError(`the session stayed locked by another request for ${waitMs} ms`);
      }
    }
    expiry = { deadline: Date.now() + holdMs, expire: unlock };
    watchDeadline(expiry);
    return unlock;
  }
}
