import { LockTimeoutError } from './errors.js';

/** In-process mutual exclusion per key: callers of one key run one at a time, in arrival order. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Waits for every earlier holder of `key`, then resolves with the function that releases it.
   * Gives up with `LockTimeoutError` after `waitMs`; the abandoned place in the queue is then passed
   * on at once when its turn comes, so the callers behind it are not held up.
   */
  async acquire(key: string, waitMs: number): Promise<() => void> {
    const previous = this.#tails.get(key);
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => current) : current;
    this.#tails.set(key, tail);
    let released = false;
    const unlock = () => {
      if (released) return;
      released = true;
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
    return unlock;
  }
}
