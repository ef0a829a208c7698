/**
 * web.py's `DiskStore` for sess: one JSON file per session in a directory, atomic writes, and
 * cross-process locking with lock files, so that several processes on one machine can share it.
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  applyPatch,
  assertValidStoreId,
  InvalidSessionIdError,
  LockTimeoutError,
  pollForLock,
  SessError,
  SessionConfigError,
  StoreUnavailableError,
  type LockOptions,
  type OwnedRecord,
  type SessionPatch,
  type SessionRecord,
  type Store,
  type StoredData,
  type Unlock,
  KeyedQueue,
  storeFailure,
  refuseUnknownOptions,
} from '@sess/core';
import { CorruptSessionFileError } from './corrupt-session-file-error.js';
import {
  errorCode,
  releaseLockFile,
  removeStaleBreakGuard,
  removeStaleLockFile,
  tryLockFile,
  unlinkIfPresent,
  type HeldLockFile,
} from './lock-file.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { OwnerIndex } from './owner-index.js';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /**
   * Directory holding the session files, resolved against the working directory at construction.
   * Created on the first write with mode `0700` (parents included) when missing; an existing
   * directory keeps its permissions. Give every store its own directory: `clear()` empties it.
   * @default './.sessions'
   */
  dir?: string;
  /**
   * How often expired sessions, orphaned temporary files and abandoned locks are deleted, in ms.
   * The timer starts at the first write and never keeps the process alive. `0` turns it off
   * (call `prune()` yourself, e.g. from a cron job). Expired sessions are never returned either way.
   * @default 300_000
   */
  pruneIntervalMs?: number;
  /**
   * Lifetime of the short write locks that serialize writes to one session, in ms: a lock left by a
   * process that crashed while writing is taken over after this long. Also the age after which a
   * lock file whose content cannot be read counts as abandoned. Keep it well above the time a write
   * takes on a loaded machine: taking over a live writer's lock can lose that writer's update.
   * @default 5_000
   */
  lockStaleMs?: number;
  /**
   * How long a write (`set`, `patch`, `touch`, `destroy`...) waits for another process's write to
   * the same session, in ms, before failing with `StoreUnavailableError`.
   * @default 2_000
   */
  lockWaitMs?: number;
  /**
   * Flush every written file and its directory to the disk before a write resolves. Off by default:
   * the atomic rename already guarantees that a crash of the process never leaves a torn session
   * file; `fsync` only adds durability across a power cut or a kernel crash, for data that is
   * ephemeral anyway (at worst the user signs in again), at the cost of a disk flush per write.
   * @default false
   */
  fsync?: boolean;
  /**
   * Called with problems the store works around instead of failing a request: a corrupt session
   * file (`CorruptSessionFileError`, treated as no session), a failed background prune or a failed
   * release of a write lock (`StoreUnavailableError`). Ignored when not set.
   * @default undefined
   */
  onError?: (error: SessError) => void;
}

const STORE_NAME = 'file';
const RECORD_SUFFIX = '.json';
const LOCK_SUFFIX = '.lock';
const WRITE_LOCK_SUFFIX = '.write.lock';
/** How many files `prune`, `clear` and `destroyByOwner` handle at once: bounded file descriptors. */
const SCAN_CONCURRENCY = 16;
/** A temporary file lives for one write; one this old was left by a killed process. */
const TEMPORARY_FILE_MAX_AGE_MS = 60_000;

const ID = '[A-Za-z0-9_-]{16,128}';
const RECORD_FILE = new RegExp(`^(${ID})\\.json$`);
const TEMPORARY_FILE = new RegExp(`^${ID}\\.json\\.[0-9a-f]{16}\\.tmp$`);
const LOCK_FILE = new RegExp(`^${ID}(?:\\.write)?\\.lock$`);
const BREAK_FILE = new RegExp(`^${ID}(?:\\.write)?\\.lock\\.break$`);

/** What reading one session file found. */
type ReadResult =
  | { state: 'missing' }
  | { state: 'corrupt' }
  | { state: 'live'; record: SessionRecord }
  | { state: 'expired'; record: SessionRecord };

