import {
  assertValidStoreId,
  isValidStoreId,
  lockToken,
  pollForLock,
  SessionConfigError,
  StoreUnavailableError,
  type LockOptions,
  type OwnedRecord,
  type SessionPatch,
  type SessionRecord,
  type Store,
  type StoredData,
  type Unlock,
  withTimeout,
  storeFailure,
  refuseUnknownOptions,
  assertStoreUrl,
} from '@sess/core';
import { Redis, type Cluster } from 'ioredis';
import {
  DESTROY_IF_OWNER_SCRIPT,
  DESTROY_SCRIPT,
  OWNER_INDEX_SCRIPT,
  PATCH_SCRIPT,
  SCRIPTS,
  SET_SCRIPT,
  TOUCH_SCRIPT,
  UNLOCK_SCRIPT,
} from './redis-scripts.js';
import { resolveCacheOptions, TrackingCache, type RedisCacheOptions, type SessionFields } from './tracking-cache.js';

const STORE_NAME = 'redis';
const DATA_FIELD = 'data:';
/** Keys deleted per round trip by `clear()`, and the `COUNT` hint of its `SCAN`. */
const CLEAR_BATCH = 500;

/** Options of {@link RedisStore}. Pass `client` or `url`, not both. */
export interface RedisStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` instance the application owns. The store registers its Lua
   * scripts on it and never closes it: `close()` leaves it open. Do not set ioredis's `keyPrefix` on
   * it; use `prefix`.
   * @default undefined (the store connects to `url`)
   */
  client?: Redis | Cluster;
  /**
   * URL of a standalone Redis (`redis://` or `rediss://`, with credentials and database if needed).
   * The store creates the client with timeouts derived from `timeoutMs`, owns it, and quits it on
   * `close()`. For Cluster or Sentinel, create the client yourself and pass `client`.
   * @default 'redis://127.0.0.1:6379' when `client` is not given either
   */
  url?: string;
  /**
   * Prefix of every key the store writes; `clear()` deletes every key that starts with it, so give
   * each store its own. Must not be empty and must not contain `{` or `}` (those are hash tags).
   * @default 'sess:'
   */
  prefix?: string;
  /**
   * Longest time one operation may take, connecting included, before it rejects with
   * `StoreUnavailableError`, in ms. Also the connect and command timeout of a client the store creates.
   * @default 2000
   */
  timeoutMs?: number;
  /**
   * An in-process read cache that Redis keeps coherent (`CLIENT TRACKING`): a session read again is
   * answered from memory with no round trip, and dropped as soon as any process changes, destroys or
   * expires it in Redis. Opens two more connections (a `duplicate()` of the client). Standalone Redis
   * only: refused on a Cluster client. See "Read cache" in the README for how it stays coherent and
   * its limits.
   * @default false
   */
  cache?: boolean | RedisCacheOptions;
}

/** The scripts registered with `defineCommand`, as the methods ioredis adds to the client. */
interface ScriptCommands {
  sessRedisSetV1(key: string, ...values: (string | number)[]): Promise<string | null>;
  sessRedisPatchV1(key: string, ...values: (string | number)[]): Promise<string | null>;
  sessRedisTouchV1(key: string, expiresAt: number): Promise<string | null>;
  sessRedisDestroyV1(key: string): Promise<string | null>;
  sessRedisDestroyIfOwnerV1(key: string, owner: string): Promise<number>;
  sessRedisOwnerIndexV1(key: string, expiresAt: number, id?: string): Promise<number>;
  sessRedisUnlockV1(key: string, token: string): Promise<number>;
}

type Client = (Redis | Cluster) & ScriptCommands;

/**
 * A session store on Redis or Valkey, standalone or Cluster, through ioredis.
 *
 * Each session is one hash `prefix{id}` that expires natively at `expiresAt` (`PEXPIREAT`); its lock
 * is `prefix{id}:lock`; each owner has a set `prefix + 'owner:' + owner` of session IDs. Patches,
 * touches and lock releases are Lua scripts on a single key, so they are atomic and Cluster-safe.
 * Every operation settles within `timeoutMs`: a down or hung Redis gives `StoreUnavailableError`,
 * never a hang, and the store recovers by itself when Redis comes back.
 */
