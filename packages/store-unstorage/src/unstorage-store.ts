/**
 * A sess store over an unstorage `Storage`, so that every unstorage driver (memory, fs, Redis,
 * Cloudflare KV, Vercel KV, Deno KV, S3...) keeps sessions.
 */
import {
  assertValidStoreId,
  storeFailure,
  type SessionRecord,
  type Store,
  type StoredData,
  refuseUnknownOptions,
} from '@sess/core';
import type { Storage } from 'unstorage';

/** Options of {@link unstorageStore}. */
export interface UnstorageStoreOptions {
  /**
   * Key prefix of every record (`<base>:<id>`); `clear()`, `prune()` and `destroyByOwner()` touch
   * only keys under it. Give each app or store its own.
   * @default 'sess'
   */
  base?: string;
  /**
   * Name used in error messages (`[sess] [unstorage] ...`).
   * @default 'unstorage'
   */
  name?: string;
  /**
   * Whether `close()` disposes the storage (closing its drivers' connections). Set to `false` when
   * the app keeps using the same storage for other things.
   * @default true
   */
  dispose?: boolean;
}

/** The JSON envelope written for one record. */
interface Envelope {
  data: StoredData;
  createdAt: number;
  expiresAt: number;
  owner?: string;
}

const utf8 = new TextDecoder();

/** The record in a stored value, or `undefined` when the value is not a well-formed record. */
function parseEnvelope(value: unknown): SessionRecord | undefined {
  // Raw values come back as the driver keeps them: a string (memory, Redis) or bytes (fs).
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value instanceof Uint8Array || value instanceof ArrayBuffer) text = utf8.decode(value);
  else return undefined;
  let parsed: Partial<Envelope>;
  try {
    parsed = JSON.parse(text) as Partial<Envelope>;
  } catch {
    return undefined;
  }
  const { data, createdAt, expiresAt, owner } = parsed ?? {};
  if (typeof data !== 'object' || data === null || typeof createdAt !== 'number' || typeof expiresAt !== 'number') return undefined;
  const record: SessionRecord = { data, createdAt, expiresAt };
  if (typeof owner === 'string') record.owner = owner;
  return record;
}

/**
 * A sess `Store` over any unstorage `Storage`.
 *
 * Each record is one JSON string at `<base>:<id>`, written and read with `setItemRaw` /
 * `getItemRaw` so that unstorage's parser (which drops `__proto__` and `constructor` keys) never
 * touches session data. Drivers with native expiry (Redis, Cloudflare KV, Vercel KV...) get a TTL
 * (`{ ttl: seconds }`); the record's own `expiresAt` is checked on every read, and `prune()` deletes
 * expired records for drivers without one (memory, fs).
 *
 * Capabilities: `destroyByOwner` (a scan of the base: fine for "log out everywhere", not for hot
 * paths), `prune`, `clear` and `close`. No `touch`, `patch` or `lock`: unstorage has no atomic
 * update or lock, and a read-modify-write would lose concurrent changes.
 *
 * @example
 * ```ts
 * import { createStorage } from 'unstorage';
 * import redisDriver from 'unstorage/drivers/redis';
 * const store = unstorageStore(createStorage({ driver: redisDriver({ url: process.env.REDIS_URL }) }));
 * ```
 */
export function unstorageStore(storage: Storage, options: UnstorageStoreOptions = {}): Store {
  refuseUnknownOptions('unstorageStore()', options, ['base', 'name', 'dispose'], { timeoutMs: "the core's `storeTimeout` bounds every store call" });
  const base = (options.base ?? 'sess').replace(/^:+|:+$/g, '');
  const name = options.name ?? 'unstorage';
  const dispose = options.dispose ?? true;
  const keyOf = (id: string) => `${base}:${id}`;

  /** Runs one storage call, turning any failure into `StoreUnavailableError` (the core's store timeout bounds it). */
  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw storeFailure(name, what, error, "check the storage driver's backend");
    }
  }

  /** Every record key under the base, as the storage lists them. */
  async function ownKeys(): Promise<string[]> {
    const keys = await call('getKeys', () => storage.getKeys(base));
    // getKeys matches by prefix: `sess` would also list `session:...`; keep only `<base>:` keys.
    return keys.filter((key) => key.startsWith(`${base}:`));
  }

  /** Deletes each key whose record `shouldDelete` picks; returns how many. */
  async function deleteWhere(shouldDelete: (record: SessionRecord | undefined) => boolean): Promise<number> {
    let deleted = 0;
    for (const key of await ownKeys()) {
      const record = parseEnvelope(await call('getItemRaw', () => storage.getItemRaw(key)));
      if (!shouldDelete(record)) continue;
      await call('removeItem', () => storage.removeItem(key));
      deleted += 1;
    }
    return deleted;
  }

  return {
    name,
    async get(id) {
      assertValidStoreId(id, name);
      const record = parseEnvelope(await call('getItemRaw', () => storage.getItemRaw(keyOf(id))));
      if (record === undefined || record.expiresAt <= Date.now()) return undefined;
      return record;
    },
    async set(id, record) {
      assertValidStoreId(id, name);
      const lifetimeMs = record.expiresAt - Date.now();
      if (lifetimeMs <= 0) {
        // A record born dead replaces nothing: remove the live one instead of writing it.
        await call('removeItem', () => storage.removeItem(keyOf(id)));
        return;
      }
      const envelope: Envelope = { data: record.data, createdAt: record.createdAt, expiresAt: record.expiresAt };
      if (record.owner !== undefined) envelope.owner = record.owner;
      const ttl = Math.ceil(lifetimeMs / 1000);
      await call('setItemRaw', () => storage.setItemRaw(keyOf(id), JSON.stringify(envelope), { ttl }));
    },
    async destroy(id) {
      assertValidStoreId(id, name);
      await call('removeItem', () => storage.removeItem(keyOf(id)));
    },
    async destroyByOwner(owner) {
      return deleteWhere((record) => record?.owner === owner);
    },
    async prune() {
      const now = Date.now();
      // Values that are not records (cut short by a crash, say) go too: nothing can read them.
      return deleteWhere((record) => record === undefined || record.expiresAt <= now);
    },
    async clear() {
      // Key by key rather than storage.clear(base): some drivers' clear ignores the base.
      for (const key of await ownKeys()) await call('removeItem', () => storage.removeItem(key));
    },
    async close() {
      if (dispose) await call('dispose', () => storage.dispose());
    },
  };
}
