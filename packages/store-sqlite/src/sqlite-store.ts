import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import {
  assertValidStoreId,
  lockToken,
  pollForLock,
  SessionConfigError,
  StoreUnavailableError,
  type JsonValue,
  type LockOptions,
  type OwnedRecord,
  type SessionPatch,
  type SessionRecord,
  type Store,
  type StoredData,
  type Unlock,
  storeFailure,
  refuseUnknownOptions,
} from '@sess/core';
import { sessionTableNames, sessionTableSchema } from './session-table-schema.js';

const STORE_NAME = 'sqlite';

/** Options of {@link SqliteStore}. Give either `path` or `database`, not both. */
export interface SqliteStoreOptions {
  /**
   * File of the database the store opens (created if missing; its folder must exist). The store
   * puts it in WAL mode with `synchronous = NORMAL` and closes it in `close()`.
   * @default './.sessions.db'
   */
  path?: string;
  /**
   * A better-sqlite3 `Database` you opened yourself, for example to share one file with your app.
   * The store creates its tables in it but leaves its pragmas (journal mode, synchronous) to you,
   * and `close()` does not close it.
   * @default undefined (the store opens `path`)
   */
  database?: SqliteDatabase;
  /**
   * Name of the sessions table (a plain identifier: letters, digits, underscores). The lock table
   * is `<tableName>_locks`. Both are created when missing.
   * @default 'sessions'
   */
  tableName?: string;
  /**
   * How often expired sessions and locks are deleted in the background, in ms; `0` turns the timer
   * off (call `prune()` yourself). The timer is unref'd: it never keeps the process alive.
   * @default 300000 (5 minutes)
   */
  pruneIntervalMs?: number;
  /**
   * How long a write waits for another connection's write to finish before failing with
   * `StoreUnavailableError`, in ms (SQLite's `busy_timeout`). The driver is synchronous, so the wait
   * blocks the event loop: keep it short. Kept under the core's 2 s store timeout so that the error
   * names the real cause. With `database`, the busy timeout is only changed when this is given.
   * @default 1000
   */
  busyTimeoutMs?: number;
}

/** A row of the sessions table as better-sqlite3 returns it. */
interface SessionRow {
  data: string;
  created_at: number;
  expires_at: number;
  owner: string | null;
}

/** The record of a row, or `undefined` when its data is not readable as a session. */
function toRecord(row: SessionRow): SessionRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    // Only an outside write can put invalid JSON here; treating it as no session lets the core
    // start a fresh one (and overwrite the row) instead of failing every request of that user.
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const record: SessionRecord = { data: data as StoredData, createdAt: row.created_at, expiresAt: row.expires_at };
  if (row.owner !== null) record.owner = row.owner;
  return record;
}

/** Prepared statements whose SQL never changes, created once per store. */
interface FixedStatements {
  get: Statement<[string, number], SessionRow>;
  set: Statement<[string, string, number, number, string | null]>;
  destroy: Statement<[string]>;
  touch: Statement<[number, string, number]>;
  destroyByOwner: Statement<[string], { expires_at: number }>;
  listByOwner: Statement<[string, number], SessionRow & { id: string }>;
  prune: Statement<[number]>;
  pruneLocks: Statement<[number]>;
  clear: Statement<[]>;
  lock: Statement<[string, string, number, number], { token: string }>;
  unlock: Statement<[string, string]>;
}

/**
 * Keys per `json_set` / `json_remove` call. Older SQLite builds allow only 127 arguments per
 * function (SQLITE_MAX_FUNCTION_ARG), so longer patches nest several calls inside one expression.
 */
const KEYS_PER_CALL = 60;
/**
 * Keys per UPDATE statement. SQLite allows 32766 bound parameters per statement; a patch past this
 * (tens of thousands of keys) is split into several UPDATEs inside one transaction.
 */