/**
 * A {@link Store} that keeps each session in its own JSON file, `<dir>/<id>.json`, holding
 * `{ data, createdAt, expiresAt, owner }`. Made for one machine: several processes (a cluster, a
 * restart while the old process drains) may share the directory. Not for network filesystems.
 *
 * - `get` is one `readFile`; an expired record is never returned and is deleted on the way.
 * - Writes are atomic (temporary file, then `rename`), and every write to one session runs under a
 *   per-session lock file, so that concurrent `patch`es from several processes never lose a key and a
 *   `destroy` is never undone by a `patch` that read the record before it.
 * - `lock` is a cross-process lock (an `O_EXCL` lock file with a token and an expiry).
 * - `listByOwner` reads one owner's records, through an index by owner (`owners/` in the directory).
 * - `destroyByOwner`, `prune` and `clear` read the whole directory: O(number of sessions).
 * - A corrupt file is treated as no session, reported to `onError`, and deleted by `prune`.
 *
 * @example
 * ```ts
 * const store = new FileStore({ dir: '/var/lib/my-app/sessions' });
 * const sessions = createSessions({ store, secret: process.env.SESSION_SECRET! });
 * ```
 */
export class FileStore implements Store {
  /** Name used in error messages. */
  readonly name = STORE_NAME;
  /** Absolute path of the directory holding the session files. */
  readonly directory: string;
  readonly #pruneIntervalMs: number;
  readonly #lockStaleMs: number;
  readonly #lockWaitMs: number;
  readonly #fsync: boolean;
  readonly #onError: ((error: SessError) => void) | undefined;
  /** Writes of this instance to one session wait here first, so that they do not poll the lock file. */
  readonly #writeQueue = new KeyedQueue();
  /** Session IDs by owner, for `listByOwner`. */
  readonly #owners: OwnerIndex;
  /** Whether this instance has seen the owner index complete (see `OwnerIndex.complete`). */
  #indexed = false;
  #directoryReady: Promise<void> | undefined;
  #pruneTimer: ReturnType<typeof setInterval> | undefined;
  #pruning: Promise<number> | undefined;
  #closed = false;

  constructor(options: FileStoreOptions = {}) {
    refuseUnknownOptions('FileStore', options, ['dir', 'pruneIntervalMs', 'lockStaleMs', 'lockWaitMs', 'fsync', 'onError'], { path: 'the sessions directory is `dir`', directory: 'the sessions directory is `dir`', ttl: 'the core decides expiry (`idleTimeout`, `absoluteTimeout`); the store keeps what it is given' });
    const dir = options.dir ?? './.sessions';
    if (typeof dir !== 'string' || dir === '') {
      throw new SessionConfigError(`[${STORE_NAME}] dir must be a non-empty path, got ${JSON.stringify(options.dir)}`);
    }
    this.directory = resolve(dir);
    this.#owners = new OwnerIndex(this.directory);
    this.#pruneIntervalMs = checkDuration('pruneIntervalMs', options.pruneIntervalMs ?? 300_000, 0);
    this.#lockStaleMs = checkDuration('lockStaleMs', options.lockStaleMs ?? 5_000, 1);
    this.#lockWaitMs = checkDuration('lockWaitMs', options.lockWaitMs ?? 2_000, 0);
    this.#fsync = options.fsync ?? false;
    this.#onError = options.onError;
  }

