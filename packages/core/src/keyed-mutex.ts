/** In-process mutual exclusion per key: callers of one key run one at a time, in arrival order. */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  /** Waits for every earlier holder of `key`, then resolves with the function that releases it. */
  async acquire(key: string): Promise<() => void> {
    const previous = this.#tails.get(key);
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => current) : current;
    this.#tails.set(key, tail);
    if (previous) await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      // The last holder removes the entry so that the map does not grow with every session seen.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }
}
