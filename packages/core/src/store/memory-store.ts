/**
 * The default store: records in a bounded in-process map. Fit for one process only (tests, demos,
 * development, a single-instance app): nothing is shared between processes and nothing survives a
 * restart.
 */
import { LockTimeoutError, SessionConfigError } from '../errors.js';
import { LruMap } from '../support/lru-map.js';
import { refuseUnknownOptions } from '../options/option-names.js';
import { assertValidStoreId, lockToken } from './store-helpers.js';
import { setOwn } from '../session/own-keys.js';
import type { JsonValue, LockOptions, OwnedRecord, SessionPatch, SessionRecord, Store, StoredData, SyncStoreMethods, Unlock } from './store.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Most records kept at once. Past it, the least recently used record is evicted (its user is
   * logged out), so that a flood of new visitors cannot exhaust the process's memory.
   * @default 10_000
   */
  maxEntries?: number;
  /**
   * How often expired records are swept away, in ms. Expired records are never returned either
   * way; the sweep only frees their memory. `0` turns the sweep off.
   * @default 60_000
   */
  sweepIntervalMs?: number;
  /**
   * Name used in error messages.
   * @default 'memory'
   */
  name?: string;
}

/**
 * The JSON text of each value of `data`, as an entry keeps them. A value JSON cannot represent
 * (`undefined`, a function) is left out, as `JSON.stringify` of the whole record would.
 */
function serializeValues(data: StoredData): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const key of Object.keys(data)) {
    const text = JSON.stringify(data[key]) as string | undefined;
    if (text !== undefined) setOwn(texts, key, text);
  }
  return texts;
}

/** A fresh copy of an entry's values: new objects on every call, keys such as `__proto__` kept as data. */
function parseValues(texts: Record<string, string>): StoredData {
  const data: StoredData = {};
  for (const key of Object.keys(texts)) setOwn(data, key, JSON.parse(texts[key]!) as JsonValue);
  return data;
}

let warned = false;

/**
 * Says once per process, under `NODE_ENV=production`, what a `MemoryStore` means there: sessions
 * lost at every restart and not shared between processes.
 */
function warnInProduction(): void {
  if (warned) return;
  let mode: string | undefined;
  try {
    mode = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.NODE_ENV;
  } catch {
    // Deno without --allow-env refuses the read: then nothing says production.
    return;
  }
  if (mode !== 'production') return;
  warned = true;
  console.warn(
    '[sess] MemoryStore keeps sessions in this process only: every restart logs everyone out, and ' +
      'several processes do not share them. In production use a store package (@sess/store-redis, ' +
      "@sess/store-postgres, @sess/store-sqlite...) or cookie sessions (store: 'cookie').",
  );
}

/**
 * One stored record. Each value is kept as its JSON text, so that no caller can share a reference
 * with it (values are copied in and out, as with a real backend), and so that a `patch` serializes
 * only the values it changes, instead of parsing and serializing the whole record again.
 */
interface Entry {
  /** Top-level key → JSON text of its value. Owned by the entry: no caller ever sees this object. */
  data: Record<string, string>;
  createdAt: number;
  expiresAt: number;
  owner: string | undefined;
}

/** One held lock: who holds it, until when, and who is waiting for it. */
interface HeldLock {
  token: string;
  expiresAt: number;
  waiters: Set<() => void>;
}

/**
 * A {@link Store} that keeps records in memory, for **one process only**: every instance of an app
 * has its own sessions, and all of them are lost on restart. Use a shared store (Redis, a database,
 * files) as soon as more than one process serves the same users.
 *
 * - Bounded: past `maxEntries` the least recently used record is evicted.
 * - Expired records are never returned, and are swept by a timer that does not keep the process alive.
 *   The timer starts at the first write (not in the constructor), so that creating a store at module
 *   scope works on runtimes that forbid timers there (Cloudflare Workers).
 * - Records are copied in and out (as JSON), so mutating a record given to or returned by the store
 *   never changes the stored one, exactly as with a real backend.
 * - Capabilities: `touch`, `patch` (atomic: JavaScript runs one call at a time), `lock` (in-process),
 *   `destroyByOwner` and `listByOwner` (through an index by owner), `prune`, `clear` and `close`;
 *   `sync`: the record operations answered synchronously, which the core uses so that a request
 *   costs no promise for its store calls.
 *
 * @example
 * ```ts
 * const sessions = createSessions({ store: new MemoryStore({ maxEntries: 50_000 }), secret });
 * ```
 */
