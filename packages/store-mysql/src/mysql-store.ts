import {
  SessError,
  SessionConfigError,
  StoreUnavailableError,
  assertValidStoreId,
  pollForLock,
  withTimeout,
  type LockOptions,
  type OwnedRecord,
  type SessionPatch,
  type SessionRecord,
  type Store,
  type StoredData,
  type Unlock,
  storeFailure,
  refuseUnknownOptions,
  acquireWithin,
  usePooled,
  assertStoreUrl,
} from '@sess/core';
import { createPool } from 'mysql2/promise';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { DEFAULT_TABLE_NAME, mysqlSchema, parseTableName } from './mysql-schema.js';

const NAME = 'mysql';

/** Options of {@link MysqlStore}. Give either `pool` or `url`. */
export interface MysqlStoreOptions {
  /**
   * A `mysql2/promise` Pool that the application owns: the store uses it and `close()` leaves it
   * open. Its connections must use a utf8mb4 charset (the mysql2 default). The store bounds every call
   * by `timeoutMs` anyway.
   * @default undefined
   */
  pool?: Pool;
  /**
   * The server's URL (`mysql://user:password@host:3306/database`, the same option in every sess store) from which the store creates its
   * own Pool, with `timeoutMs` as connect timeout; `close()` ends it.
   * @default undefined
   */
  url?: string;
  /**
   * The session table: `table` or `database.table`, plain identifiers only (letters, digits,
   * underscores). It is backquoted in SQL.
   * @default 'sessions'
   */
  tableName?: string;
  /**
   * Create the table and its indexes on first use (`CREATE TABLE IF NOT EXISTS`, once per store; one
   * statement, which the server makes safe against concurrent processes). Turn off when migrations
   * own the schema (`sql/schema.sql` in this package).
   * @default true
   */
  createTable?: boolean;
  /**
   * Longest a call may take, in ms: connecting, each statement (mysql2's query `timeout`, after which
   * the connection is destroyed) and the whole call. A call that runs out rejects with
   * `StoreUnavailableError` instead of waiting for a dead server.
   * @default 2000
   */
  timeoutMs?: number;
  /**
   * How often expired rows are deleted in the background, in ms, on an unref'd timer (it never keeps
   * the process alive). Reads ignore expired rows either way; this only reclaims space. 0 disables it
   * (call `prune()` yourself, from a cron job for example).
   * @default 300000 (5 minutes)
   */
  pruneIntervalMs?: number;
}

interface SessionRow extends RowDataPacket {
  data: StoredData | string | Buffer;
  created_at: number | string;
  expires_at: number | string;
  owner: string | null;
}

/** A lock being held: the pool connection whose database session owns the named lock. */
interface HeldLock {
  connection: PoolConnection;
  /** Ends the lock when its holder never unlocks (the `ttlMs` of the lock). */
  expiry: ReturnType<typeof setTimeout>;
}

/** A `GET_LOCK` name of at most 64 characters: a prefix and a SHA-256 of the table and session ID. */
const LOCK_NAME_SQL = "CONCAT('sess:', LEFT(SHA2(?, 256), 59))";

/** Errors after which a connection must not be reused: it is broken or still busy with a timed-out query. */
function mustDestroy(error: unknown): boolean {
  const { fatal, code } = (error ?? {}) as { fatal?: unknown; code?: unknown };
  return fatal === true || code === 'PROTOCOL_SEQUENCE_TIMEOUT' || StoreUnavailableError.isInstance(error);
}

/** A JSON path to one top-level key: `$."key"`, the key quoted as a JSON string (any character works). */
function keyPath(key: string): string {
  return `$.${JSON.stringify(key)}`;
}

/**
 * A session store on MySQL 8 or MariaDB, through `mysql2`. One row per session in a table (default
 * `sessions`) with the data in a `JSON` column (on MariaDB, `LONGTEXT` with a `JSON_VALID` check).
 * `patch` changes only the keys a request changed, in one statement, so two concurrent requests never
 * erase each other's writes; `lock` uses `GET_LOCK`.
 *
 * Expiry: every read filters on `expires_at > now` (the application's clock), so an expired row is
 * never returned; `prune()` deletes expired rows, every `pruneIntervalMs` by default.
 */
export class MysqlStore implements Store {
  readonly name = NAME;

  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly tableName: string;
  private readonly table: string;
  private readonly lockPrefix: string;
  private readonly createTable: boolean;
  private readonly timeoutMs: number;
  private readonly pruneTimer: ReturnType<typeof setInterval> | undefined;
  private readonly heldLocks = new Set<HeldLock>();
  private tableReady: Promise<void> | undefined;
  private closed = false;