export class RedisStore implements Store {
  /** Short name used in error messages. */
  readonly name = STORE_NAME;
  private readonly client: Client;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readyWaiter: Promise<void> | undefined;
  private lastError: Error | undefined;
  private closed = false;
  /** The coherent read cache, when the `cache` option is on. */
  private readonly cache: TrackingCache<CachedRecord | null> | undefined;

  constructor(options: RedisStoreOptions = {}) {
    refuseUnknownOptions('RedisStore', options, ['client', 'url', 'prefix', 'timeoutMs', 'cache'], { connectionString: 'the connection URL is `url` (`redis://host:6379`), as in every sess store', uri: 'the connection URL is `url` (`redis://host:6379`), as in every sess store', host: 'pass `url: \'redis://host:6379\'`, or an ioredis `client` of your own', port: 'pass `url: \'redis://host:6379\'`, or an ioredis `client` of your own' });
    const { client, url, prefix = 'sess:', timeoutMs = 2000, cache } = options;
    if (client !== undefined && url !== undefined) {
      throw new SessionConfigError(`[${STORE_NAME}] pass either \`client\` or \`url\` to RedisStore, not both.`);
    }
    if (typeof prefix !== 'string' || prefix.length === 0 || /[{}]/.test(prefix)) {
      throw new SessionConfigError(
        `[${STORE_NAME}] \`prefix\` must be a non-empty string without \`{\` or \`}\` (clear() deletes every ` +
          `key under it; braces are Cluster hash tags). Got ${JSON.stringify(prefix)}.`,
      );
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new SessionConfigError(
        `[${STORE_NAME}] \`timeoutMs\` must be a positive number of milliseconds, got ${timeoutMs}.`,
      );
    }
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
    this.ownsClient = client === undefined;
    if (url !== undefined) assertStoreUrl(STORE_NAME, url, ['redis:', 'rediss:']);
    this.client = (client ?? this.createClient(url ?? 'redis://127.0.0.1:6379')) as Client;
    const cacheEntries = resolveCacheOptions(STORE_NAME, cache);
    if (cacheEntries !== undefined) {
      if (this.client.isCluster) {
        throw new SessionConfigError(
          `[${STORE_NAME}] \`cache\` works on a standalone Redis (or Sentinel) client only, not on a Cluster: ` +
            'its invalidations would have to be followed on every node. Leave `cache` off with a Cluster.',
        );
      }
      const base = this.client as Redis;
      this.cache = new TrackingCache(
        // Its own connections: tracking and a subscription would change how the shared client behaves.
        // RESP2 (`protocol: 2`): ioredis 6 speaks RESP3 by default, where Redis sends invalidations as
        // `invalidate` push frames that ioredis drops; in RESP2 they are messages on a channel, which
        // ioredis 5 and 6 both deliver (ioredis 5 speaks only RESP2 and ignores the option).
        () =>
          base.duplicate({
            protocol: 2,
            lazyConnect: false,
            enableOfflineQueue: false,
            maxRetriesPerRequest: 0,
            autoResubscribe: false,
            autoResendUnfulfilledCommands: false,
          } as Parameters<Redis['duplicate']>[0]),
        cacheEntries,
        timeoutMs,
        { keyOf: (id) => this.sessionKey(id), idOf: (key) => this.sessionIdOf(key) },
        toCachedRecord,
      );
    }
    for (const script of SCRIPTS) {
      // A second store on the same client finds the scripts already there.
      if (typeof (this.client as unknown as Record<string, unknown>)[script.name] !== 'function') {
        this.client.defineCommand(script.name, { numberOfKeys: 1, lua: script.lua });
      }
    }
  }

