/**
 * Objects keyed by what users and clients choose: a key such as `__proto__` or `constructor` must be
 * a plain key, never a way to reach or replace a prototype.
 */

/**
 * An empty object without a prototype, for session data: `__proto__`, `constructor` or
 * `hasOwnProperty` are ordinary keys there, and nothing is inherited.
 */
export function emptyRecord<V = unknown>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}

/**
 * `target[key] = value`, as an own property also when `key` is `__proto__` (an assignment would
 * replace `target`'s prototype instead). For code that rebuilds objects key by key: codecs, stores.
 */
export function setOwn<V>(target: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
