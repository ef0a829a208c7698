import {
  SessError,
  SessionConfigError,
  StoreUnavailableError,
  assertValidStoreId,
  pollForLock,
  withTimeout,
  type LockOptions,
  type SessionPatch,
  type OwnedRecord,
  type SessionRecord,
  type Store,
  type Unlock,
  storeFailure,
  refuseUnknownOptions,
  acquireWithin,
  usePooled,
  assertStoreUrl,
} from '@sess/core';
import pg from 'pg';
import type { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { escapeJsonbString, fromJsonbText, toJsonbText } from './jsonb-text.js';
import { DEFAULT_TABLE_NAME, parseTableName, postgresSchema } from './postgres-schema.js';

const NAME = 'postgres';

/** Listens to a pooled client's 'error' while it runs a statement (the statement rejects with it). */
function ignoreClientError(): void {}

/** Options of {@link PostgresStore}. Give either `pool` or `url`. */
export interface PostgresStoreOptions {
  /**
   * A `pg` Pool that the application owns: the store uses it and `close()` leaves it open. Give the
   * pool `connectionTimeoutMillis` so that checkouts fail fast when the server is down (the store
   * bounds every call by `timeoutMs` anyway).
   * @default undefined
   */
  pool?: Pool;
  /**
   * The server's URL (`postgres://user:password@host:5432/database`, the same option in every sess store) from which the store creates
   * its own Pool, with `timeoutMs` applied to connecting and to every statement; `close()` ends it.
   * @default undefined
   */
  url?: string;
  /**
   * The session table: `table` or `schema.table`, plain identifiers only (letters, digits,
   * underscores). It is double-quoted in SQL, so letter case is kept as written.
   * @default 'sessions'
   */
  tableName?: string;
  /**
   * Create the table and its indexes on first use (`CREATE TABLE IF NOT EXISTS`, once per store,
   * serialized across processes by an advisory lock). Turn off when migrations own the schema
   * (`sql/schema.sql` in this package).
   * @default true
   */
  createTable?: boolean;
  /**
   * Longest a call may take, in ms: connecting, each statement (client `query_timeout` and server
   * `statement_timeout` on the store's own pool) and the whole call. A call that runs out rejects with
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

/** `pg` accepts a per-query `query_timeout`, which its type definitions leave out. */
type TimedQueryConfig = QueryConfig & { query_timeout: number };

interface SessionRow extends QueryResultRow {
  data: string;
  created_at: string | number;
  expires_at: string | number;
  owner: string | null;
}

/** The record of a row. */
function toRecord(row: SessionRow): SessionRecord {
  const record: SessionRecord = {
    data: fromJsonbText(row.data),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
  if (row.owner !== null) record.owner = row.owner;
  return record;
}

/** A lock being held: the pool client whose database session owns the advisory lock. */
interface HeldLock {
  client: PoolClient;
  /** Ends the lock when its holder never unlocks (the `ttlMs` of the lock). */
  expiry: ReturnType<typeof setTimeout>;
  onClientError: (error: Error) => void;
}

/**
 * A session store on PostgreSQL, through `pg`. One row per session in a table (default `sessions`)
 * with the data as `jsonb`. `patch` changes only the keys a request changed, in one statement, so
 * two concurrent requests never erase each other's writes; `lock` uses advisory locks.
 *
 * Expiry: every read filters on `expires_at > now` (the application's clock), so an expired row is
 * never returned; `prune()` deletes expired rows, every `pruneIntervalMs` by default.
 */
export class PostgresStore implements Store {
  readonly name = NAME;

  private readonly pool: Pool;
  private readonly tableName: string;
  private readonly ownsPool: boolean;
  private readonly table: string;
  private readonly lockPrefix: string;
  private readonly createTable: boolean;
  private readonly timeoutMs: number;
  private readonly pruneTimer: ReturnType<typeof setInterval> | undefined;
  private readonly heldLocks = new Set<HeldLock>();
  private tableReady: Promise<void> | undefined;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    refuseUnknownOptions('PostgresStore', options, ['pool', 'url', 'tableName', 'createTable', 'timeoutMs', 'pruneIntervalMs'], { connectionString: 'the connection URL is `url`, as in every sess store', uri: 'the connection URL is `url`, as in every sess store' });
    const { pool, url } = options ?? {};
    if ((pool === undefined) === (url === undefined)) {
      throw new SessionConfigError(
        `[${NAME}] give exactly one of \`pool\` (a pg Pool you own) or \`url\` (the store creates its own pool)`,
      );
    }
    if (url !== undefined) assertStoreUrl(NAME, url, ['postgres:', 'postgresql:']);
    this.tableName = options.tableName ?? DEFAULT_TABLE_NAME;
    this.table = parseTableName(this.tableName).qualified;
    this.lockPrefix = `sess:${this.table}:`;
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
      this.pool = new pg.Pool({
        connectionString: url,
        connectionTimeoutMillis: this.timeoutMs,
        query_timeout: this.timeoutMs,
        statement_timeout: this.timeoutMs,
        allowExitOnIdle: true,
      });
      // An idle client whose connection breaks (server restart) is dropped by the pool, which then
      // emits 'error'; without a listener Node would crash. The next call simply opens a new connection.
      this.pool.on('error', () => {});
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
    const result = await this.query<SessionRow>(
      'read the session',
      `SELECT data::text AS data, created_at, expires_at, owner FROM ${this.table} WHERE id = $1 AND expires_at > $2`,
      [id, Date.now()],
    );
    const row = result.rows[0];
    return row ? toRecord(row) : undefined;
  }

  async set(id: string, record: SessionRecord): Promise<void> {
    assertValidStoreId(id, NAME);
    await this.query(
      'write the session',
      `INSERT INTO ${this.table} (id, data, created_at, expires_at, owner) VALUES ($1, $2::jsonb, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, created_at = excluded.created_at,
         expires_at = excluded.expires_at, owner = excluded.owner`,
      [id, toJsonbText(record.data), record.createdAt, record.expiresAt, record.owner ?? null],
    );
  }

  async destroy(id: string): Promise<void> {
    assertValidStoreId(id, NAME);
    await this.query('delete the session', `DELETE FROM ${this.table} WHERE id = $1`, [id]);
  }

  async touch(id: string, expiresAt: number): Promise<void> {
    assertValidStoreId(id, NAME);
    await this.query(
      'extend the session',
      `UPDATE ${this.table} SET expires_at = $2 WHERE id = $1 AND expires_at > $3`,
      [id, expiresAt, Date.now()],
    );
  }

  /**
   * One UPDATE merges the changed keys into the stored jsonb (`||`) and removes the deleted ones
   * (`- text[]`), so concurrent patches of different keys all survive; the row lock of the UPDATE
   * orders patches of the same row. A missing or expired row matches nothing and stays missing.
   */
  async patch(id: string, change: SessionPatch, expiresAt: number): Promise<void> {
    assertValidStoreId(id, NAME);
    await this.query(
      'update the session',
      // The parentheses matter: `-` binds tighter than `||`.
      `UPDATE ${this.table} SET data = (data || $2::jsonb) - $3::text[], expires_at = $4
       WHERE id = $1 AND expires_at > $5`,
      [id, toJsonbText(change.set), change.unset.map(escapeJsonbString), expiresAt, Date.now()],
    );
  }

  /**
   * Takes a session-level advisory lock (`pg_try_advisory_lock` on a 64-bit hash of the table and
   * ID), polling until `waitMs` runs out. Each attempt checks a client out of the pool and gives it
   * back at once if the lock is taken, so waiters hold no connection. The winning client stays checked
   * out until `unlock()`, which releases the lock and returns the client. If the holder never unlocks,
   * a timer destroys that client after `ttlMs`: the server ends its database session, and with it the
   * lock. A crashed process frees its locks the same way, when its connections close.
   */
  async lock(id: string, options: LockOptions): Promise<Unlock> {
    assertValidStoreId(id, NAME);
    const key = this.lockPrefix + id;
    return pollForLock(() => this.tryLock(key, options.ttlMs), options, NAME);
  }

  async destroyByOwner(owner: string): Promise<number> {
    const result = await this.query('delete the sessions of one owner', `DELETE FROM ${this.table} WHERE owner = $1`, [
      owner,
    ]);
    return result.rowCount ?? 0;
  }

  /** The owner's live rows, found through the partial index on `owner`. */
  async listByOwner(owner: string): Promise<OwnedRecord[]> {
    const result = await this.query<SessionRow & { id: string }>(
      'list the sessions of one owner',
      `SELECT id, data::text AS data, created_at, expires_at, owner FROM ${this.table} WHERE owner = $1 AND expires_at > $2`,
      [owner, Date.now()],
    );
    return result.rows.map((row) => ({ id: row.id, record: toRecord(row) }));
  }

  async prune(): Promise<number> {
    const result = await this.query('delete expired sessions', `DELETE FROM ${this.table} WHERE expires_at <= $1`, [
      Date.now(),
    ]);
    return result.rowCount ?? 0;
  }

  async clear(): Promise<void> {
    await this.query('delete every session', `DELETE FROM ${this.table}`, []);
  }

  /**
   * Stops the prune timer, ends every lock still held (their clients are destroyed) and, when the
   * store created the pool, ends the pool. A pool given in `pool` stays open. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const held of this.heldLocks) this.dropLock(held, new Error('the store was closed'));
    if (this.ownsPool) await this.pool.end();
  }

  private async tryLock(key: string, ttlMs: number): Promise<Unlock | undefined> {
    const client = await this.checkout();
    // See query(): a checked-out client needs an 'error' listener; the attempt's query rejects anyway.
    const ignore = () => {};
    client.on('error', ignore);
    let acquired: boolean;
    try {
      const result = await this.clientQuery<{ acquired: boolean }>(
        client,
        'take the session lock',
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS acquired',
        [key],
      );
      acquired = result.rows[0]?.acquired === true;
    } catch (error) {
      // The attempt may still be running on the server: destroy the client rather than reuse it
      // (keeping the listener, for errors while it closes).
      client.release(error instanceof Error ? error : true);
      throw error;
    }
    if (!acquired) {
      client.removeListener('error', ignore);
      client.release();
      return undefined;
    }
    if (this.closed) {
      // close() ran during the attempt: it could not end this lock, so end it here.
      client.release(new Error('the store was closed'));
      throw this.closedError();
    }
    client.removeListener('error', ignore);

    const held: HeldLock = {
      client,
      expiry: setTimeout(() => this.dropLock(held, new Error('the session lock outlived its ttlMs')), ttlMs),
      // A checked-out pg client that emits 'error' without a listener would crash the process. The
      // broken connection has lost the lock on the server already; forget it.
      onClientError: (error) => this.dropLock(held, error),
    };
    held.expiry.unref();
    client.on('error', held.onClientError);
    this.heldLocks.add(held);

    return async () => {
      if (!this.heldLocks.has(held)) return; // already unlocked, expired or dropped by close()
      this.heldLocks.delete(held);
      clearTimeout(held.expiry);
      try {
        await this.clientQuery(client, 'release the session lock', 'SELECT pg_advisory_unlock(hashtextextended($1, 0))', [
          key,
        ]);
        // Only now: the listener (a no-op once the lock left heldLocks) covered the unlock query.
        client.removeListener('error', held.onClientError);
        client.release();
      } catch (error) {
        // Destroying the client ends its database session, which releases the lock all the same.
        client.release(error instanceof Error ? error : true);
      }
    };
  }

  /** Ends a held lock by destroying its client: the server drops the advisory lock with the session. */
  private dropLock(held: HeldLock, reason: Error): void {
    if (!this.heldLocks.delete(held)) return;
    clearTimeout(held.expiry);
    // The listener stays: the client is destroyed, and may still report errors while it closes.
    held.client.release(reason);
  }

  /** Checks a client out of the pool within `timeoutMs`; a client that arrives too late goes back. */
  private async checkout(): Promise<PoolClient> {
    this.assertOpen();
    try {
      return await acquireWithin(this.pool.connect(), this.timeoutMs, () => this.timeoutError('connect'), (client) => client.release());
    } catch (error) {
      throw this.storeError('connect', error);
    }
  }

  private async clientQuery<Row extends QueryResultRow>(
    client: PoolClient,
    operation: string,
    text: string,
    values: unknown[],
  ): Promise<QueryResult<Row>> {
    const config: TimedQueryConfig = { text, values, query_timeout: this.timeoutMs };
    try {
      return await withTimeout(client.query<Row>(config), this.timeoutMs, () => this.timeoutError(operation));
    } catch (error) {
      throw this.storeError(operation, error);
    }
  }

  /**
   * Runs one statement on a pooled client (creating the table first if needed), bounded by
   * `timeoutMs` in all. A statement whose call already timed out is not sent late, and a client whose
   * statement failed is destroyed rather than reused (as `pool.query` does): it may be broken or
   * still busy with a timed-out statement.
   */
  private async query<Row extends QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[],
  ): Promise<QueryResult<Row>> {
    this.assertOpen();
    const config: TimedQueryConfig = { text, values, query_timeout: this.timeoutMs };
    try {
      return await usePooled(
        async () => {
          await this.ensureTable();
          const client = await this.pool.connect();
          // pg emits 'error' on a client whose connection breaks, and crashes the process when nothing
          // listens; the running query rejects with the same error, which is what reaches the caller.
          client.on('error', ignoreClientError);
          return client;
        },
        (client) => client.query<Row>(config),
        (client, error) => {
          // A client whose statement failed is destroyed, not reused; the listener stays for errors while it closes.
          if (error === undefined) client.removeListener('error', ignoreClientError);
          client.release(error === undefined ? undefined : error instanceof Error ? error : true);
        },
        this.timeoutMs,
        () => this.timeoutError(operation),
      );
    } catch (error) {
      throw this.storeError(operation, error);
    }
  }

  /**
   * Creates the table once per store. The statements go as one simple query, which PostgreSQL runs
   * as one transaction; its advisory lock makes concurrent processes take turns, because two
   * concurrent `CREATE TABLE IF NOT EXISTS` of one table can still collide in the catalog. A failure
   * is forgotten so that the next call tries again.
   */
  private ensureTable(): Promise<void> {
    if (!this.createTable) return Promise.resolve();
    this.tableReady ??= (async () => {
      // The table name is a validated identifier, so it is safe inside this string literal.
      const lockKey = `sess:schema:${this.table}`;
      await this.pool.query({
        text: `SELECT pg_advisory_xact_lock(hashtextextended('${lockKey}', 0));\n${postgresSchema(this.tableName)}`,
        query_timeout: this.timeoutMs,
      } as TimedQueryConfig);
    })().catch((error: unknown) => {
      this.tableReady = undefined;
      throw error;
    });
    return this.tableReady;
  }

  private assertOpen(): void {
    if (this.closed) throw this.closedError();
  }

  private closedError(): StoreUnavailableError {
    return new StoreUnavailableError(NAME, 'the store is closed; create a new PostgresStore to use the database again');
  }

  private timeoutError(operation: string): StoreUnavailableError {
    return new StoreUnavailableError(
      NAME,
      `could not ${operation} within ${this.timeoutMs} ms; check that PostgreSQL is running and reachable ` +
        '(or raise timeoutMs)',
    );
  }

  private storeError(operation: string, error: unknown): SessError {
    const code = (error as { code?: unknown } | null)?.code;
    const hint =
      code === '42P01'
        ? `the table ${this.table} does not exist: create it from sql/schema.sql or leave createTable on`
        : 'check that PostgreSQL is running, reachable and that the connection settings are right';
    return storeFailure(NAME, operation, error, hint);
  }
}