  /** The record, or `undefined` when absent, expired or not a record of this store. */
  get(id: string): Promise<SessionRecord | undefined> {
    // A cache hit takes this path, outside an async function: no promise of its own besides the
    // one returned, and no frame to suspend. The cache holds only IDs that load() checked before
    // reading them, so a hit needs no check of its own; anything else, a malformed ID included
    // (refused with a rejection), goes to load().
    const cache = this.cache;
    if (cache !== undefined && !this.closed && cache.get(id) !== undefined) {
      // Another process's write resolves only once Redis has sent its invalidation here, so the
      // invalidation reached this process's socket before the request that asks for this read. Both
      // may be read in the same turn of the event loop, the request first: let that turn's I/O run
      // before answering from the cache (the entry may be gone by then).
      return afterPendingIo().then(() => this.readCached(id));
    }
    return this.load(id);
  }

  /** The cached record of `id` once the turn's I/O has run, else a read from Redis. */
  private readCached(id: string): SessionRecord | undefined | Promise<SessionRecord | undefined> {
    const cached = this.closed ? undefined : this.cache?.get(id);
    return cached === undefined ? this.load(id) : fromCachedRecord(cached);
  }

  /** Reads `id` from Redis: through the read cache's tracked connection when the cache is on. */
  private async load(id: string): Promise<SessionRecord | undefined> {
    assertValidStoreId(id, STORE_NAME);
    const cache = this.cache;
    if (cache === undefined) {
      const key = this.sessionKey(id);
      return parseRecord(await this.run('get', () => this.client.hgetall(key)));
    }
    return fromCachedRecord(await this.run('get', () => cache.fetch(id, this.client as Redis)));
  }

  /**
   * Resolves once the read cache serves reads (both of its connections up and tracked); at once
   * when the cache is off. Reads work before that, from Redis. Rejects after `timeoutMs`.
   */
  async cacheReady(): Promise<void> {
    await this.cache?.ready();
  }

  /** Inserts or replaces the record, and files it under its owner. */
  async set(id: string, record: SessionRecord): Promise<void> {
    assertValidStoreId(id, STORE_NAME);
    const { owner } = record;
    const hasOwner = owner === undefined ? '0' : '1';
    const values: (string | number)[] = [record.expiresAt, record.createdAt, hasOwner, owner ?? ''];
    for (const [name, value] of Object.entries(record.data)) {
      if (value !== undefined) values.push(DATA_FIELD + name, JSON.stringify(value));
    }
    await this.write('set', id, async () => {
      // The index entry goes first: a stale entry is harmless, a missing one would let a session
      // escape destroyByOwner.
      if (owner !== undefined && record.expiresAt > Date.now()) {
        await this.client.sessRedisOwnerIndexV1(this.ownerKey(owner), record.expiresAt, id);
      }
      const previousOwner = await this.client.sessRedisSetV1(this.sessionKey(id), ...values);
      if (previousOwner === null || previousOwner === owner) return true;
      await this.client.srem(this.ownerKey(previousOwner), id);
      return false;
    });
  }

  /** Deletes the record and its owner index entry; deleting a missing record is a no-op. */
  async destroy(id: string): Promise<void> {
    assertValidStoreId(id, STORE_NAME);
    await this.write('destroy', id, async () => {
      const owner = await this.client.sessRedisDestroyV1(this.sessionKey(id));
      if (owner === null) return true;
      await this.client.srem(this.ownerKey(owner), id);
      return false;
    });
  }

  /** Moves the record's expiry without rewriting its data; a missing record stays missing. */
  async touch(id: string, expiresAt: number): Promise<void> {
    assertValidStoreId(id, STORE_NAME);
    await this.write('touch', id, async () => {
      const owner = await this.client.sessRedisTouchV1(this.sessionKey(id), expiresAt);
      return !(await this.extendOwnerIndex(owner, expiresAt));
    });
  }

