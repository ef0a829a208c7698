/**
 * Runs actions one key at a time, in arrival order, within one process: for a store whose writes
 * of one record must reach its backend one after another (a lock file, a read-modify-write).
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `action` once every earlier action of `key` has settled; settles as `action` does. */
  async run<T>(key: string, action: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    let finish!: () => void;
    const current = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const tail = previous ? previous.then(() => current) : current;
    this.#tails.set(key, tail);
    try {
      if (previous) await previous;
      return await action();
    } finally {
      finish();
      // The last one out removes the key, so that the map does not grow with every record seen.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