  constructor(options: MysqlStoreOptions) {
    refuseUnknownOptions('MysqlStore', options, ['pool', 'url', 'tableName', 'createTable', 'timeoutMs', 'pruneIntervalMs'], { connectionString: 'the connection URL is `url`, as in every sess store', uri: 'the connection URL is `url`, as in every sess store' });
    const { pool, url } = options ?? {};
    if ((pool === undefined) === (url === undefined)) {
      throw new SessionConfigError(
        `[${NAME}] give exactly one of \`pool\` (a mysql2/promise Pool you own) or \`url\` (the store creates its own pool)`,
      );
    }
    if (url !== undefined) assertStoreUrl(NAME, url, ['mysql:']);
    this.tableName = options.tableName ?? DEFAULT_TABLE_NAME;
    this.table = parseTableName(this.tableName).qualified;
    this.lockPrefix = `${this.table}:`;
    this.createTable = options.createTable ?? true;
    this.timeoutMs = options.timeoutMs ?? 2000;
    if (!Number.isFinite(this.timeoutMs) || this.timeoutMs <= 0) {
      throw new SessionConfigError(`[${NAME}] timeoutMs must be a positive number of milliseconds`);
    }
    const pruneIntervalMs = options.pruneIntervalMs ?? 5 * 60_000;
    if (!Number.isFinite(pruneIntervalMs) || pruneIntervalMs < 0) {
      throw new SessionConfigError(`[${NAME}] pruneIntervalMs must be 0 (off) or a positive number of milliseconds`);
    }

    if (pool) {
      this.pool = pool;
      this.ownsPool = false;
    } else {
      this.pool = createPool({ uri: url, connectTimeout: this.timeoutMs, enableKeepAlive: true });
      this.ownsPool = true;
    }

    if (pruneIntervalMs > 0) {
      this.pruneTimer = setInterval(() => {
        // A failed background prune is retried at the next tick; reads never return expired rows meanwhile.
        this.prune().catch(() => {});
      }, pruneIntervalMs);
      this.pruneTimer.unref();
    }
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    assertValidStoreId(id, NAME);
    const rows = await this.query<SessionRow[]>(
      'read the session',
      `SELECT data, created_at, expires_at, owner FROM ${this.table} WHERE id = ? AND expires_at > ?`,
      [id, Date.now()],
    );
    const row = rows[0];
    return row ? toRecord(row) : undefined;
  }

  async set(id: string, record: SessionRecord): Promise<void> {
    assertValidStoreId(id, NAME);
    // VALUES() works on MariaDB and MySQL 8 alike; MySQL 8.0.20+ prefers a row alias, which MariaDB lacks.
    await this.query<ResultSetHeader>(
      'write the session',
      `INSERT INTO ${this.table} (id, data, created_at, expires_at, owner) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE data = VALUES(data), created_at = VALUES(created_at),
         expires_at = VALUES(expires_at), owner = VALUES(owner)`,
      [id, JSON.stringify(record.data), record.createdAt, record.expiresAt, record.owner ?? null],
    );
  }

  async destroy(id: string): Promise<void> {
    assertValidStoreId(id, NAME);
    await this.query<ResultSetHeader>('delete the session', `DELETE FROM ${this.table} WHERE id = ?`, [id]);
  }

  async touch(id: string, expiresAt: number): Promise<void> {
    assertValidStoreId(id, NAME);
    await this.query<ResultSetHeader>(
      'extend the session',
      `UPDATE ${this.table} SET expires_at = ? WHERE id = ? AND expires_at > ?`,
      [expiresAt, id, Date.now()],
    );
  }

