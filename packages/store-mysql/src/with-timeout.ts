/**
 * Settles like `promise`, or rejects with `onTimeout()` after `timeoutMs` if the promise has not
 * settled by then. The driver has its own timeouts; this one also bounds what they do not cover
 * (a pool that the application created without them, a checkout waiting for a busy pool).
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
