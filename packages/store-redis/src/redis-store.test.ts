import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LockTimeoutError, SessionConfigError, StoreUnavailableError, type SessionRecord } from '@sess/core';
import { randomStoreId } from '@sess/store-test-suite';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.js';
import { REDIS_URL, requireRedis, uniquePrefix } from '@sess/test-servers';

const run = promisify(execFile);
const prefix = uniquePrefix('store');
let raw: Redis;
const stores: RedisStore[] = [];

const newStore = (options: ConstructorParameters<typeof RedisStore>[0] = {}) => {
  const store = new RedisStore({ url: REDIS_URL, prefix, ...options });
  stores.push(store);
  return store;
};
const record = (data: SessionRecord['data'] = { user: 'ada' }, ttlMs = 60_000, owner?: string): SessionRecord => {
  const now = Date.now();
  return { data, createdAt: now - 1000, expiresAt: now + ttlMs, ...(owner === undefined ? {} : { owner }) };
};

// Checked once, awaited before every test: with Redis down each test fails and says how to start it.
const reachable = requireRedis();
reachable.catch(() => undefined);

beforeAll(() => {
  raw = new Redis(REDIS_URL, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
  raw.on('error', () => undefined);
});

beforeEach(() => reachable);

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

afterAll(async () => {
  if (raw.status !== 'ready') return raw.disconnect();
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) await raw.del(...keys);
  await raw.quit();
});

