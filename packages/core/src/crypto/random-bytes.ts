/**
 * Cryptographically random bytes, drawn from a pool that `crypto.getRandomValues` refills 4 KiB
 * at a time. One `getRandomValues` call costs several µs whatever its size (it enters the
 * runtime's CSPRNG each time), which made it the largest cost of an encrypted cookie's IV and of a
 * session ID. Every byte is handed out once, and callers get a copy, never a view of the pool.
 */

const POOL_BYTES = 4096;
const pool = new Uint8Array(POOL_BYTES);
/** Bytes of the pool already handed out; the pool starts used up so that it is filled on first use. */
let used = POOL_BYTES;
/** The process the pool was filled in. */
let filledIn: number | undefined;

/**
 * The current process's ID, where the runtime has one. A process started from a V8 startup
 * snapshot (`node --snapshot-blob`) begins with the heap of the process that built the snapshot,
 * pool included: every such process would hand out the same bytes. Its ID differs, so the pool is
 * refilled.
 */
function processId(): number | undefined {
  return (globalThis as { process?: { pid?: number } }).process?.pid;
}

/** `count` fresh random bytes (at most 4096). */
export function randomBytes(count: number): Uint8Array {
  if (count > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(count));
  const pid = processId();
  if (used + count > POOL_BYTES || pid !== filledIn) {
    crypto.getRandomValues(pool);
    used = 0;
    filledIn = pid;
  }
  const bytes = pool.slice(used, used + count);
  // Zeroed once handed out: a later read of the pool (a heap dump) does not reveal an ID or IV in use.
  pool.fill(0, used, used + count);
  used += count;
  return bytes;
}