  /**
   * One UPDATE writes the changed keys with `JSON_SET` and removes the deleted ones with nested
   * `JSON_REMOVE` calls, so concurrent patches of different keys all survive; the row lock of the UPDATE
   * orders patches of the same row. Each value goes in as `JSON_EXTRACT(?, '$')` of its JSON text,
   * which both MySQL and MariaDB take as a JSON value (a bare `?` would be stored as a JSON string).
   * Paths quote each key as a JSON string, so dots, quotes or `$` in a key are plain characters.
   * A missing or expired row matches nothing and stays missing.
   */
  async patch(id: string, change: SessionPatch, expiresAt: number): Promise<void> {
    assertValidStoreId(id, NAME);
    let expression = 'data';
    const values: unknown[] = [];
    const entries = Object.entries(change.set);
    if (entries.length > 0) {
      expression = `JSON_SET(${expression}${", ?, JSON_EXTRACT(?, '$')".repeat(entries.length)})`;
      for (const [key, value] of entries) values.push(keyPath(key), JSON.stringify(value));
    }
    // One JSON_REMOVE per key: with several paths, MariaDB 10.11 leaves some keys in place when the
    // keys hold non-ASCII characters (JSON_REMOVE(doc, '$."aébé"', '$."abé"', '$."éaab"') keeps "éaab").
    for (const key of change.unset) {
      expression = `JSON_REMOVE(${expression}, ?)`;
      values.push(keyPath(key));
    }
    await this.query<ResultSetHeader>(
      'update the session',
      `UPDATE ${this.table} SET data = ${expression}, expires_at = ? WHERE id = ? AND expires_at > ?`,
      [...values, expiresAt, id, Date.now()],
    );
  }

  /**
   * Takes a named lock (`GET_LOCK(name, 0)`, the name a SHA-256 of the table and ID cut to 64
   * characters), polling until `waitMs` runs out. Each attempt checks a connection out of the pool
   * and gives it back at once if the lock is taken, so waiters hold no connection. The winning
   * connection stays checked out until `unlock()`, which runs `RELEASE_LOCK` and returns it. If the
   * holder never unlocks, a timer destroys that connection after `ttlMs`: the server ends its session,
   * and with it the lock. A crashed process frees its locks the same way, when its connections close.
   */
  async lock(id: string, options: LockOptions): Promise<Unlock> {
    assertValidStoreId(id, NAME);
    const key = this.lockPrefix + id;
    return pollForLock(() => this.tryLock(key, options.ttlMs), options, NAME);
  }

  async destroyByOwner(owner: string): Promise<number> {
    const result = await this.query<ResultSetHeader>(
      'delete the sessions of one owner',
      `DELETE FROM ${this.table} WHERE owner = ?`,
      [owner],
    );
    return result.affectedRows;
  }

  /** The owner's live rows, found through the index on `owner`. */
  async listByOwner(owner: string): Promise<OwnedRecord[]> {
    const rows = await this.query<Array<SessionRow & { id: string }>>(
      'list the sessions of one owner',
      `SELECT id, data, created_at, expires_at, owner FROM ${this.table} WHERE owner = ? AND expires_at > ?`,
      [owner, Date.now()],
    );
    return rows.map((row) => ({ id: row.id, record: toRecord(row) }));
  }

  async prune(): Promise<number> {
    const result = await this.query<ResultSetHeader>(
      'delete expired sessions',
      `DELETE FROM ${this.table} WHERE expires_at <= ?`,
      [Date.now()],
    );
    return result.affectedRows;
  }

  async clear(): Promise<void> {
    await this.query<ResultSetHeader>('delete every session', `DELETE FROM ${this.table}`, []);
  }

  /**
   * Stops the prune timer, ends every lock still held (their connections are destroyed) and, when
   * the store created the pool, ends the pool. A pool given in `pool` stays open. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const held of this.heldLocks) this.dropLock(held);
    if (this.ownsPool) await this.pool.end();
  }

  private async tryLock(key: string, ttlMs: number): Promise<Unlock | undefined> {
    const connection = await this.checkout();
    let acquired: boolean;
    try {
      const rows = await this.connectionQuery<RowDataPacket[]>(
        connection,
        'take the session lock',
        `SELECT GET_LOCK(${LOCK_NAME_SQL}, 0) AS acquired`,
        [key],
      );
      acquired = Number(rows[0]?.acquired) === 1;
    } catch (error) {
      // The attempt may still be running on the server: destroy the connection rather than reuse it.
      connection.destroy();
      throw error;
    }
    if (!acquired) {
      connection.release();
      return undefined;
    }
    if (this.closed) {
      // close() ran during the attempt: it could not end this lock, so end it here.
      connection.destroy();
      throw this.closedError();
    }

    const held: HeldLock = {
      connection,
      expiry: setTimeout(() => this.dropLock(held), ttlMs),
    };
    held.expiry.unref();
    this.heldLocks.add(held);

    return async () => {
      if (!this.heldLocks.has(held)) return; // already unlocked, expired or dropped by close()
      this.heldLocks.delete(held);
      clearTimeout(held.expiry);
      try {
        await this.connectionQuery(connection, 'release the session lock', `SELECT RELEASE_LOCK(${LOCK_NAME_SQL})`, [
          key,
        ]);
        connection.release();
      } catch {
        // Destroying the connection ends its database session, which releases the lock all the same.
        connection.destroy();
      }
    };
  }

  /** Ends a held lock by destroying its connection: the server drops the named lock with the session. */
  private dropLock(held: HeldLock): void {
    if (!this.heldLocks.delete(held)) return;
    clearTimeout(held.expiry);
    held.connection.destroy();
  }