export class MemoryStore implements Store {
  /** Name used in error messages. */
  readonly name: string;
  readonly #maxEntries: number;
  readonly #sweepIntervalMs: number;
  /** Insertion order is recency order: every access moves an entry to the end, eviction takes the first. */
  readonly #entries: LruMap<string, Entry>;
  readonly #locks = new Map<string, HeldLock>();
  /** Store IDs by owner, so that listing one owner's sessions costs what that owner has. */
  readonly #byOwner = new Map<string, Set<string>>();
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /**
   * {@link Store.sync}: `get`, `set`, `destroy`, `touch` and `patch`, answered on the spot. Absent
   * on an instance of a subclass that overrides one of these methods (to log or count calls): the
   * core would call the synchronous ones and skip the override.
   */
  readonly sync: Required<SyncStoreMethods> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    refuseUnknownOptions('MemoryStore', options, ['maxEntries', 'sweepIntervalMs', 'name']);
    this.name = options.name ?? 'memory';
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) {
      throw new SessionConfigError(
        `[${this.name}] maxEntries must be a positive integer, got ${String(options.maxEntries)}`,
      );
    }
    if (!Number.isFinite(this.#sweepIntervalMs) || this.#sweepIntervalMs < 0) {
      throw new SessionConfigError(
        `[${this.name}] sweepIntervalMs must be a finite number of ms, 0 or more (0 turns the sweep off), got ${String(options.sweepIntervalMs)}`,
      );
    }
    this.#entries = new LruMap(this.#maxEntries, (id, entry) => this.#unindex(id, entry));
    const own = MemoryStore.prototype;
    const overridden = this.get !== own.get || this.set !== own.set || this.destroy !== own.destroy || this.touch !== own.touch || this.patch !== own.patch;
    this.sync = overridden
      ? undefined
      : {
          get: (id) => this.#get(id),
          set: (id, record) => this.#set(id, record),
          destroy: (id) => this.#destroy(id),
          touch: (id, expiresAt) => this.#touch(id, expiresAt),
          patch: (id, change, expiresAt) => this.#patch(id, change, expiresAt),
        };
    warnInProduction();
  }

  /** How many records are held, counting expired ones not yet swept. */
  get size(): number {
    return this.#entries.size;
  }

  /** The record, or `undefined` when absent or expired. */
  async get(id: string): Promise<SessionRecord | undefined> {
    return this.#get(id);
  }

  /** Inserts or replaces the record; a record that is already expired is not kept. */
  async set(id: string, record: SessionRecord): Promise<void> {
    this.#set(id, record);
  }

  /** Deletes the record; deleting a missing record is a no-op. */
  async destroy(id: string): Promise<void> {
    this.#destroy(id);
  }

  #get(id: string): SessionRecord | undefined {
    assertValidStoreId(id, this.name);
    const entry = this.#live(id, Date.now());
    if (!entry) return undefined;
    const record: SessionRecord = {
      data: parseValues(entry.data),
      createdAt: entry.createdAt,
      expiresAt: entry.expiresAt,
    };
    if (entry.owner !== undefined) record.owner = entry.owner;
    return record;
  }

  #set(id: string, record: SessionRecord): void {
    assertValidStoreId(id, this.name);
    if (record.expiresAt <= Date.now()) {
      this.#delete(id);
      return;
    }
    this.#write(id, {
      data: serializeValues(record.data),
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      owner: record.owner,
    });
  }

  #destroy(id: string): void {
    assertValidStoreId(id, this.name);
    this.#delete(id);
  }

  /**
   * The live entry of `id` that `touch` or `patch` is to move to `expiresAt`, or `undefined` when
   * there is nothing to write: no live entry, or a deadline already past (the entry is deleted).
   */
  #moving(id: string, expiresAt: number): Entry | undefined {
    assertValidStoreId(id, this.name);
    const entry = this.#live(id, Date.now());
    if (!entry) return undefined;
    if (expiresAt <= Date.now()) {
      this.#delete(id);
      return undefined;
    }
    return entry;
  }

  /** Moves `expiresAt` without rewriting the data. A missing record stays missing; a past `expiresAt` deletes it. */
  async touch(id: string, expiresAt: number): Promise<void> {
    this.#touch(id, expiresAt);
  }

  /** Applies `change` to the stored data and moves `expiresAt`. A missing or expired record stays missing. */
  async patch(id: string, change: SessionPatch, expiresAt: number): Promise<void> {
    this.#patch(id, change, expiresAt);
  }

  #touch(id: string, expiresAt: number): void {
    const entry = this.#moving(id, expiresAt);
    if (entry) this.#write(id, { ...entry, expiresAt });
  }

  #patch(id: string, change: SessionPatch, expiresAt: number): void {
    const entry = this.#moving(id, expiresAt);
    if (!entry) return;
    // Synchronous from the read to the write: no other call can interleave, so the patch is atomic.
    // The entry's own value texts, changed in place: only the replaced entry ever held them.
    const data = entry.data;
    for (const key of Object.keys(change.set)) {
      const text = JSON.stringify(change.set[key]) as string | undefined;
      if (text === undefined) delete data[key];
      else setOwn(data, key, text);
    }
    for (const key of change.unset) delete data[key];
    this.#write(id, { ...entry, data, expiresAt });
  }

  /**
   * Takes an in-process lock on one session. Waiters are woken when the holder releases it or when
   * its `ttlMs` runs out (a holder that never released), and give up with `LockTimeoutError` after
   * `waitMs`. The returned unlock frees only its own lock, never a later holder's.
   */
  async lock(id: string, options: LockOptions): Promise<Unlock> {
    assertValidStoreId(id, this.name);
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      const now = Date.now();
      const held = this.#locks.get(id);
      if (!held || held.expiresAt <= now) return this.#acquire(id, options.ttlMs, held);
      const left = deadline - now;
      if (left <= 0) {
        throw new LockTimeoutError(
          `[${this.name}] could not lock the session within ${options.waitMs} ms: another request holds it. ` +
            'Raise the lock wait, or look for a request that keeps the session locked too long.',
        );
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          held.waiters.delete(wake);
          resolve();
        };
        // Wake at the release, at the holder's expiry or at our own deadline, whichever comes first.
        const timer = setTimeout(wake, Math.min(left, held.expiresAt - now));
        held.waiters.add(wake);
      });
    }
  }

  /** Deletes every record of `owner`; returns how many live records were deleted. */
  async destroyByOwner(owner: string): Promise<number> {
    const now = Date.now();
    let count = 0;
    for (const id of [...(this.#byOwner.get(owner) ?? [])]) {
      const entry = this.#entries.peek(id);
      if (entry === undefined || entry.owner !== owner) continue;
      this.#delete(id);
      if (entry.expiresAt > now) count += 1;
    }
    return count;
  }

  /** The live records of `owner`, through an index by owner (no scan of the other records). */
  async listByOwner(owner: string): Promise<OwnedRecord[]> {
    const now = Date.now();
    const listed: OwnedRecord[] = [];
    for (const id of this.#byOwner.get(owner) ?? []) {
      // Peek: listing is not a use of the session, so it does not save a record from eviction.
      const entry = this.#entries.peek(id);
      if (entry === undefined || entry.owner !== owner || entry.expiresAt <= now) continue;
      listed.push({ id, record: { data: parseValues(entry.data), createdAt: entry.createdAt, expiresAt: entry.expiresAt, owner } });
    }
    return listed;
  }

  /** Deletes expired records now (the sweep timer does the same periodically); returns how many. */
  async prune(): Promise<number> {
    return this.#sweep();
  }

  /** Deletes every record. Held locks are left to their holders. */
  async clear(): Promise<void> {
    this.#entries.clear();
    this.#byOwner.clear();
  }

  /** Stops the sweep timer. Records stay readable; expiry is still enforced on every read. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }

  /** The entry if it exists and is live (and now the most recently used); an expired one is deleted on the way. */
  #live(id: string, now: number): Entry | undefined {
    const entry = this.#entries.get(id);
    if (entry && entry.expiresAt <= now) {
      this.#delete(id);
      return undefined;
    }
    return entry;
  }

  /** Stores an entry as the most recently used one; the map evicts the least recently used past the bound. */
  #write(id: string, entry: Entry): void {
    const previous = this.#entries.peek(id);
    if (previous !== undefined && previous.owner !== entry.owner) this.#unindex(id, previous);
    if (entry.owner !== undefined) {
      let ids = this.#byOwner.get(entry.owner);
      if (ids === undefined) this.#byOwner.set(entry.owner, (ids = new Set()));
      ids.add(id);
    }
    this.#entries.set(id, entry);
    this.#startSweep();
  }

  /** Deletes one record and its place in the owner index. */
  #delete(id: string): void {
    const entry = this.#entries.peek(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    this.#unindex(id, entry);
  }

  #unindex(id: string, entry: Entry): void {
    if (entry.owner === undefined) return;
    const ids = this.#byOwner.get(entry.owner);
    ids?.delete(id);
    if (ids?.size === 0) this.#byOwner.delete(entry.owner);
  }

  #sweep(): number {
    const now = Date.now();
    let count = 0;
    for (const [id, entry] of this.#entries.entries()) {
      if (entry.expiresAt <= now) {
        this.#delete(id);
        count += 1;
      }
    }
    return count;
  }

  #startSweep(): void {
    if (this.#sweepTimer !== undefined || this.#closed || this.#sweepIntervalMs === 0) return;
    this.#sweepTimer = setInterval(() => this.#sweep(), this.#sweepIntervalMs);
    // Node and Bun: a sweep alone must not keep the process alive. Other runtimes have no unref.
    (this.#sweepTimer as { unref?: () => void }).unref?.();
  }

  #acquire(id: string, ttlMs: number, previous: HeldLock | undefined): Unlock {
    const token = lockToken();
    const held: HeldLock = { token, expiresAt: Date.now() + ttlMs, waiters: previous?.waiters ?? new Set() };
    this.#locks.set(id, held);
    return async () => {
      // Token check: after our ttl ran out someone else may hold the lock; theirs must stay.
      if (this.#locks.get(id)?.token !== token) return;
      this.#locks.delete(id);
      for (const wake of [...held.waiters]) wake();
    };
  }
}