const KEYS_PER_STATEMENT = 4000;
/** How many patch statements (one per shape: number of keys set and removed) stay prepared. */
const PATCH_STATEMENT_CACHE_SIZE = 64;

/**
 * Session store on SQLite through better-sqlite3: one row per session, JSON data, WAL mode.
 *
 * - `patch` changes only the keys a request changed, in one UPDATE with `json_set` / `json_remove`,
 *   so concurrent requests (even from other processes on the same file) never erase each other's keys.
 * - `lock` works across processes through a lock table, since SQLite has no advisory locks.
 * - Expired rows are never returned and are deleted by `prune()`, which a background timer calls.
 *
 * The methods are async to fit the `Store` contract; the driver itself is synchronous, which is what
 * makes each method's statement run without interleaving inside one process.
 */
export class SqliteStore implements Store {
  /** Short name used in error messages. */
  readonly name = STORE_NAME;

  private readonly database: SqliteDatabase;
  private readonly ownsDatabase: boolean;
  private readonly tableName: string;
  private readonly statements: FixedStatements;
  private readonly patchStatements = new Map<string, Statement<unknown[]>>();
  private readonly pruneTimer: ReturnType<typeof setInterval> | undefined;
  private readonly busyTimeoutMs: number | undefined;
  private closed = false;

