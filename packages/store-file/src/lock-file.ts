/**
 * Cross-process locks made of files: a lock is a file created with `O_EXCL` (`fs.open(path, 'wx')`)
 * that holds a random token and an expiry. Creating it is the atomic test-and-set; deleting it is
 * the release. Only the holder deletes a live lock (the token says who holds it); a lock whose expiry
 * has passed is abandoned (its holder crashed or overstayed) and may be removed by anyone, but only
 * under a second, short-lived "break" file, so that two processes breaking the same stale lock never
 * delete a fresh lock created between their checks.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { lockToken } from '@sess/core';

/** A lock this process holds. */
export interface HeldLockFile {
  /** Absolute path of the lock file. */
  path: string;
  /** Random token written in the file; proves ownership at release. */
  token: string;
  /** Epoch ms after which others may take the lock over. */
  expiresAt: number;
}

/** What a lock file contains. */
interface LockFileContent {
  token: string;
  expiresAt: number;
}

/** Suffix of the guard file taken while a stale lock is removed. */
export const BREAK_SUFFIX = '.break';

/**
 * Below this much time left before expiry a release goes through the break guard: a breaker may
 * judge the lock stale between our token check and our unlink otherwise.
 */
const RELEASE_MARGIN_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The `code` of a Node.js system error, if any. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}

/** Deletes `path`; a file that is already gone is not an error. */
export async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/** The file's text, or `undefined` when it does not exist. */
async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function parseLockFile(text: string): LockFileContent | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockFileContent> | null;
    if (value && typeof value.token === 'string' && typeof value.expiresAt === 'number') {
      return { token: value.token, expiresAt: value.expiresAt };
    }
  } catch {
    // An empty or half-written file: its holder is between `open` and `write`, or crashed there.
  }
  return undefined;
}

/**
 * Whether the lock file at `path` is abandoned: its recorded expiry has passed or, when its content
 * cannot be read (a holder that crashed between creating and writing it), its modification time is
 * older than `staleMs`. `undefined` when the file does not exist.
 */
async function isStale(path: string, staleMs: number): Promise<boolean | undefined> {
  const text = await readIfPresent(path);
  if (text === undefined) return undefined;
  const content = parseLockFile(text);
  if (content) return content.expiresAt <= Date.now();
  try {
    const stats = await stat(path);
    return stats.mtimeMs + staleMs <= Date.now();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Takes the break guard of `lockPath` once, runs `action` and drops the guard. Returns `undefined`
 * without running `action` when another process holds the guard.
 *
 * The guard is held for a read and an unlink, so a guard file older than `staleMs` belongs to a
 * process that crashed in that instant; it is removed without further ceremony (two processes doing
 * so at once is the one race left, and it needs a crash inside a window of microseconds first).
 */
async function withBreakGuard<T>(lockPath: string, staleMs: number, action: () => Promise<T>): Promise<T | undefined> {
  const guardPath = lockPath + BREAK_SUFFIX;
  for (let round = 0; ; round += 1) {
    try {
      await (await open(guardPath, 'wx', 0o600)).close();
      break;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      // One more try only after removing a guard abandoned by a crash; a live guard means "busy".
      if (round > 0 || !(await removeStaleBreakGuard(guardPath, staleMs))) return undefined;
    }
  }
  try {
    return await action();
  } finally {
    await unlinkIfPresent(guardPath);
  }
}

/** Removes a break guard older than `staleMs`; returns whether it did. */
export async function removeStaleBreakGuard(guardPath: string, staleMs: number): Promise<boolean> {
  try {
    const stats = await stat(guardPath);
    if (stats.mtimeMs + staleMs > Date.now()) return false;
    return await unlinkIfPresent(guardPath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Removes the lock file at `path` if it is abandoned (see {@link isStale}), re-checking under the
 * break guard so that a lock created after our first look is never removed. Returns `true` when the
 * path is free afterwards (removed or already gone), `false` when the lock is live or the guard busy.
 */
export async function removeStaleLockFile(path: string, staleMs: number): Promise<boolean> {
  const stale = await isStale(path, staleMs);
  if (stale === undefined) return true;
  if (!stale) return false;
  const removed = await withBreakGuard(path, staleMs, async () => {
    // Under the guard nobody else removes this file, and nobody can create one while it exists: if
    // it is still stale now, it is the same abandoned lock (or another abandoned one) and safe to delete.
    const still = await isStale(path, staleMs);
    if (still === false) return false;
    await unlinkIfPresent(path);
    return true;
  });
  return removed ?? false;
}

/**
 * Tries once to take the lock at `path` for `ttlMs`, taking over an abandoned lock. Resolves to the
 * held lock, or `undefined` when someone else holds it. Filesystem errors (including `ENOENT` for a
 * missing directory) are thrown for the caller to handle.
 */
export async function tryLockFile(path: string, ttlMs: number, staleMs: number): Promise<HeldLockFile | undefined> {
  // Two rounds: the second one runs only after a stale lock was removed in the first.
  for (let round = 0; round < 2; round += 1) {
    const token = lockToken();
    const expiresAt = Date.now() + ttlMs;
    let handle;
    try {
      // O_EXCL: creation fails if the file exists, whoever races us. Mode 0600: nobody else reads tokens.
      handle = await open(path, 'wx', 0o600);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      if (round === 0 && (await removeStaleLockFile(path, staleMs))) continue;
      return undefined;
    }
    try {
      await handle.writeFile(JSON.stringify({ token, expiresAt } satisfies LockFileContent));
      await handle.close();
    } catch (error) {
      // We created the file, so it is ours to delete: nobody else may remove a lock that is not stale.
      await handle.close().catch(() => undefined);
      await unlinkIfPresent(path).catch(() => undefined);
      throw error;
    }
    return { path, token, expiresAt };
  }
  return undefined;
}

/**
 * Releases a lock taken with {@link tryLockFile}: deletes the file only if it still holds our token,
 * so that a holder that overstayed its ttl never frees the lock of whoever took it over.
 */
export async function releaseLockFile(held: HeldLockFile, staleMs: number): Promise<void> {
  const removeIfOurs = async () => {
    const text = await readIfPresent(held.path);
    if (text !== undefined && parseLockFile(text)?.token === held.token) await unlinkIfPresent(held.path);
  };
  // Well before expiry nobody may take the lock over, so the check and the unlink cannot be split
  // by a breaker; close to or past expiry they must run under the break guard.
  if (Date.now() < held.expiresAt - RELEASE_MARGIN_MS) {
    await removeIfOurs();
    return;
  }
  const deadline = Date.now() + staleMs + RELEASE_MARGIN_MS;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const done = await withBreakGuard(held.path, staleMs, async () => {
      await removeIfOurs();
      return true;
    });
    if (done) return;
    // The guard is held for microseconds; a crashed guard is removed after staleMs by withBreakGuard.
    if (Date.now() > deadline) return;
    await sleep(delay);
  }
}
