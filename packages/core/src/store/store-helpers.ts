/**
 * Small pieces every store would otherwise write again: ID checks, applying a patch to a record
 * read into memory, and waiting for a lock by polling.
 */
import { settleWithin } from '../support/deadline-sweep.js';
import { InvalidSessionIdError, LockTimeoutError, SessionConfigError } from '../errors.js';
import { randomBytes } from '../crypto/random-bytes.js';
import { isValidStoreId, type LockOptions, type SessionPatch, type StoredData, type Unlock } from './store.js';

/**
 * Throws `InvalidSessionIdError` unless `id` matches `STORE_ID_PATTERN`. Stores call it before an ID
 * reaches a file name, a key or a query.
 */
export function assertValidStoreId(id: unknown, storeName: string): asserts id is string {
  if (!isValidStoreId(id)) {
    throw new InvalidSessionIdError(`[${storeName}] refused a malformed session ID (expected 16-128 base64url characters)`);
  }
}

/** Returns a copy of `data` with `change` applied: `set` keys written, `unset` keys removed. */
export function applyPatch(data: StoredData, change: SessionPatch): StoredData {
  const next: StoredData = { ...data, ...change.set };
  for (const key of change.unset) delete next[key];
  return next;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `tryAcquire` until it returns an `Unlock` or `options.waitMs` runs out (then throws
 * `LockTimeoutError`). Waits grow from 5 ms to 100 ms with jitter, so that waiters on one session do
 * not retry in lockstep.
 */
export async function pollForLock(
  tryAcquire: () => Promise<Unlock | undefined>,
  options: LockOptions,
  storeName: string,
): Promise<Unlock> {
  const deadline = Date.now() + options.waitMs;
  let delay = 5;
  for (;;) {
    const unlock = await tryAcquire();
    if (unlock) return unlock;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new LockTimeoutError(`[${storeName}] could not lock the session within ${options.waitMs} ms`);
    }
    await sleep(Math.min(left, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, 100);
  }
}

/** A random token identifying one lock holder, so that a release never frees someone else's lock. */
export function lockToken(): string {
  const bytes = randomBytes(16);
  let token = '';
  for (const byte of bytes) token += byte.toString(16).padStart(2, '0');
  return token;
}

/**
 * Settles like `promise`, or rejects with `onTimeout()` if it has not settled within `timeoutMs`.
 * For stores whose driver has no timeout of its own for some step (a pool checkout, a user's
 * client), so that the store never hangs even without the core's own deadline around it. Deadlines
 * share one sweep every 100 ms instead of a timer per call: cheap on the hot path, at most 100 ms late.
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  return settleWithin(promise, timeoutMs, onTimeout);
}

/**
 * Throws `SessionConfigError` unless `url` is a string with one of `schemes` (`['redis:', 'rediss:']`),
 * so that a wrong URL (`http://…`, a bare host) fails when the store is created, with what was
 * expected, not at the first request with a driver's puzzling error.
 */
export function assertStoreUrl(storeName: string, url: unknown, schemes: readonly string[]): asserts url is string {
  let protocol: string | undefined;
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : undefined;
  } catch {
    protocol = undefined;
  }
  if (protocol === undefined || !schemes.includes(protocol)) {
    const shown = typeof url === 'string' ? JSON.stringify(url.replace(/\/\/[^@/]*@/, '//…@')) : typeof url;
    throw new SessionConfigError(`[${storeName}] \`url\` must be a ${schemes.map((scheme) => `${scheme}//`).join(' or ')} URL, not ${shown}`);
  }
}