describe('options', () => {
  it('refuses client and url together', () => {
    expect(() => new RedisStore({ client: raw, url: REDIS_URL })).toThrow(SessionConfigError);
  });

  it('refuses a prefix that is empty or holds a hash tag', () => {
    expect(() => new RedisStore({ client: raw, prefix: '' })).toThrow(/prefix/);
    expect(() => new RedisStore({ client: raw, prefix: 'a{b}:' })).toThrow(SessionConfigError);
  });

  it('refuses a timeout that is not a positive number', () => {
    expect(() => new RedisStore({ client: raw, timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => new RedisStore({ client: raw, timeoutMs: Number.NaN })).toThrow(SessionConfigError);
  });

  it('names itself redis', () => {
    expect(newStore().name).toBe('redis');
  });
});

describe('keys and layout', () => {
  it('keeps a session as the hash prefix{id} with one JSON field per key, expiring natively at expiresAt', async () => {
    const store = newStore();
    const id = randomStoreId();
    const written = record({ user: { name: 'Ada', roles: ['admin'] }, visits: 3 }, 60_000, 'ada');
    await store.set(id, written);
    const key = `${prefix}{${id}}`;
    expect(await raw.type(key)).toBe('hash');
    expect(await raw.hgetall(key)).toEqual({
      createdAt: String(written.createdAt),
      expiresAt: String(written.expiresAt),
      owner: 'ada',
      'data:user': '{"name":"Ada","roles":["admin"]}',
      'data:visits': '3',
    });
    expect(Number(await raw.pexpiretime(key))).toBe(written.expiresAt);
  });

  it('keeps values that Lua cjson would corrupt (17-digit numbers, empty arrays) exact through a patch', async () => {
    const store = newStore();
    const id = randomStoreId();
    const written = record({ precise: 0.12345678901234567, large: 1732140000000123, empty: [] });
    await store.set(id, written);
    await store.patch(id, { set: { other: [[], {}] }, unset: [] }, written.expiresAt);
    expect((await store.get(id))?.data).toEqual({ precise: 0.12345678901234567, large: 1732140000000123, empty: [], other: [[], {}] });
  });

  it('keeps a session key named __proto__ as plain data', async () => {
    const store = newStore();
    const id = randomStoreId();
    const written = record(JSON.parse('{"__proto__":{"polluted":true},"a":1}'));
    await store.set(id, written);
    const read = await store.get(id);
    expect(Object.keys(read!.data).sort()).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(read!.data)).toBe(Object.prototype);
  });

  it('moves the key expiry on touch and patch, and never creates a key for a missing session', async () => {
    const store = newStore();
    const id = randomStoreId();
    const key = `${prefix}{${id}}`;
    await store.touch(id, Date.now() + 60_000);
    await store.patch(id, { set: { a: 1 }, unset: [] }, Date.now() + 60_000);
    expect(await raw.exists(key)).toBe(0);

    const written = record();
    await store.set(id, written);
    await store.touch(id, written.expiresAt + 5_000);
    expect(Number(await raw.pexpiretime(key))).toBe(written.expiresAt + 5_000);
    await store.patch(id, { set: { b: 2 }, unset: ['user'] }, written.expiresAt + 9_000);
    expect(Number(await raw.pexpiretime(key))).toBe(written.expiresAt + 9_000);
    expect(await raw.hget(key, 'expiresAt')).toBe(String(written.expiresAt + 9_000));
  });

  it('reads a key under the prefix that it did not write as no session', async () => {
    const store = newStore();
    const id = randomStoreId();
    await raw.hset(`${prefix}{${id}}`, 'unrelated', 'value');
    await raw.pexpire(`${prefix}{${id}}`, 60_000);
    expect(await store.get(id)).toBeUndefined();
    await raw.hset(`${prefix}{${id}}`, 'createdAt', '1', 'expiresAt', String(Date.now() + 60_000), 'data:a', '{not json');
    expect(await store.get(id)).toBeUndefined();
  });
});

describe('owner index', () => {
  const ownerKey = (owner: string) => `${prefix}owner:${owner}`;

  it('files a session under its owner in a set that outlives it, and removes it on destroy', async () => {
    const store = newStore();
    const owner = `owner-${randomStoreId()}`;
    const id = randomStoreId();
    const written = record({ a: 1 }, 60_000, owner);
    await store.set(id, written);
    expect(await raw.smembers(ownerKey(owner))).toEqual([id]);
    expect(Number(await raw.pexpiretime(ownerKey(owner)))).toBeGreaterThanOrEqual(written.expiresAt);
    await store.destroy(id);
    expect(await raw.exists(ownerKey(owner))).toBe(0);
  });

  it('extends the owner set when touch or patch lets a session outlive it', async () => {
    const store = newStore();
    const owner = `owner-${randomStoreId()}`;
    const id = randomStoreId();
    const written = record({ a: 1 }, 60_000, owner);
    await store.set(id, written);
    await store.touch(id, written.expiresAt + 120_000);
    expect(Number(await raw.pexpiretime(ownerKey(owner)))).toBeGreaterThanOrEqual(written.expiresAt + 120_000);
    await store.patch(id, { set: { b: 2 }, unset: [] }, written.expiresAt + 240_000);
    expect(Number(await raw.pexpiretime(ownerKey(owner)))).toBeGreaterThanOrEqual(written.expiresAt + 240_000);
    // A shorter session of the same owner never shortens the set.
    await store.set(randomStoreId(), record({ c: 3 }, 1_000, owner));
    expect(Number(await raw.pexpiretime(ownerKey(owner)))).toBeGreaterThanOrEqual(written.expiresAt + 240_000);
  });

  it('moves a session between owner sets when its owner changes', async () => {
    const store = newStore();
    const [before, after] = [`owner-${randomStoreId()}`, `owner-${randomStoreId()}`];
    const id = randomStoreId();
    await store.set(id, record({}, 60_000, before));
    await store.set(id, record({}, 60_000, after));
    expect(await raw.smembers(ownerKey(before))).toEqual([]);
    expect(await raw.smembers(ownerKey(after))).toEqual([id]);
  });

  it('tolerates and cleans members that expired or belong to someone else now', async () => {
    const store = newStore();
    const owner = `owner-${randomStoreId()}`;
    const [live, expired, movedAway] = [randomStoreId(), randomStoreId(), randomStoreId()];
    await store.set(live, record({}, 60_000, owner));
    await store.set(expired, record({}, 100, owner));
    await store.set(movedAway, record({}, 60_000, 'someone-else'));
    // An index entry left behind (as by a crash between two commands) must not end another owner's session.
    await raw.sadd(ownerKey(owner), movedAway, 'not a valid id');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.destroyByOwner(owner)).toBe(1);
    expect(await store.get(live)).toBeUndefined();
    expect((await store.get(movedAway))?.owner).toBe('someone-else');
    expect(await raw.exists(ownerKey(owner))).toBe(0);
  });
});

describe('lock', () => {
  it('holds prefix{id}:lock with a token and a ttl, and deletes it on release', async () => {
    const store = newStore();
    const id = randomStoreId();
    const unlock = await store.lock(id, { ttlMs: 5_000, waitMs: 0 });
    const key = `${prefix}{${id}}:lock`;
    expect(await raw.get(key)).toMatch(/^[0-9a-f]{32}$/);
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await unlock();
    expect(await raw.exists(key)).toBe(0);
  });

  it('is shared by two store instances, as by two processes', async () => {
    const [first, second] = [newStore(), newStore()];
    const id = randomStoreId();
    const unlock = await first.lock(id, { ttlMs: 5_000, waitMs: 0 });
    await expect(second.lock(id, { ttlMs: 5_000, waitMs: 50 })).rejects.toSatisfy(LockTimeoutError.isInstance);
    await unlock();
    const unlockSecond = await second.lock(id, { ttlMs: 5_000, waitMs: 0 });
    await unlockSecond();
  });
});

