/**
 * The contract between the core and a session store. A store only keeps records: cookies, signing,
 * serialization of rich values and every expiry rule stay in the core. See the README of
 * `@sess/store-test-suite` for the guide to writing one.
 */

/** A JSON value: what a store is given as session data (the core's codec has already run). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The session's values, keyed by top-level name, as the store keeps them (JSON-safe). */
export type StoredData = Record<string, JsonValue>;

/** What a store keeps for one session. */
export interface SessionRecord {
  /** The session's values, already encoded to JSON-safe values by the core's codec. */
  data: StoredData;
  /** Epoch milliseconds of creation; the absolute timeout counts from here. */
  createdAt: number;
  /** Epoch milliseconds after which the record is dead; stores use it as their TTL. */
  expiresAt: number;
  /** The user this session belongs to, for ending every session of one user. */
  owner?: string;
}

/** A record with the ID it is stored under, as {@link Store.listByOwner} returns it. */
export interface OwnedRecord {
  /** The store ID (never a cookie value: with `hashIds` a hash of the session ID). */
  id: string;
  /** The record, as `get` would return it. */
  record: SessionRecord;
}

/** The top-level keys one request changed: values to write and keys to remove. */
export interface SessionPatch {
  /** Keys to write, with their new JSON-safe values. */
  set: StoredData;
  /** Keys to remove. */
  unset: string[];
}

/** Options of {@link Store.lock}. */
export interface LockOptions {
  /** How long the lock lives if its holder never releases it (a crashed process), in ms. */
  ttlMs: number;
  /** How long to wait for a lock held by someone else before giving up with `LockTimeoutError`, in ms. */
  waitMs: number;
}

/** Releases a lock taken with {@link Store.lock}. Safe to call twice; never releases someone else's lock. */
export type Unlock = () => Promise<void>;

/**
 * The record operations of a {@link Store} as synchronous methods, for a store that keeps its
 * records in the process's own memory ({@link Store.sync}). Each method does exactly what its
 * asynchronous counterpart does (same arguments, same result, same errors, thrown instead of
 * rejected), and `touch` / `patch` are here exactly when the store has them.
 */
export interface SyncStoreMethods {
  /** {@link Store.get}, answered on the spot. */
  get(id: string): SessionRecord | undefined;
  /** {@link Store.set}, done on the spot. */
  set(id: string, record: SessionRecord): void;
  /** {@link Store.destroy}, done on the spot. */
  destroy(id: string): void;
  /** {@link Store.touch}, done on the spot. */
  touch?(id: string, expiresAt: number): void;
  /** {@link Store.patch}, done on the spot. */
  patch?(id: string, change: SessionPatch, expiresAt: number): void;
}

/**
 * A session store. `get`, `set` and `destroy` are required; every other method is a capability the
 * core detects at run time and uses when present.
 *
 * IDs handed to a store always match {@link STORE_ID_PATTERN}; with the default `hashIds` they are
 * SHA-256 hashes of the cookie's ID, so a leaked store cannot be replayed as cookies.
 */
export interface Store {
  /** Short name used in error messages and logs, e.g. `redis`. */
  readonly name?: string;
  /** The record, or `undefined` when absent or expired (`expiresAt <= Date.now()`). */
  get(id: string): Promise<SessionRecord | undefined>;
  /** Inserts or replaces the record. */
  set(id: string, record: SessionRecord): Promise<void>;
  /** Deletes the record; deleting a missing record is a no-op. */
  destroy(id: string): Promise<void>;
  /** Moves the record's `expiresAt` without rewriting its data. A missing record stays missing. */
  touch?(id: string, expiresAt: number): Promise<void>;
  /**
   * Applies only the keys one request changed, atomically with respect to other patches of the same
   * record, and moves `expiresAt`. A missing or expired record stays missing (a concurrent logout wins).
   */
  patch?(id: string, change: SessionPatch, expiresAt: number): Promise<void>;
  /**
   * Takes a cross-process lock on one session, waiting up to `waitMs` for a holder to release it.
   * Rejects with `LockTimeoutError` when the wait runs out.
   */
  lock?(id: string, options: LockOptions): Promise<Unlock>;
  /** Deletes every record whose `owner` is `owner`; returns how many were deleted. */
  destroyByOwner?(owner: string): Promise<number>;
  /**
   * The live records whose `owner` is `owner`, in any order; expired records are never listed.
   * Found through an index on the owner: the cost grows with that owner's sessions, not with the
   * store's size. The session registry (`sessions.list`, `revoke`, `revokeOthers`) needs it.
   */
  listByOwner?(owner: string): Promise<OwnedRecord[]>;
  /** Deletes expired records (for stores without native expiry); returns how many were deleted. */
  prune?(): Promise<number>;
  /** Deletes every record of this store (only its own: its prefix, table or folder). */
  clear?(): Promise<void>;
  /** Releases connections, timers and handles so that the process can exit. */
  close?(): Promise<void>;
  /**
   * Optional, for stores whose records live in the process's own memory (`MemoryStore`): the same
   * record operations, answered synchronously. The core then calls these instead of the
   * asynchronous methods (and sets no deadline: they cannot hang), so that a request costs no
   * promise and no tick for its store calls. A store that answers over I/O must leave it out;
   * nothing changes for stores without it. Where it is present the core calls only these for the
   * five operations, so a wrapper or subclass that changes one of the asynchronous methods must
   * change its twin here too, or leave `sync` out. `@sess/store-test-suite` runs its whole suite
   * through these methods too when a store declares `sync`.
   */
  readonly sync?: SyncStoreMethods;
}

/**
 * Every ID a store receives matches this: 16 to 128 base64url characters. Stores may check it again
 * (a file store must), which makes path traversal or key injection impossible whatever the caller.
 */
export const STORE_ID_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** True when `id` is a well-formed store ID (see {@link STORE_ID_PATTERN}). */
export function isValidStoreId(id: unknown): id is string {
  if (typeof id !== 'string' || id.length < 16 || id.length > 128) return false;
  // STORE_ID_PATTERN by character code: this runs on every store call, and a loop costs about a
  // third of what the regular expression does on a 43-character ID.
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (!((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45 || code === 95)) return false;
  }
  return true;
}
