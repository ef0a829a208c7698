/**
 * Deadlines that free what they give up on, for stores over a connection pool: a connection that
 * arrives after its caller gave up goes back to the pool at once instead of being used late or
 * kept. The core's store timeout already bounds every call; these exist because a pool's checkout
 * and a running statement hold a connection that must be returned or destroyed.
 */
import { withTimeout } from './store-helpers.js';

/**
 * `acquire`d within `timeoutMs`, else rejects with `onTimeout()`; a resource that arrives after
 * that is handed to `giveBack`. For a connection the caller keeps (a session lock held on it).
 */
export async function acquireWithin<R>(acquire: Promise<R>, timeoutMs: number, onTimeout: () => Error, giveBack: (resource: R) => void): Promise<R> {
  try {
    return await withTimeout(acquire, timeoutMs, onTimeout);
  } catch (error) {
    acquire.then(giveBack, () => undefined);
    throw error;
  }
}

/**
 * Checks a resource out with `acquire`, runs `use` on it and returns it with `release` (told the
 * error when `use` failed, so that a broken connection is destroyed rather than reused), all within
 * `timeoutMs`, else rejects with `onTimeout()`. A resource that arrives after the deadline is
 * released unused: a statement whose call already timed out is never sent late.
 */
export async function usePooled<R, T>(
  acquire: () => Promise<R>,
  use: (resource: R) => Promise<T>,
  release: (resource: R, error?: unknown) => void,
  timeoutMs: number,
  onTimeout: () => Error,
): Promise<T> {
  let abandoned = false;
  const run = async (): Promise<T> => {
    const resource = await acquire();
    if (abandoned) {
      release(resource);
      throw onTimeout();
    }
    let result: T;
    try {
      result = await use(resource);
    } catch (error) {
      release(resource, error);
      throw error;
    }
    release(resource);
    return result;
  };
  return withTimeout(run(), timeoutMs, () => {
    abandoned = true;
    return onTimeout();
  });
}