  /** Writes and removes only the changed top-level keys, atomically; a missing record stays missing. */
  async patch(id: string, change: SessionPatch, expiresAt: number): Promise<void> {
    assertValidStoreId(id, STORE_NAME);
    const pairs: string[] = [];
    const removed: string[] = [];
    for (const [name, value] of Object.entries(change.set)) {
      if (value === undefined) removed.push(DATA_FIELD + name);
      else pairs.push(DATA_FIELD + name, JSON.stringify(value));
    }
    for (const name of change.unset) removed.push(DATA_FIELD + name);
    await this.write('patch', id, async () => {
      const key = this.sessionKey(id);
      const owner = await this.client.sessRedisPatchV1(key, expiresAt, pairs.length / 2, ...pairs, ...removed);
      return !(await this.extendOwnerIndex(owner, expiresAt));
    });
  }

  /**
   * Takes the session's lock (`SET prefix{id}:lock token NX PX ttlMs`), polling until `waitMs` runs
   * out. The returned function releases it only while it still holds this caller's token.
   */
  async lock(id: string, options: LockOptions): Promise<Unlock> {
    assertValidStoreId(id, STORE_NAME);
    const key = this.lockKey(id);
    return pollForLock(
      async () => {
        const token = lockToken();
        const ttlMs = Math.max(1, Math.ceil(options.ttlMs));
        const reply = await this.run('lock', () => this.client.set(key, token, 'PX', ttlMs, 'NX'));
        if (reply !== 'OK') return undefined;
        let released = false;
        return async () => {
          if (released) return;
          await this.run('unlock', () => this.client.sessRedisUnlockV1(key, token));
          released = true;
        };
      },
      options,
      STORE_NAME,
    );
  }

  /**
   * The live sessions of `owner`, through the owner's set of session IDs (no scan of the keyspace):
   * one read per member. Members of sessions that are gone or changed owner are removed from the set.
   */
  async listByOwner(owner: string): Promise<OwnedRecord[]> {
    const ownerKey = this.ownerKey(owner);
    return this.run('listByOwner', async () => {
      const members = (await this.client.smembers(ownerKey)).filter((id) => isValidStoreId(id));
      // One command per session: on a Cluster each session hash lives in its own slot.
      const found = await Promise.all(members.map((id) => this.client.hgetall(this.sessionKey(id))));
      const listed: OwnedRecord[] = [];
      const stale: string[] = [];
      members.forEach((id, index) => {
        const fields = found[index]!;
        const record = parseRecord(fields);
        if (record !== undefined && record.owner === owner) listed.push({ id, record });
        // An expired record may still be renewed (its set entry stays); a gone or re-owned one cannot.
        else if (fields.createdAt === undefined || (fields.owner !== undefined && fields.owner !== owner)) stale.push(id);
      });
      if (stale.length > 0) await this.client.srem(ownerKey, ...stale);
      return listed;
    });
  }

  /**
   * Deletes every session whose owner is `owner`, through the owner's set of session IDs. Entries
   * of sessions that expired or changed owner are skipped (not counted) and removed from the set.
   */
  async destroyByOwner(owner: string): Promise<number> {
    const ownerKey = this.ownerKey(owner);
    return this.run('destroyByOwner', async () => {
      const members = await this.client.smembers(ownerKey);
      if (members.length === 0) return 0;
      // One command per session: each lives in its own Cluster slot.
      const deleted = await Promise.all(
        members.map((id) =>
          isValidStoreId(id) ? this.client.sessRedisDestroyIfOwnerV1(this.sessionKey(id), owner) : Promise.resolve(0),
        ),
      );
      // Only the members read above: an ID added meanwhile by a new login stays indexed.
      for (let index = 0; index < members.length; index += CLEAR_BATCH) {
        await this.client.srem(ownerKey, ...members.slice(index, index + CLEAR_BATCH));
      }
      // Redis's invalidations reach this process too, but on another connection: drop them here now.
      for (const id of members) this.cache?.invalidateWritten(this.sessionKey(id));
      return deleted.reduce<number>((total, count) => total + Number(count), 0);
    });
  }