  /** Checks a connection out of the pool within `timeoutMs`; one that arrives too late goes back. */
  private async checkout(): Promise<PoolConnection> {
    this.assertOpen();
    try {
      return await acquireWithin(this.pool.getConnection(), this.timeoutMs, () => this.timeoutError('connect'), (connection) => connection.release());
    } catch (error) {
      throw this.storeError('connect', error);
    }
  }

  private async connectionQuery<Result>(
    connection: PoolConnection,
    operation: string,
    sql: string,
    values: unknown[],
  ): Promise<Result> {
    try {
      const [result] = await withTimeout(
        connection.query({ sql, values, timeout: this.timeoutMs }),
        this.timeoutMs,
        () => this.timeoutError(operation),
      );
      return result as Result;
    } catch (error) {
      throw this.storeError(operation, error);
    }
  }

  /**
   * Runs one statement on its own pooled connection (creating the table first if needed), bounded by
   * `timeoutMs` in all. A statement whose call already timed out is not sent late, and a connection
   * whose statement timed out or broke is destroyed, not reused: mysql2 leaves a timed-out query
   * running on it.
   */
  private async query<Result>(operation: string, sql: string, values: unknown[]): Promise<Result> {
    this.assertOpen();
    try {
      return await usePooled(
        async () => {
          await this.ensureTable();
          return this.pool.getConnection();
        },
        async (connection) => (await connection.query({ sql, values, timeout: this.timeoutMs }))[0] as Result,
        (connection, error) => {
          // mysql2 leaves a timed-out query running on its connection: destroy such a one, not reuse it.
          if (error !== undefined && mustDestroy(error)) connection.destroy();
          else connection.release();
        },
        this.timeoutMs,
        () => this.timeoutError(operation),
      );
    } catch (error) {
      throw this.storeError(operation, error);
    }
  }

  /**
   * Creates the table once per store. `CREATE TABLE IF NOT EXISTS` is one statement that the server
   * serializes with its metadata locks, so concurrent processes are safe. A failure is forgotten so
   * that the next call tries again.
   */
  private ensureTable(): Promise<void> {
    if (!this.createTable) return Promise.resolve();
    this.tableReady ??= this.pool
      .query({ sql: mysqlSchema(this.tableName), timeout: this.timeoutMs })
      .then(() => undefined)
      .catch((error: unknown) => {
        this.tableReady = undefined;
        throw error;
      });
    return this.tableReady;
  }

  private assertOpen(): void {
    if (this.closed) throw this.closedError();
  }

  private closedError(): StoreUnavailableError {
    return new StoreUnavailableError(NAME, 'the store is closed; create a new MysqlStore to use the database again');
  }

  private timeoutError(operation: string): StoreUnavailableError {
    return new StoreUnavailableError(
      NAME,
      `could not ${operation} within ${this.timeoutMs} ms; check that MySQL / MariaDB is running and reachable ` +
        '(or raise timeoutMs)',
    );
  }

  private storeError(operation: string, error: unknown): SessError {
    const code = (error as { code?: unknown } | null)?.code;
    const hint =
      code === 'ER_NO_SUCH_TABLE'
        ? `the table ${this.table} does not exist: create it from sql/schema.sql or leave createTable on`
        : 'check that MySQL / MariaDB is running, reachable and that the connection settings are right';
    return storeFailure(NAME, operation, error, hint);
  }
}

/**
 * The data column as mysql2 hands it over: parsed already for a MySQL `JSON` column (and for
 * MariaDB when the server reports the JSON format), text otherwise (MariaDB's `LONGTEXT`).
 */
/** The record of a row. */
function toRecord(row: SessionRow): SessionRecord {
  const record: SessionRecord = {
    data: parseData(row.data),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
  if (row.owner !== null) record.owner = row.owner;
  return record;
}

function parseData(data: SessionRow['data']): StoredData {
  if (typeof data === 'string') return JSON.parse(data) as StoredData;
  if (Buffer.isBuffer(data)) return JSON.parse(data.toString('utf8')) as StoredData;
  return data;
}