describe('clear', () => {
  it('deletes only keys under its prefix, even when the prefix holds glob characters', async () => {
    const globPrefix = `${prefix}glob*?[x]:`;
    const store = newStore({ prefix: globPrefix });
    const id = randomStoreId();
    await store.set(id, record({}, 60_000, 'ada'));
    const lookalike = `${prefix}globXYx:{${id}}`;
    const outside = `${prefix}outside`;
    await raw.set(lookalike, 'keep', 'PX', 60_000);
    await raw.set(outside, 'keep', 'PX', 60_000);
    await store.clear();
    expect(await raw.keys(`${globPrefix.replace(/[*?[\]]/g, '\\$&')}*`)).toEqual([]);
    expect(await raw.get(lookalike)).toBe('keep');
    expect(await raw.get(outside)).toBe('keep');
  });

  it('deletes more keys than one SCAN batch', async () => {
    const batchPrefix = `${prefix}batch:`;
    const store = newStore({ prefix: batchPrefix });
    const now = Date.now();
    await Promise.all(
      Array.from({ length: 1_200 }, () => store.set(randomStoreId(), { data: {}, createdAt: now, expiresAt: now + 60_000 })),
    );
    await store.clear();
    expect(await raw.keys(`${batchPrefix}*`)).toEqual([]);
  });
});

describe('close', () => {
  it('leaves a client passed by the application open', async () => {
    const client = new Redis(REDIS_URL);
    const store = new RedisStore({ client, prefix });
    const id = randomStoreId();
    await store.set(id, record());
    await store.close();
    expect(await client.ping()).toBe('PONG');
    await expect(store.get(id)).rejects.toSatisfy(StoreUnavailableError.isInstance);
    await client.quit();
  });

  it('rejects calls after close with StoreUnavailableError', async () => {
    const store = newStore();
    await store.close();
    await expect(store.get(randomStoreId())).rejects.toMatchObject({ detail: expect.stringMatching(/after close/) });
  });

  it('reports a client closed by its owner as unavailable', async () => {
    const client = new Redis(REDIS_URL);
    const store = new RedisStore({ client, prefix });
    await client.quit();
    await expect(store.get(randomStoreId())).rejects.toMatchObject({ detail: expect.stringMatching(/client was closed/) });
  });

  it('lets the process exit when the store owns its client', async () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    expect(existsSync(entry), 'build the package first: pnpm --filter @sess/store-redis build').toBe(true);
    const script = `
      import { RedisStore } from ${JSON.stringify(entry)};
      const store = new RedisStore({ url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)} });
      const id = 'exit-check-${randomStoreId()}';
      await store.set(id, { data: { a: 1 }, createdAt: Date.now(), expiresAt: Date.now() + 60000 });
      const read = await store.get(id);
      await store.destroy(id);
      await store.close();
      console.log(JSON.stringify(read.data));
    `;
    const started = Date.now();
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
    expect(stdout.trim()).toBe('{"a":1}');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('lets the process exit when its Redis was never reachable', async () => {
    const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { RedisStore } from ${JSON.stringify(entry)};
      const store = new RedisStore({ url: 'redis://127.0.0.1:1', timeoutMs: 300 });
      const error = await store.get('never-reachable-0000').catch((error) => error);
      await store.close();
      console.log(error.name);
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
    expect(stdout.trim()).toBe('StoreUnavailableError');
  });
});

describe('RedisStore options', () => {
  it('refuses a URL of another scheme at construction, without its password', () => {
    expect(() => new RedisStore({ url: 'http://127.0.0.1:6379' })).toThrow(/`url` must be a redis:\/\/ or rediss:\/\/ URL, not "http:\/\/127.0.0.1:6379"/);
  });

  it('refuses unknown names with the right one', () => {
    expect(() => new RedisStore({ connectionString: 'redis://127.0.0.1:6379' } as never)).toThrow(/RedisStore has no option `connectionString`: the connection URL is `url`/);
    expect(() => new RedisStore({ prefx: 'x:' } as never)).toThrow(/did you mean `prefix`/);
  });
});