  /** Deletes every key under this store's prefix (sessions, locks, owner sets), on every master node. */
  async clear(): Promise<void> {
    const pattern = `${escapeGlob(this.prefix)}*`;
    const nodes = await this.run('clear', async () =>
      this.client.isCluster ? (this.client as Cluster).nodes('master') : [this.client as Redis],
    );
    for (const node of nodes) {
      let cursor = '0';
      do {
        // One deadline per batch: a large keyspace may take longer than timeoutMs in total.
        cursor = await this.run('clear', async () => {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', CLEAR_BATCH);
          if (keys.length > 0) {
            // Single-key commands on the node itself: the keys of one node span many slots.
            const pipeline = node.pipeline();
            for (const key of keys) pipeline.unlink(key);
            const results = await pipeline.exec();
            const failure = results?.find(([error]) => error !== null)?.[0];
            if (failure) throw failure;
          }
          return next;
        });
      } while (cursor !== '0');
    }
    // As after every write (see write()): resolve once Redis has sent the invalidations out.
    if (this.cache !== undefined) await this.run('clear', () => this.client.ping());
    this.cache?.invalidateAll();
  }

  /**
   * Stops using Redis. A client the store created from `url` is quit (the process can exit); a
   * client passed as `client` stays open for its owner. Later calls reject with `StoreUnavailableError`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.cache?.close();
    if (!this.ownsClient) return;
    const client = this.client as Redis;
    if (client.status === 'ready') {
      // QUIT lets Redis finish what it was sent; bounded so that a hung server cannot block close().
      await withTimeout(client.quit(), this.timeoutMs, () => new Error('QUIT timed out')).catch(() => undefined);
    }
    // Ends the socket and any pending reconnection timer, whatever state QUIT left.
    client.disconnect();
  }

  private createClient(url: string): Redis {
    const client = new Redis(url, {
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      // Commands are sent only once connected (see waitUntilReady); none wait in a queue that would
      // run them after their caller has given up.
      enableOfflineQueue: false,
      // A command in flight when the connection drops fails at once instead of being replayed later.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Reconnect forever, at most one second apart, so that the store recovers by itself.
      retryStrategy: (attempt) => Math.min(attempt * 50, 1000),
      // After close(), how long a socket that never finished closing may keep the process alive
      // (ioredis waits 2 s by default, even for a socket that failed to connect).
      disconnectTimeout: 200,
    });
    // Failures reach callers as StoreUnavailableError; keep the latest for their message instead of
    // letting ioredis print every reconnection attempt.
    client.on('error', (error: Error) => {
      this.lastError = error;
    });
    client.on('ready', () => {
      this.lastError = undefined;
    });
    return client;
  }

  /** Runs one operation once the client is ready, within `timeoutMs`; every failure becomes `StoreUnavailableError`. */
  private async run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new StoreUnavailableError(STORE_NAME, `${operation} called after close(); create a new RedisStore.`);
    }
    try {
      // Connected (the usual case): the command goes out now, without waiting for a microtask.
      const ready = this.waitUntilReady(operation);
      return await withTimeout(ready ? ready.then(work) : work(), this.timeoutMs, () => this.timeoutError(operation));
    } catch (error) {
      throw storeFailure(STORE_NAME, operation, error, 'check that Redis is running and reachable; the store reconnects by itself');
    }
  }

  /**
   * Runs a write of session `id`; its cached copy is dropped before (a read sent meanwhile is not
   * cached) and after (this process's next read goes to Redis), whatever the outcome. `work` returns
   * whether its last command was the one that changed the session.
   *
   * With the cache on, the write resolves only once Redis has sent the key's invalidation to every
   * listener, those of other processes included. Redis queues the invalidations while it runs the
   * command but writes the reply to the writing connection first, in the same pass; the kernel can
   * then run the writer, its HTTP response and the user's next request to another process before
   * Redis writes the invalidations (seen on a loaded 2-core host: about 1 write in 100). Redis reads
   * a connection's next command only after that pass, so one more round trip after the change (the
   * owner index command of most writes, else a PING) is answered after every invalidation went out.
   */
  private async write(operation: string, id: string, work: () => Promise<boolean>): Promise<void> {
    const cache = this.cache;
    if (cache === undefined) {
      await this.run(operation, work);
      return;
    }
    const key = this.sessionKey(id);
    cache.invalidateWritten(key);
    try {
      await this.run(operation, async () => {
        if (await work()) await this.client.ping();
      });
    } finally {
      cache.invalidateWritten(key);
    }
  }

  private waitUntilReady(operation: string): Promise<void> | undefined {
    const client = this.client;
    if (client.status === 'ready') return undefined;
    if (client.status === 'end') throw this.clientClosedError(operation);
    // The connection failed and is being retried: answer now with why, instead of making every
    // request of the outage wait out timeoutMs. A first connection (no error yet) is waited for.
    if (this.lastError !== undefined && client.status !== 'wait') {
      throw new StoreUnavailableError(
        STORE_NAME,
        `${operation} failed: Redis is not connected (${this.lastError.message}). Check that Redis is running and reachable; the store reconnects by itself.`,
        { cause: this.lastError },
      );
    }
    // A client created with lazyConnect waits for its first command; this store sends none before ready.
    if (client.status === 'wait') client.connect().catch(() => undefined);
    // One pair of listeners shared by every waiting operation, however many pile up during an outage.
    this.readyWaiter ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: StoreUnavailableError) => {
        client.off('ready', onReady);
        client.off('end', onEnd);
        this.readyWaiter = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => settle();
      const onEnd = () => settle(this.clientClosedError(operation));
      client.once('ready', onReady);
      client.once('end', onEnd);
    });
    return this.readyWaiter;
  }

  private clientClosedError(operation: string): StoreUnavailableError {
    return new StoreUnavailableError(
      STORE_NAME,
      this.ownsClient
        ? `${operation} failed: the store's Redis connection was closed.`
        : `${operation} failed: the ioredis client was closed (quit or disconnect). ` +
            'Keep the client open while the store is in use.',
    );
  }

  private timeoutError(operation: string): StoreUnavailableError {
    const status = this.client.status;
    const reason =
      status === 'ready'
        ? 'Redis did not answer'
        : `Redis is not connected (client status: ${status}` +
          `${this.lastError ? `, last error: ${this.lastError.message}` : ''})`;
    return new StoreUnavailableError(
      STORE_NAME,
      `${operation} timed out after ${this.timeoutMs} ms: ${reason}. ` +
        'Check that Redis is running and reachable; the store reconnects by itself.',
    );
  }

  /** Returns whether a command was sent (then it answered after the session's change). */
  private async extendOwnerIndex(owner: string | null, expiresAt: number): Promise<boolean> {
    // A touched or patched session may now outlive its owner's set: make the set live as long.
    if (owner === null || expiresAt <= Date.now()) return false;
    await this.client.sessRedisOwnerIndexV1(this.ownerKey(owner), expiresAt);
    return true;
  }

  private sessionKey(id: string): string {
    return `${this.prefix}{${id}}`;
  }

  /** The session ID of a key of {@link sessionKey}'s form under this store's prefix, else `undefined`. */
  private sessionIdOf(key: string): string | undefined {
    const { prefix } = this;
    const matches = key.length > prefix.length + 2 && key.startsWith(prefix) && key.charCodeAt(prefix.length) === 0x7b && key.endsWith('}');
    return matches ? key.slice(prefix.length + 1, -1) : undefined;
  }

  private lockKey(id: string): string {
    return `${this.prefix}{${id}}:lock`;
  }

  private ownerKey(owner: string): string {
    return `${this.prefix}owner:${owner}`;
  }
}

