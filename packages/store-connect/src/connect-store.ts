/**
 * A bridge from the express-session (connect) store interface to sess's `Store`, so that any of the
 * hundreds of connect stores (connect-mongo, connect-dynamodb, connect-pg-simple...) keeps sess
 * sessions.
 */
import {
  assertValidStoreId,
  fromCallback,
  storeFailure,
  type SessionRecord,
  type Store,
  type StoredData,
  refuseUnknownOptions,
} from '@sess/core';

/** The callback every connect store method takes last. */
export type ConnectCallback<T = unknown> = (error?: unknown, value?: T) => void;

/** A session as connect stores see it: express-session's `cookie` object plus the app's values. */
export interface ConnectSession {
  /** express-session's serialized cookie; stores read `expires` (or `maxAge`) from it for their TTL. */
  cookie: {
    /** When the session ends. */
    expires?: Date | string | null;
    /** Lifetime in ms at the time of writing. */
    originalMaxAge?: number | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * The part of express-session's `Store` interface the bridge uses: the required `get`, `set` and
 * `destroy`, and `clear` when the store has it. Every method takes a Node-style callback; stores
 * that also return a promise are fine. Sessions are typed loosely on purpose: each connect store
 * types them its own way (express-session's `SessionData`, its `Cookie` class...), and the bridge
 * must accept them all.
 */
export interface ConnectStore {
  /** Reads a session; calls back with `null`/`undefined` when there is none. */
  get(sid: string, callback: (error: any, session?: any) => void): unknown;
  /** Inserts or replaces a session. */
  set(sid: string, session: any, callback?: (error?: any) => void): unknown;
  /** Deletes a session. */
  destroy(sid: string, callback?: (error?: any) => void): unknown;
  /** Deletes every session of the store (optional in express-session's interface). */
  clear?(callback?: (error?: any) => void): unknown;
}

/** Options of {@link connectStore}. */
export interface ConnectStoreOptions {
  /**
   * Name used in error messages (`[sess] [connect-redis] ...`).
   * @default 'connect'
   */
  name?: string;
  /**
   * Releases what the connect store holds (its client, pool or timers), for `close()`. When omitted
   * the store's own `close()` is used if it has one, else the sess store has no `close`.
   * @default the connect store's own `close()`, if any
   */
  close?: () => unknown;
}

/**
 * The key under which sess keeps its own fields (`createdAt`, `expiresAt`, `owner`) in a connect
 * session. Any data key named `cookie` or `__sess` is kept in there too, under `escaped`, so that
 * the app's values never collide with express-session's `cookie`.
 */
export const SESS_FIELD = '__sess';

/** The fields sess adds to a connect session. */
interface SessFields {
  createdAt: number;
  expiresAt: number;
  owner?: string;
  escaped?: StoredData;
}

const RESERVED_KEYS = new Set(['cookie', SESS_FIELD]);

/** A sess record in connect's shape: `{ cookie: { expires, originalMaxAge }, ...data, __sess }`. */
export function toConnectSession(record: SessionRecord, now = Date.now()): ConnectSession {
  const data = structuredClone(record.data);
  const plain: Array<[string, unknown]> = [];
  const escaped: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(data)) (RESERVED_KEYS.has(key) ? escaped : plain).push([key, value]);
  const fields: SessFields = { createdAt: record.createdAt, expiresAt: record.expiresAt };
  if (record.owner !== undefined) fields.owner = record.owner;
  // Object.fromEntries defines properties, so a key such as `__proto__` stays an ordinary key.
  if (escaped.length > 0) fields.escaped = Object.fromEntries(escaped) as StoredData;
  const maxAge = Math.max(0, record.expiresAt - now);
  return {
    ...Object.fromEntries(plain),
    // `maxAge` as well as `expires`: some stores compute their TTL from one, some from the other.
    cookie: { originalMaxAge: maxAge, maxAge, expires: new Date(record.expiresAt), path: '/', httpOnly: true },
    [SESS_FIELD]: fields,
  };
}

/**
 * The sess record inside a connect session, or `undefined` when the session was not written by sess
 * (no valid `__sess` field) or has expired at `now`.
 */
export function fromConnectSession(session: unknown, now = Date.now()): SessionRecord | undefined {
  if (typeof session !== 'object' || session === null) return undefined;
  const fields = (session as Record<string, unknown>)[SESS_FIELD] as Partial<SessFields> | undefined;
  if (typeof fields !== 'object' || fields === null) return undefined;
  const { createdAt, expiresAt, owner, escaped } = fields;
  if (typeof createdAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  // Backends count TTLs in whole seconds (or not at all): the record's own deadline is the truth.
  if (expiresAt <= now) return undefined;
  const entries = Object.entries(session).filter(([key]) => !RESERVED_KEYS.has(key));
  if (typeof escaped === 'object' && escaped !== null) entries.push(...Object.entries(escaped));
  const record: SessionRecord = { data: structuredClone(Object.fromEntries(entries)) as StoredData, createdAt, expiresAt };
  if (typeof owner === 'string') record.owner = owner;
  return record;
}

/**
 * Calls a callback-style method of the connect store; a failure becomes `StoreUnavailableError`.
 * The core's store timeout bounds the call (a callback that never comes does not hang a request).
 */
async function callStore<T>(name: string, what: string, call: (callback: ConnectCallback<T>) => unknown): Promise<T | undefined> {
  try {
    return await fromCallback<T>(call);
  } catch (error) {
    throw storeFailure(name, what, error, "check the connect store's backend");
  }
}

/**
 * Wraps an express-session (connect) compatible store as a sess `Store`.
 *
 * Records are written as `{ cookie: { expires, originalMaxAge }, ...data, __sess: { createdAt,
 * expiresAt, owner } }`, so the connect store derives its TTL from `cookie.expires` as it does for
 * express-session. The result has `get`, `set`, `destroy`, `clear` when the connect store has it and
 * `close` when one is given or the store has one. It has no `touch` (a connect `touch` moves only the
 * backend's TTL, not the deadline kept in the record, and a read-modify-write could undo a concurrent
 * change), no `patch` and no `lock` (connect stores have no atomic partial update or lock).
 *
 * @example
 * ```ts
 * import { RedisStore } from 'connect-redis';
 * const store = connectStore(new RedisStore({ client, prefix: 'sess:' }), { name: 'connect-redis' });
 * ```
 */
export function connectStore(store: ConnectStore, options: ConnectStoreOptions = {}): Store {
  refuseUnknownOptions('connectStore()', options, ['name', 'close'], { timeoutMs: "the core's `storeTimeout` bounds every store call" });
  const name = options.name ?? 'connect';
  const ownClose = (store as { close?: () => unknown }).close;
  const close = options.close ?? (typeof ownClose === 'function' ? () => ownClose.call(store) : undefined);

  const result: Store = {
    name,
    async get(id) {
      assertValidStoreId(id, name);
      const session = await callStore<unknown>(name, 'get', (callback) => store.get(id, callback));
      return fromConnectSession(session);
    },
    async set(id, record) {
      assertValidStoreId(id, name);
      const now = Date.now();
      // A record born dead replaces nothing: remove the live one instead of writing a zero TTL.
      if (record.expiresAt <= now) {
        await callStore(name, 'destroy', (callback) => store.destroy(id, callback));
        return;
      }
      const session = toConnectSession(record, now);
      await callStore(name, 'set', (callback) => store.set(id, session, callback));
    },
    async destroy(id) {
      assertValidStoreId(id, name);
      await callStore(name, 'destroy', (callback) => store.destroy(id, callback));
    },
  };
  if (typeof store.clear === 'function') {
    result.clear = async () => {
      await callStore(name, 'clear', (callback) => store.clear!(callback));
    };
  }
  if (close) {
    result.close = async () => {
      await close();
    };
  }
  return result;
}