  /** The record, or `undefined` when absent, expired or unreadable. One `readFile` when it is live. */
  async get(id: string): Promise<SessionRecord | undefined> {
    const file = this.#pathFor(id, RECORD_SUFFIX);
    return this.#run('reading a session', async () => {
      const read = await this.#readRecord(file, true);
      if (read.state === 'live') return read.record;
      if (read.state === 'expired') {
        // Lazy cleanup; failing it must not fail the read (prune retries later).
        await this.#removeIfDead(id).catch((error: unknown) =>
          this.#report(this.#unavailable('deleting an expired session', error)),
        );
      }
      return undefined;
    });
  }

  /** Inserts or replaces the record (atomically); a record that is already expired is deleted instead. */
  async set(id: string, record: SessionRecord): Promise<void> {
    const file = this.#pathFor(id, RECORD_SUFFIX);
    await this.#run('writing a session', () =>
      this.#withWriteLock(id, async () => {
        if (record.expiresAt <= Date.now()) return void (await unlinkIfPresent(file));
        // The marker first: a crash in between leaves a stale marker (harmless), never an unlisted record.
        if (record.owner !== undefined) await this.#owners.add(record.owner, id);
        await this.#write(file, record);
      }),
    );
  }

  /** Deletes the record; deleting a missing record is a no-op. */
  async destroy(id: string): Promise<void> {
    const file = this.#pathFor(id, RECORD_SUFFIX);
    await this.#run('deleting a session', () => this.#withWriteLock(id, () => unlinkIfPresent(file)));
  }

  /** Moves `expiresAt`, keeping the data. A missing record stays missing; a past `expiresAt` deletes it. */
  async touch(id: string, expiresAt: number): Promise<void> {
    await this.#update('extending a session', id, expiresAt, (record) => ({ ...record, expiresAt }));
  }

  /**
   * Applies `change` to the stored data and moves `expiresAt`, under the session's write lock, so that
   * concurrent patches from any number of processes all land. A missing or expired record stays missing.
   */
  async patch(id: string, change: SessionPatch, expiresAt: number): Promise<void> {
    await this.#update('patching a session', id, expiresAt, (record) => ({
      ...record,
      data: applyPatch(record.data, change),
      expiresAt,
    }));
  }

  /**
   * Takes a cross-process lock on one session: the file `<id>.lock`, created with `O_EXCL`, holding a
   * random token and the lock's expiry. A lock whose `ttlMs` ran out is taken over; the returned
   * unlock deletes the file only while it still holds this holder's token (safe to call twice).
   * Rejects with `LockTimeoutError` after `waitMs`.
   */
  async lock(id: string, options: LockOptions): Promise<Unlock> {
    const path = this.#pathFor(id, LOCK_SUFFIX);
    return this.#run('locking a session', () =>
      pollForLock(
        async () => {
          const held = await this.#tryLock(path, options.ttlMs);
          return held && this.#unlockFor(held);
        },
        options,
        STORE_NAME,
      ),
    );
  }

  /**
   * Deletes every record whose `owner` is `owner`; returns how many live records were deleted.
   * Reads every session file: O(number of sessions in the directory).
   */
  async destroyByOwner(owner: string): Promise<number> {
    return this.#run('deleting the sessions of an owner', async () => {
      let count = 0;
      await forEachLimited(await this.#list(), async (name) => {
        const id = RECORD_FILE.exec(name)?.[1];
        if (id === undefined) return;
        const file = this.#pathFor(id, RECORD_SUFFIX);
        const first = await this.#readRecord(file, false);
        if (first.state === 'missing' || first.state === 'corrupt' || first.record.owner !== owner) return;
        await this.#withWriteLock(id, async () => {
          // Again under the lock: the record may have been replaced since the first read.
          const current = await this.#readRecord(file, false);
          if (current.state === 'missing' || current.state === 'corrupt' || current.record.owner !== owner) return;
          await unlinkIfPresent(file);
          if (current.state === 'live') count += 1;
        });
      });
      return count;
    });
  }

  /**
   * The live records of `owner`, through the owner index (`owners/` in the directory): reads that
   * owner's records only. A directory made by an older version is indexed once, at the first call.
   */
  async listByOwner(owner: string): Promise<OwnedRecord[]> {
    return this.#run('listing the sessions of an owner', async () => {
      await this.#ensureIndexed();
      const listed: OwnedRecord[] = [];
      await forEachLimited(await this.#owners.ids(owner), async (id) => {
        const read = await this.#readRecord(this.#pathFor(id, RECORD_SUFFIX), false);
        if (read.state === 'live' && read.record.owner === owner) listed.push({ id, record: read.record });
        // A marker of a record gone or given to another owner is stale; expired ones are left to prune.
        else if (read.state === 'missing' || read.state === 'corrupt' || read.record.owner !== owner) await this.#owners.remove(owner, id);
      });
      return listed;
    });
  }

  /** Indexes every owned record once, for a directory written before the owner index existed. */
  async #ensureIndexed(): Promise<void> {
    if (this.#indexed) return;
    if (!(await this.#owners.complete())) {
      await forEachLimited(await this.#list(), async (name) => {
        const id = RECORD_FILE.exec(name)?.[1];
        if (id === undefined) return;
        const read = await this.#readRecord(this.#pathFor(id, RECORD_SUFFIX), false);
        if ((read.state === 'live' || read.state === 'expired') && read.record.owner !== undefined) await this.#owners.add(read.record.owner, id);
      });
      await this.#owners.markComplete();
    }
    this.#indexed = true;
  }

  /**
   * Deletes expired and corrupt session files, temporary files left by killed processes (older than
   * a minute) and abandoned lock files; returns how many session files were deleted. Runs by itself
   * every `pruneIntervalMs`. Reads every session file: O(number of sessions in the directory).
   */
  async prune(): Promise<number> {
    // One scan at a time: a caller arriving during a scan shares its result.
    this.#pruning ??= this.#run('pruning sessions', () => this.#prune()).finally(() => {
      this.#pruning = undefined;
    });
    return this.#pruning;
  }

  /**
   * Deletes every session file of the directory (each under its write lock, so that no concurrent
   * write brings one back), plus orphaned temporary files and abandoned locks. Locks held by live
   * processes are left to their holders; files this store did not create are left alone.
   */
  async clear(): Promise<void> {
    await this.#run('clearing sessions', async () => {
      await forEachLimited(await this.#list(), async (name) => {
        const id = RECORD_FILE.exec(name)?.[1];
        if (id === undefined) return this.#tidy(name);
        const file = this.#pathFor(id, RECORD_SUFFIX);
        await this.#withWriteLock(id, () => unlinkIfPresent(file));
      });
      await this.#owners.clear();
      this.#indexed = false;
    });
  }

  /** Stops the prune timer and waits for a running prune. Files stay; the store still works if used again. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#pruneTimer !== undefined) clearInterval(this.#pruneTimer);
    this.#pruneTimer = undefined;
    await this.#pruning?.catch(() => undefined);
  }

  /** Runs `action`, turning filesystem errors into `StoreUnavailableError` that say what to check. */
  async #run<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw this.#unavailable(what, error);
    }
  }

  #unavailable(what: string, error: unknown): SessError {
    const code = errorCode(error);
    const advice =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? `give this process read and write access to ${this.directory}`
        : code === 'ENOSPC' || code === 'EDQUOT'
          ? `free disk space for ${this.directory}`
          : code === 'EMFILE' || code === 'ENFILE'
            ? 'raise the open-file limit (ulimit -n) or lower the load'
            : `check that ${this.directory} is a writable directory on a local disk`;
    return storeFailure(STORE_NAME, what, error, advice);
  }

  /**
   * The path of `<id><suffix>` in the directory. The ID is checked against `STORE_ID_PATTERN` first,
   * and the final path is checked to sit directly in the directory (defence in depth: the pattern
   * alone already rules out separators and dots).
   */
  #pathFor(id: string, suffix: string): string {
    assertValidStoreId(id, STORE_NAME);
    const path = resolve(this.directory, id + suffix);
    if (dirname(path) !== this.directory) {
      throw new InvalidSessionIdError(`[${STORE_NAME}] refused a session ID that would leave the session directory`);
    }
    return path;
  }

  /** Reads and checks one session file. Reports a corrupt file to `onError` when `report` is set. */
  async #readRecord(file: string, report: boolean): Promise<ReadResult> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { state: 'missing' };
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (report) this.#report(new CorruptSessionFileError(file, 'not valid JSON', { cause: error }));
      return { state: 'corrupt' };
    }
    const record = toSessionRecord(value);
    if (!record) {
      if (report) this.#report(new CorruptSessionFileError(file, 'not a session record'));
      return { state: 'corrupt' };
    }
    return { state: record.expiresAt <= Date.now() ? 'expired' : 'live', record };
  }

  #report(error: SessError): void {
    try {
      this.#onError?.(error);
    } catch {
      // A throwing hook must not turn a handled problem into a failed request.
    }
  }

  /** Writes one record atomically. */
  #write(file: string, record: SessionRecord): Promise<void> {
    const content: { data: StoredData; createdAt: number; expiresAt: number; owner?: string } = {
      data: record.data,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
    };
    if (record.owner !== undefined) content.owner = record.owner;
    return writeFileAtomic(file, JSON.stringify(content), { mode: 0o600, fsync: this.#fsync });
  }

  /** Read-modify-write of a live record under its write lock (`touch`, `patch`). */
  async #update(
    what: string,
    id: string,
    expiresAt: number,
    change: (record: SessionRecord) => SessionRecord,
  ): Promise<void> {
    const file = this.#pathFor(id, RECORD_SUFFIX);
    await this.#run(what, () =>
      this.#withWriteLock(id, async () => {
        const current = await this.#readRecord(file, true);
        if (current.state === 'missing' || current.state === 'corrupt') return;
        if (current.state === 'expired' || expiresAt <= Date.now()) await unlinkIfPresent(file);
        else await this.#write(file, change(current.record));
      }),
    );
  }

  /**
   * Runs `action` holding the write lock of one session (`<id>.write.lock`), waiting up to
   * `lockWaitMs` for it. Writes of this instance queue in memory first and only then compete, with
   * other processes, for the file.
   */
  async #withWriteLock<T>(id: string, action: () => Promise<T>): Promise<T> {
    const path = this.#pathFor(id, WRITE_LOCK_SUFFIX);
    // Writes of this instance to one ID reach the lock file one at a time.
    return this.#writeQueue.run(id, async () => {
      let held: HeldLockFile | undefined;
      try {
        await pollForLock(
          async () => {
            held = await this.#tryLock(path, this.#lockStaleMs);
            return held && (async () => undefined);
          },
          { ttlMs: this.#lockStaleMs, waitMs: this.#lockWaitMs },
          STORE_NAME,
        );
      } catch (error) {
        if (!LockTimeoutError.isInstance(error)) throw error;
        throw new StoreUnavailableError(
          STORE_NAME,
          `another process kept writing the session for over ${this.#lockWaitMs} ms (lock file ${path}). ` +
            `A lock left by a crashed process is taken over after lockStaleMs (${this.#lockStaleMs} ms); ` +
            'if this persists, look for a process stuck on the session directory.',
          { cause: error },
        );
      }
      const lock = held as HeldLockFile;
      try {
        return await action();
      } finally {
        await releaseLockFile(lock, this.#lockStaleMs).catch((error: unknown) => {
          // The write itself succeeded; an unreleased lock only delays the next write until it is stale.
          this.#report(this.#unavailable('releasing a write lock', error));
        });
      }
    });
  }

  /** One attempt at a lock file, creating the directory first (again, if it was removed under us). */
  async #tryLock(path: string, ttlMs: number): Promise<HeldLockFile | undefined> {
    await this.#ensureDirectory();
    this.#startPruneTimer();
    try {
      return await tryLockFile(path, ttlMs, this.#lockStaleMs);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      this.#directoryReady = undefined;
      await this.#ensureDirectory();
      return tryLockFile(path, ttlMs, this.#lockStaleMs);
    }
  }

  #unlockFor(held: HeldLockFile): Unlock {
    let released: Promise<void> | undefined;
    return () => {
      released ??= this.#run('releasing a session lock', () => releaseLockFile(held, this.#lockStaleMs)).catch(
        (error: unknown) => {
          released = undefined; // let a later call try again
          throw error;
        },
      );
      return released;
    };
  }

  #ensureDirectory(): Promise<void> {
    this.#directoryReady ??= mkdir(this.directory, { recursive: true, mode: 0o700 })
      .then(() => this.#refuseSharedDirectory())
      .then(
        () => undefined,
        (error: unknown) => {
          this.#directoryReady = undefined;
          throw error;
        },
      );
    return this.#directoryReady;
  }

  /**
   * Refuses a directory that other accounts can write to (group- or world-writable): they could
   * plant, replace or delete session files there. Checked before the first write; Windows has no
   * such mode bits.
   */
  async #refuseSharedDirectory(): Promise<void> {
    if (process.platform === 'win32') return;
    const { mode } = await stat(this.directory);
    if ((mode & 0o022) === 0) return;
    throw new StoreUnavailableError(
      'file',
      `the sessions directory ${this.directory} is writable by other accounts (mode ${(mode & 0o777).toString(8)}), which could plant or replace session files: run \`chmod go-w ${this.directory}\``,
    );
  }

  #startPruneTimer(): void {
    if (this.#pruneTimer !== undefined || this.#closed || this.#pruneIntervalMs === 0) return;
    this.#pruneTimer = setInterval(() => {
      this.prune().catch((error: unknown) => this.#report(this.#unavailable('pruning sessions', error)));
    }, this.#pruneIntervalMs);
    // Pruning alone must never keep the process alive.
    this.#pruneTimer.unref();
  }

  /** The names in the directory; none when it does not exist yet. */
  async #list(): Promise<string[]> {
    try {
      return await readdir(this.directory);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  async #prune(): Promise<number> {
    let count = 0;
    await forEachLimited(await this.#list(), async (name) => {
      const id = RECORD_FILE.exec(name)?.[1];
      if (id === undefined) return this.#tidy(name);
      const read = await this.#readRecord(this.#pathFor(id, RECORD_SUFFIX), true);
      if ((read.state === 'expired' || read.state === 'corrupt') && (await this.#removeIfDead(id))) count += 1;
    });
    await this.#owners.sweep(async (id) => (await this.#readRecord(this.#pathFor(id, RECORD_SUFFIX), false)).state !== 'missing');
    return count;
  }

  /**
   * Deletes the session file of `id` if it is expired or corrupt, re-checked under its write lock so
   * that a concurrent write is never undone. Tries the lock once: a busy session is left for later.
   */
  async #removeIfDead(id: string): Promise<boolean> {
    const file = this.#pathFor(id, RECORD_SUFFIX);
    const held = await tryLockFile(this.#pathFor(id, WRITE_LOCK_SUFFIX), this.#lockStaleMs, this.#lockStaleMs);
    if (!held) return false;
    try {
      const read = await this.#readRecord(file, false);
      if (read.state !== 'expired' && read.state !== 'corrupt') return false;
      return await unlinkIfPresent(file);
    } finally {
      await releaseLockFile(held, this.#lockStaleMs);
    }
  }

  /** Removes an orphaned temporary file or an abandoned lock; leaves anything else alone. */
  async #tidy(name: string): Promise<void> {
    const path = resolve(this.directory, name);
    if (TEMPORARY_FILE.test(name)) {
      try {
        const stats = await stat(path);
        if (stats.mtimeMs + Math.max(TEMPORARY_FILE_MAX_AGE_MS, this.#lockStaleMs) <= Date.now()) {
          await unlinkIfPresent(path);
        }
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    } else if (LOCK_FILE.test(name)) {
      await removeStaleLockFile(path, this.#lockStaleMs);
    } else if (BREAK_FILE.test(name)) {
      await removeStaleBreakGuard(path, this.#lockStaleMs);
    }
  }
}

function checkDuration(option: string, value: number, minimum: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
    throw new SessionConfigError(
      `[${STORE_NAME}] ${option} must be a finite number of ms, ${minimum} or more, got ${String(value)}`,
    );
  }
  return value;
}

/** The record in a parsed session file, or `undefined` when the value is not one. */
function toSessionRecord(value: unknown): SessionRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { data, createdAt, expiresAt, owner } = value as Record<string, unknown>;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  if (typeof createdAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  if (owner !== undefined && typeof owner !== 'string') return undefined;
  const record: SessionRecord = { data: data as StoredData, createdAt, expiresAt };
  if (owner !== undefined) record.owner = owner;
  return record;
}

/** Runs `action` on every item, at most {@link SCAN_CONCURRENCY} at a time. */
async function forEachLimited<T>(items: readonly T[], action: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await action(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, items.length) }, worker));
}