  /**
   * Opens (or adopts) the database and creates the tables when missing. Throws `SessionConfigError`
   * for invalid options and `StoreUnavailableError` when the file cannot be opened.
   */
  constructor(options: SqliteStoreOptions = {}) {
    refuseUnknownOptions('SqliteStore', options, ['path', 'database', 'tableName', 'pruneIntervalMs', 'busyTimeoutMs'], { filename: 'the database file is `path`', file: 'the database file is `path`' });
    const tableName = options.tableName ?? 'sessions';
    const names = sessionTableNames(tableName);
    const pruneIntervalMs = options.pruneIntervalMs ?? 5 * 60_000;
    if (!Number.isFinite(pruneIntervalMs) || pruneIntervalMs < 0) {
      throw new SessionConfigError(`[${STORE_NAME}] pruneIntervalMs must be 0 (off) or a positive number of ms, got ${pruneIntervalMs}`);
    }
    if (options.busyTimeoutMs !== undefined && (!Number.isInteger(options.busyTimeoutMs) || options.busyTimeoutMs < 0)) {
      throw new SessionConfigError(`[${STORE_NAME}] busyTimeoutMs must be a non-negative integer of ms, got ${options.busyTimeoutMs}`);
    }
    if (options.database !== undefined && options.path !== undefined) {
      throw new SessionConfigError(`[${STORE_NAME}] give either path or database, not both`);
    }
    this.tableName = tableName;

    if (options.database !== undefined) {
      if (!options.database.open) {
        throw new SessionConfigError(`[${STORE_NAME}] the database given in options.database is closed; pass an open better-sqlite3 Database`);
      }
      this.database = options.database;
      this.ownsDatabase = false;
      this.busyTimeoutMs = options.busyTimeoutMs;
    } else {
      const path = options.path ?? './.sessions.db';
      this.busyTimeoutMs = options.busyTimeoutMs ?? 1000;
      try {
        this.database = new Database(path, { timeout: this.busyTimeoutMs });
      } catch (error) {
        throw this.unavailable(`open the database file ${JSON.stringify(path)}`, error);
      }
      this.ownsDatabase = true;
    }

    try {
      if (this.ownsDatabase) {
        // WAL: readers never block the writer and a commit is one append to the log. NORMAL: the
        // log is fsynced at checkpoints, not at every commit; a process crash loses nothing, a power
        // loss may lose the last commits but never corrupts the file (see the README).
        this.database.pragma('journal_mode = WAL');
        this.database.pragma('synchronous = NORMAL');
      } else if (this.busyTimeoutMs !== undefined) {
        this.database.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      }
      this.database.exec(sessionTableSchema(tableName));
      const table = `"${names.sessions}"`;
      const locks = `"${names.locks}"`;
      this.statements = {
        get: this.database.prepare(`SELECT data, created_at, expires_at, owner FROM ${table} WHERE id = ? AND expires_at > ?`),
        set: this.database.prepare(
          `INSERT INTO ${table} (id, data, created_at, expires_at, owner) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at,
             expires_at = excluded.expires_at, owner = excluded.owner`,
        ),
        destroy: this.database.prepare(`DELETE FROM ${table} WHERE id = ?`),
        touch: this.database.prepare(`UPDATE ${table} SET expires_at = ? WHERE id = ? AND expires_at > ?`),
        destroyByOwner: this.database.prepare(`DELETE FROM ${table} WHERE owner = ? RETURNING expires_at`),
        listByOwner: this.database.prepare(`SELECT id, data, created_at, expires_at, owner FROM ${table} WHERE owner = ? AND expires_at > ?`),
        prune: this.database.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`),
        pruneLocks: this.database.prepare(`DELETE FROM ${locks} WHERE expires_at <= ?`),
        clear: this.database.prepare(`DELETE FROM ${table}`),
        // Insert the lock, or take over a lock whose holder let it expire. When a live lock is held
        // by someone else the WHERE fails, nothing changes and RETURNING yields no row.
        lock: this.database.prepare(
          `INSERT INTO ${locks} (id, token, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
           WHERE ${locks}.expires_at <= ?
           RETURNING token`,
        ),
        unlock: this.database.prepare(`DELETE FROM ${locks} WHERE id = ? AND token = ?`),
      };
    } catch (error) {
      if (this.ownsDatabase) this.database.close();
      throw this.unavailable(`prepare the tables "${names.sessions}" and "${names.locks}"`, error);
    }

    if (pruneIntervalMs > 0) {
      this.pruneTimer = setInterval(() => {
        // A failed background prune is retried at the next tick; the requests that hit the same
        // problem report it with their own errors, so nothing is lost by ignoring it here.
        void this.prune().catch(() => undefined);
      }, pruneIntervalMs);
      this.pruneTimer.unref();
    }
  }

  /** The record, or `undefined` when it is absent, expired or not readable as a session. */
  async get(id: string): Promise<SessionRecord | undefined> {
    assertValidStoreId(id, STORE_NAME);
    const row = this.run('read a session', () => this.statements.get.get(id, Date.now()));
    return row === undefined ? undefined : toRecord(row);
  }

  /** Inserts or replaces the record. */
  async set(id: string, record: SessionRecord): Promise<void> {
    assertValidStoreId(id, STORE_NAME);
    const data = JSON.stringify(record.data);
    this.run('write a session', () =>
      this.statements.set.run(id, data, record.createdAt, record.expiresAt, record.owner ?? null),
    );
  }

  /** Deletes the record; deleting a missing record is a no-op. */
  async destroy(id: string): Promise<void> {
    assertValidStoreId(id, STORE_NAME);
    this.run('delete a session', () => this.statements.destroy.run(id));
  }

  /** Moves `expiresAt` without rewriting the data. A missing or expired record stays missing. */
  async touch(id: string, expiresAt: number): Promise<void> {
    assertValidStoreId(id, STORE_NAME);
    this.run('extend a session', () => this.statements.touch.run(expiresAt, id, Date.now()));
  }

  /**
   * Writes the keys of `change.set`, removes the keys of `change.unset` and moves `expiresAt`, in
   * one UPDATE that edits the stored JSON in place (`json_set` / `json_remove`): keys that another
   * request changed meanwhile survive. A missing or expired record stays missing.
   */
  async patch(id: string, change: SessionPatch, expiresAt: number): Promise<void> {
    assertValidStoreId(id, STORE_NAME);
    const setPaths: string[] = [];
    const setValues: string[] = [];
    const unsetPaths: string[] = [];
    for (const [key, value] of Object.entries(change.set)) {
      const json = JSON.stringify(value as JsonValue | undefined);
      // `set` writes JSON.stringify(data), which drops undefined values; a patch does the same.
      if (json === undefined) {
        unsetPaths.push(jsonPath(key));
      } else {
        setPaths.push(jsonPath(key));
        setValues.push(json);
      }
    }
    for (const key of change.unset) unsetPaths.push(jsonPath(key));

    const now = Date.now();
    this.run('patch a session', () => {
      if (setPaths.length + unsetPaths.length <= KEYS_PER_STATEMENT) {
        this.runPatch(id, setPaths, setValues, unsetPaths, expiresAt, now);
        return;
      }
      // All or nothing, even when the patch needs several statements.
      this.database.transaction(() => {
        for (let start = 0; start < setPaths.length; start += KEYS_PER_STATEMENT) {
          const end = start + KEYS_PER_STATEMENT;
          this.runPatch(id, setPaths.slice(start, end), setValues.slice(start, end), [], expiresAt, now);
        }
        for (let start = 0; start < unsetPaths.length; start += KEYS_PER_STATEMENT) {
          this.runPatch(id, [], [], unsetPaths.slice(start, start + KEYS_PER_STATEMENT), expiresAt, now);
        }
      }).immediate();
    });
  }

  /**
   * Takes a lock on one session that holds across processes sharing the database file: a row in
   * `<tableName>_locks` with a random token, taken over only once its `ttlMs` has passed. Waits up
   * to `waitMs` (polling), then rejects with `LockTimeoutError`.
   */
  async lock(id: string, options: LockOptions): Promise<Unlock> {
    assertValidStoreId(id, STORE_NAME);
    return pollForLock(
      async () => {
        const token = lockToken();
        const now = Date.now();
        const row = this.run('take a session lock', () => this.statements.lock.get(id, token, now + options.ttlMs, now));
        if (row?.token !== token) return undefined;
        return async () => {
          // The token check makes a late release harmless: once the lock expired and someone else
          // took it, this deletes nothing.
          this.run('release a session lock', () => this.statements.unlock.run(id, token));
        };
      },
      options,
      STORE_NAME,
    );
  }

  /** The live sessions of `owner`, found through the partial index on `owner`. */
  async listByOwner(owner: string): Promise<OwnedRecord[]> {
    const rows = this.run("list a user's sessions", () => this.statements.listByOwner.all(owner, Date.now()));
    const listed: OwnedRecord[] = [];
    for (const row of rows) {
      const record = toRecord(row);
      if (record !== undefined) listed.push({ id: row.id, record });
    }
    return listed;
  }

  /** Deletes every session of `owner`; returns how many live (unexpired) sessions were ended. */
  async destroyByOwner(owner: string): Promise<number> {
    const now = Date.now();
    const deleted = this.run("delete a user's sessions", () => this.statements.destroyByOwner.all(owner));
    return deleted.filter((row) => row.expires_at > now).length;
  }

  /** Deletes expired sessions (and expired locks); returns how many sessions were deleted. */
  async prune(): Promise<number> {
    const now = Date.now();
    return this.run('delete expired sessions', () => {
      this.statements.pruneLocks.run(now);
      return this.statements.prune.run(now).changes;
    });
  }

  /** Deletes every session of this store's table (locks are left to expire). */
  async clear(): Promise<void> {
    this.run('clear the sessions table', () => this.statements.clear.run());
  }

  /** Stops the prune timer and closes the database when the store opened it. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pruneTimer !== undefined) clearInterval(this.pruneTimer);
    if (this.ownsDatabase) {
      this.run('close the database', () => this.database.close());
    }
    this.closed = true;
  }

  /** Runs one UPDATE of a patch, with a statement prepared once per shape. */
  private runPatch(
    id: string,
    setPaths: string[],
    setValues: string[],
    unsetPaths: string[],
    expiresAt: number,
    now: number,
  ): void {
    const parameters: unknown[] = [];
    for (let index = 0; index < setPaths.length; index += 1) parameters.push(setPaths[index], setValues[index]);
    parameters.push(...unsetPaths, expiresAt, id, now);
    this.patchStatement(setPaths.length, unsetPaths.length).run(...parameters);
  }

  /**
   * The UPDATE for a patch that sets `setCount` keys and removes `unsetCount`. Values are bound as
   * `json(?)` so that objects and arrays are inserted as JSON, not as strings that contain JSON.
   */
  private patchStatement(setCount: number, unsetCount: number): Statement<unknown[]> {
    const key = `${setCount}:${unsetCount}`;
    const cached = this.patchStatements.get(key);
    if (cached !== undefined) {
      // Move to the end: the map's order is least recently used first.
      this.patchStatements.delete(key);
      this.patchStatements.set(key, cached);
      return cached;
    }
    let expression = 'data';
    for (let done = 0; done < setCount; done += KEYS_PER_CALL) {
      const pairs = Math.min(KEYS_PER_CALL, setCount - done);
      expression = `json_set(${expression}, ${Array.from({ length: pairs }, () => '?, json(?)').join(', ')})`;
    }
    for (let done = 0; done < unsetCount; done += KEYS_PER_CALL) {
      const paths = Math.min(KEYS_PER_CALL, unsetCount - done);
      expression = `json_remove(${expression}, ${Array.from({ length: paths }, () => '?').join(', ')})`;
    }
    const statement = this.database.prepare<unknown[]>(
      `UPDATE "${this.tableName}" SET data = ${expression}, expires_at = ? WHERE id = ? AND expires_at > ?`,
    );
    this.patchStatements.set(key, statement);
    if (this.patchStatements.size > PATCH_STATEMENT_CACHE_SIZE) {
      const oldest = this.patchStatements.keys().next().value;
      if (oldest !== undefined) this.patchStatements.delete(oldest);
    }
    return statement;
  }

  /** Runs a driver call, turning any failure into a `StoreUnavailableError` that says what to do. */
  private run<T>(action: string, operation: () => T): T {
    if (this.closed) {
      throw new StoreUnavailableError(STORE_NAME, `could not ${action}: the store was closed. Create a new SqliteStore.`);
    }
    try {
      return operation();
    } catch (error) {
      throw this.unavailable(action, error);
    }
  }

  /** A `StoreUnavailableError` for a failed driver call, with advice chosen by SQLite's error code. */
  private unavailable(action: string, error: unknown): StoreUnavailableError {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    let advice = 'Check that the database file is intact and on a local disk.';
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      advice =
        `Another connection held the write lock longer than busyTimeoutMs (${this.busyTimeoutMs ?? 'the database default'} ms): ` +
        'shorten its transactions or raise busyTimeoutMs.';
    } else if (
      code === 'SQLITE_READONLY' ||
      code === 'SQLITE_CANTOPEN' ||
      code === 'SQLITE_PERM' ||
      code === 'SQLITE_AUTH' ||
      /directory does not exist/.test(reason)
    ) {
      advice = 'Check that the database file and its folder exist and are writable by this process.';
    } else if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR') {
      advice = 'Check the free space and health of the disk that holds the database file.';
    } else if (error instanceof TypeError && /connection is not open/.test(reason)) {
      advice = 'The database was closed by its owner; keep it open while the store is in use.';
    }
    return storeFailure(STORE_NAME, action, error, advice) as StoreUnavailableError;
  }
}

/**
 * The SQLite JSON path of one top-level key. The label is the key JSON-encoded (quotes and
 * backslashes escaped) because SQLite compares a quoted label with the key's JSON text, which is
 * JSON.stringify's encoding too; any key, even `a.b` or `a"b`, addresses exactly itself.
 */
function jsonPath(key: string): string {
  return `$.${JSON.stringify(key)}`;
}