/** Turns the hash of one session back into a record; anything this store did not write reads as absent. */
function parseRecord(fields: Record<string, string>): SessionRecord | undefined {
  const createdAt = Number(fields.createdAt);
  const expiresAt = Number(fields.expiresAt);
  const complete = fields.createdAt !== undefined && fields.expiresAt !== undefined;
  if (!complete || !Number.isFinite(createdAt) || !Number.isFinite(expiresAt)) return undefined;
  // Redis drops the key at its expiry; this covers a Redis clock behind the application's.
  if (expiresAt <= Date.now()) return undefined;
  const data: StoredData = {};
  for (const [field, value] of Object.entries(fields)) {
    if (!field.startsWith(DATA_FIELD)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
    // defineProperty, not assignment: a session key named `__proto__` must stay a plain key.
    Object.defineProperty(data, field.slice(DATA_FIELD.length), {
      value: parsed,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const record: SessionRecord = { data, createdAt, expiresAt };
  if (fields.owner !== undefined) record.owner = fields.owner;
  return record;
}

/**
 * A session hash as the read cache keeps it: checked and parsed once when read from Redis, its data
 * fields joined into one JSON text, so that a hit costs what a `MemoryStore` read costs (one
 * `JSON.parse`, which also gives every read its own copy). `null` when the hash is no live record of
 * this store (no such key, or fields this store did not write): that answer is cached too.
 */
interface CachedRecord {
  data: string;
  createdAt: number;
  expiresAt: number;
  owner: string | undefined;
}

/** {@link parseRecord} for the read cache, without the expiry check (done at each read). */
function toCachedRecord(fields: SessionFields): CachedRecord | null {
  const createdAt = Number(fields.createdAt);
  const expiresAt = Number(fields.expiresAt);
  const complete = fields.createdAt !== undefined && fields.expiresAt !== undefined;
  if (!complete || !Number.isFinite(createdAt) || !Number.isFinite(expiresAt)) return null;
  let data = '';
  for (const [field, value] of Object.entries(fields)) {
    if (!field.startsWith(DATA_FIELD)) continue;
    // Each value is checked on its own, as parseRecord does: a value that is not one JSON text could
    // otherwise merge with its neighbours in the joined text.
    try {
      JSON.parse(value);
    } catch {
      return null;
    }
    // JSON.parse makes a key named `__proto__` an own key, as parseRecord's defineProperty does.
    data += `${data === '' ? '' : ','}${JSON.stringify(field.slice(DATA_FIELD.length))}:${value}`;
  }
  return { data: `{${data}}`, createdAt, expiresAt, owner: fields.owner };
}

/** The record of a cached session hash; `undefined` when there is none or it has expired. */
function fromCachedRecord(cached: CachedRecord | null): SessionRecord | undefined {
  // Redis drops the key at its expiry; this covers a Redis clock behind the application's.
  if (cached === null || cached.expiresAt <= Date.now()) return undefined;
  const record: SessionRecord = { data: JSON.parse(cached.data) as StoredData, createdAt: cached.createdAt, expiresAt: cached.expiresAt };
  if (cached.owner !== undefined) record.owner = cached.owner;
  return record;
}

/** Escapes the glob characters of `SCAN MATCH` so that the prefix matches literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** The promise of {@link afterPendingIo} for the current turn of the event loop, until it resolves. */
let turnEnd: Promise<void> | undefined;

/**
 * Resolves after the I/O callbacks of the event loop's current turn (in Node's check phase). Every
 * cache hit of a turn waits on the same promise: one `setImmediate` per turn, not per read. A read
 * that joins it later in the same turn is answered at the same point, which still comes after the
 * I/O its request was read in; once it has resolved, the next read waits for a turn of its own
 * (an immediate scheduled from the check phase runs in the next turn's).
 */
function afterPendingIo(): Promise<void> {
  return (turnEnd ??= new Promise<void>((resolve) => {
    setImmediate(() => {
      turnEnd = undefined;
      resolve();
    });
  }));
}
