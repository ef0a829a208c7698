import { LruMap, SessionConfigError, refuseUnknownOptions, withTimeout } from '@sess/core';
import type { Redis } from 'ioredis';

/** The channel on which Redis publishes the invalidations of a `CLIENT TRACKING … REDIRECT` client (RESP2). */
const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** Options of the read cache of {@link RedisStore} (`cache: true` takes every default). */
export interface RedisCacheOptions {
  /**
   * Most sessions kept in the cache at once; past it, the least recently read one is dropped (it is
   * read from Redis again next time). Each entry holds one session's fields as strings.
   * @default 10_000
   */
  maxEntries?: number;
}

/** The hash of one session as `HGETALL` returns it. */
export type SessionFields = Record<string, string>;

/**
 * How the store keys its sessions in Redis, for a cache that keys its entries by session ID: a read
 * hands the cache the ID it got (hashed once) rather than a key string built for the occasion, and
 * an invalidation's key is turned back into an ID.
 */
export interface CacheKeys {
  /** The Redis key of session `id`. */
  keyOf(id: string): string;
  /** The session ID of Redis key `key`, or `undefined` for a key that is not one of the store's sessions. */
  idOf(key: string): string | undefined;
}

/**
 * Every open cache of this process. A write is dropped from all of them, not only from the writing
 * store's: two stores of one process on the same Redis learn of each other's writes through Redis
 * too, but a read that runs right after the other store's write (same tick) would come before
 * Redis's invalidation is read from the socket. A key dropped from a cache of another Redis is a
 * harmless miss.
 */
const openCaches = new Set<TrackingCache<unknown>>();

/** A fetch in flight: set `stale` when its key may have changed after Redis read it. */
interface Fetch {
  stale: boolean;
}

/** Checks the `cache` option and returns its capacity, or `undefined` when the cache is off. */
export function resolveCacheOptions(store: string, cache: boolean | RedisCacheOptions | undefined): number | undefined {
  if (cache === undefined || cache === false) return undefined;
  if (cache === true) return 10_000;
  if (typeof cache !== 'object' || cache === null) {
    throw new SessionConfigError(`[${store}] \`cache\` must be true, false or { maxEntries }, got ${JSON.stringify(cache)}.`);
  }
  refuseUnknownOptions('RedisStore cache', cache, ['maxEntries'], { max: 'the capacity is `maxEntries`', size: 'the capacity is `maxEntries`' });
  const { maxEntries = 10_000 } = cache;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new SessionConfigError(`[${store}] \`cache.maxEntries\` must be a positive integer, got ${maxEntries}.`);
  }
  return maxEntries;
}

/**
 * An in-process cache of session hashes that Redis keeps coherent (server-assisted client-side
 * caching, RESP2 form, which ioredis 5 and 6 both speak).
 *
 * Two connections of its own: `reader` runs the `HGETALL` of every miss with
 * `CLIENT TRACKING on REDIRECT <id of listener>`, so Redis remembers each key it read there;
 * `listener` is subscribed to `__redis__:invalidate`, where Redis sends a key's name as soon as any
 * client changes, deletes or expires it (and a null for FLUSHDB/FLUSHALL). A key is dropped from the
 * cache when its name arrives. The cache is served only while both connections are up and the
 * tracking is in place on the reader's current connection: when either drops, everything is dropped
 * and reads go to Redis until both are back (Redis forgets a connection's tracking when it closes).
 *
 * Races: an invalidation can arrive before the reply of a read that saw the old value (the two come on
 * different connections), so each fetch in flight is marked stale by an invalidation of its key, by a
 * write of this process to its key, or by a reset, and a stale fetch is returned but not cached.
 *
 * Entries are keyed by session ID and hold `V`, what `decode` makes of the hash once when it is read
 * from Redis (the store keeps it ready to hand out, so that a hit does not parse the hash again).
 * `V` must not include `undefined`, which means a miss.
 */
export class TrackingCache<V> {
  private readonly entries: LruMap<string, V>;
  private readonly fetches = new Map<string, Set<Fetch>>();
  private readonly keys: CacheKeys;
  private readonly decode: (fields: SessionFields) => V;
  private readonly reader: Redis;
  private readonly listener: Redis;
  private readonly timeoutMs: number;
  /** The listener's client ID once it is subscribed on its current connection. */
  private listening: Promise<string> | undefined;
  /** True while both connections are up and the reader is tracked towards the listener. */
  private live = false;
  /** Bumped whenever a connection drops or comes up: a setup started before a bump does not go live. */
  private attempt = 0;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private closed = false;

  /**
   * @param open creates one dedicated connection (a `duplicate()` of the store's standalone client).
   * @param timeoutMs how long the listener may take to answer its heartbeat before it is reconnected.
   */
  constructor(open: () => Redis, maxEntries: number, timeoutMs: number, keys: CacheKeys, decode: (fields: SessionFields) => V) {
    this.entries = new LruMap(maxEntries);
    this.timeoutMs = timeoutMs;
    this.keys = keys;
    this.decode = decode;
    this.reader = open();
    this.listener = open();
    this.listener.on('messageBuffer', (channel: Buffer | string, keys: unknown) => {
      if (String(channel) === INVALIDATE_CHANNEL) this.onInvalidate(keys);
    });
    for (const connection of [this.reader, this.listener]) {
      // Errors show as dropped connections; the store reports its own failures.
      connection.on('error', () => undefined);
      connection.on('close', () => this.drop(connection === this.listener));
      connection.on('ready', () => void this.goLive(connection === this.listener));
    }
    // A connection that hangs without closing (a silent network partition) would let the cache serve
    // stale entries for ever; a listener that does not answer a PING in time is reconnected, which
    // drops the cache.
    this.heartbeat = setInterval(() => this.checkListener(), Math.max(250, timeoutMs));
    this.heartbeat.unref?.();
    openCaches.add(this);
  }

  /** Whether reads are served from the cache now (both connections up, tracking in place). */
  get isLive(): boolean {
    return this.live;
  }

  /** Number of sessions cached. */
  get size(): number {
    return this.entries.size;
  }

  /** The cached session `id`, or `undefined` on a miss or while the cache is not live. */
  get(id: string): V | undefined {
    return this.live ? this.entries.get(id) : undefined;
  }

  /**
   * Reads session `id` from Redis: through the tracked reader when live (and caches the answer unless
   * it went stale in flight), through `fallback` otherwise.
   */
  async fetch(id: string, fallback: Redis): Promise<V> {
    const key = this.keys.keyOf(id);
    if (!this.live || this.reader.status !== 'ready') return this.decode(await fallback.hgetall(key));
    const fetch: Fetch = { stale: false };
    let pending = this.fetches.get(id);
    if (pending === undefined) this.fetches.set(id, (pending = new Set()));
    pending.add(fetch);
    const attempt = this.attempt;
    try {
      const value = this.decode(await this.reader.hgetall(key));
      if (!fetch.stale && this.live && attempt === this.attempt) this.entries.set(id, value);
      return value;
    } finally {
      pending.delete(fetch);
      if (pending.size === 0 && this.fetches.get(id) === pending) this.fetches.delete(id);
    }
  }

  /**
   * Forgets the session of Redis key `key` in every cache of this process and spoils their fetches
   * of it in flight: called before and after each write of this process.
   */
  invalidateWritten(key: string): void {
    for (const cache of openCaches) cache.invalidateKey(key);
  }

  /** Forgets session `id` and spoils its fetches in flight. */
  invalidate(id: string): void {
    this.entries.delete(id);
    const pending = this.fetches.get(id);
    if (pending !== undefined) for (const fetch of pending) fetch.stale = true;
  }

  /** Forgets the session of Redis key `key`, if it is one of this cache's. */
  private invalidateKey(key: string): void {
    const id = this.keys.idOf(key);
    if (id !== undefined) this.invalidate(id);
  }

  /** Forgets every key (after `clear()`), spoiling every fetch in flight. */
  invalidateAll(): void {
    this.entries.clear();
    for (const pending of this.fetches.values()) for (const fetch of pending) fetch.stale = true;
  }

  /** Waits until the cache is live (for tests and warm-up), or rejects after `timeoutMs`. */
  async ready(timeoutMs = this.timeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.live) {
      if (this.closed || Date.now() > deadline) throw new Error('the Redis read cache did not come up');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    this.closed = true;
    openCaches.delete(this);
    clearInterval(this.heartbeat);
    this.drop(true);
    await Promise.all(
      [this.reader, this.listener].map(async (connection) => {
        if (connection.status === 'ready') {
          await withTimeout(connection.quit(), this.timeoutMs, () => new Error('QUIT timed out')).catch(() => undefined);
        }
        connection.disconnect();
      }),
    );
  }

  private onInvalidate(keys: unknown): void {
    // A null (FLUSHDB, FLUSHALL, or the tracking table evicting everything) means every key.
    if (keys === null || keys === undefined) return this.invalidateAll();
    if (Array.isArray(keys)) for (const key of keys) this.invalidateKey(String(key));
    else this.invalidateKey(String(keys));
  }

  /** A connection dropped (or the cache closes): nothing cached can be trusted any more. */
  private drop(listenerDropped: boolean): void {
    this.live = false;
    this.attempt += 1;
    if (listenerDropped) this.listening = undefined;
    this.invalidateAll();
  }

  /** Once both connections are up: subscribe the listener, point the reader's tracking at it, go live. */
  private async goLive(listenerCameUp: boolean): Promise<void> {
    if (this.closed) return;
    const attempt = ++this.attempt;
    this.live = false;
    this.invalidateAll();
    const { reader, listener } = this;
    if (listenerCameUp || this.listening === undefined) {
      this.listening = undefined;
      if (listener.status !== 'ready') return;
      // CLIENT ID first: a subscribed RESP2 connection accepts nothing but (UN)SUBSCRIBE and PING.
      const listening = (async () => {
        const id = String(await listener.client('ID'));
        await listener.subscribe(INVALIDATE_CHANNEL);
        return id;
      })();
      this.listening = listening;
      listening.catch(() => undefined);
    }
    if (reader.status !== 'ready') return;
    try {
      const id = await this.listening;
      if (id === undefined || attempt !== this.attempt) return;
      await reader.client('TRACKING', 'off');
      await reader.client('TRACKING', 'on', 'REDIRECT', id);
      // Anything that happened during the setup (a drop, another ready) started a newer attempt.
      if (attempt === this.attempt && reader.status === 'ready' && listener.status === 'ready' && !this.closed) {
        this.live = true;
      }
    } catch {
      // Stays off: the next reconnection of either connection tries again.
    }
  }

  private checkListener(): void {
    if (!this.live) return;
    const listener = this.listener;
    withTimeout(listener.ping(), this.timeoutMs, () => new Error('no PONG')).catch(() => {
      if (!this.closed) listener.disconnect(true);
    });
  }
}
