/** The coherent read cache (`cache` option): hot reads, invalidations, races, outages, bounds. */
import { SessionConfigError, type SessionRecord } from '@sess/core';
import { randomStoreId } from '@sess/store-test-suite';
import { REDIS_URL, requireRedis, uniquePrefix } from '@sess/test-servers';
import { Cluster, Redis } from 'ioredis';
import { Redis as Redis5 } from 'ioredis5';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.js';
import type { TrackingCache } from './tracking-cache.js';

const prefix = uniquePrefix('cache');
let raw: Redis;
const stores: RedisStore[] = [];
const clients: Array<{ quit(): Promise<unknown> }> = [];

const newStore = async (options: ConstructorParameters<typeof RedisStore>[0] = {}) => {
  const store = new RedisStore({ url: REDIS_URL, prefix, cache: true, ...options });
  stores.push(store);
  await store.cacheReady();
  return store;
};
/** The store's cache, for the checks that look inside it. */
const cacheOf = (store: RedisStore) => (store as unknown as { cache: TrackingCache<{ data: string } | null> }).cache;
const connections = (store: RedisStore) => cacheOf(store) as unknown as { reader: Redis; listener: Redis };
const record = (data: SessionRecord['data'], owner?: string): SessionRecord => ({
  data,
  createdAt: Date.now(),
  expiresAt: Date.now() + 60_000,
  ...(owner === undefined ? {} : { owner }),
});
const sessionKey = (id: string) => `${prefix}{${id}}`;
/** Resolves once `check` holds, polling; Redis's invalidations come asynchronously to this process. */
const eventually = async (check: () => Promise<boolean>, timeoutMs = 2000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** The commands Redis runs on keys of `key` while `work` runs, seen through MONITOR. */
async function commandsOn(key: string, work: () => Promise<void>): Promise<string[]> {
  const monitor = await raw.monitor();
  const seen: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => String(arg).includes(key))) seen.push(args.join(' '));
  });
  await work();
  // A marker command: once MONITOR shows it, everything sent before it has been shown too.
  const marker = `${key}:marker`;
  const shown = new Promise<void>((resolve) => monitor.on('monitor', (_time: string, args: string[]) => args.includes(marker) && resolve()));
  await raw.exists(marker);
  await shown;
  monitor.disconnect();
  return seen.filter((command) => !command.includes(marker));
}

const reachable = requireRedis();
reachable.catch(() => undefined);

beforeAll(() => {
  raw = new Redis(REDIS_URL, { maxRetriesPerRequest: 0 });
  raw.on('error', () => undefined);
});
beforeEach(() => reachable);
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) await raw.del(...keys);
  await raw.quit();
});

describe('cache option', () => {
  it('is refused on a Cluster client, saying why', () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    expect(() => new RedisStore({ client: cluster, cache: true })).toThrow(/`cache` works on a standalone Redis .* not on a Cluster/);
    cluster.disconnect();
  });

  it('refuses a bad capacity and unknown names', () => {
    expect(() => new RedisStore({ url: REDIS_URL, cache: { maxEntries: 0 } })).toThrow(SessionConfigError);
    expect(() => new RedisStore({ url: REDIS_URL, cache: { maxEntries: 1.5 } })).toThrow(/maxEntries/);
    expect(() => new RedisStore({ url: REDIS_URL, cache: { maxEntires: 10 } as never })).toThrow(/did you mean `maxEntries`/);
    expect(() => new RedisStore({ url: REDIS_URL, cache: 'yes' as never })).toThrow(/`cache` must be true, false or/);
  });
});

describe.each([
  ['a store that owns its client (ioredis 6)', () => ({})],
  [
    'a store on a client of ioredis 5',
    () => {
      const client = new Redis5(REDIS_URL);
      clients.push(client);
      return { client: client as never, url: undefined };
    },
  ],
])('read cache, %s', (_name, clientOptions) => {
  it('answers a returning read with no Redis command at all', async () => {
    const store = await newStore(clientOptions());
    const id = randomStoreId();
    await store.set(id, record({ user: 'ada' }));
    expect((await store.get(id))?.data).toEqual({ user: 'ada' });
    const commands = await commandsOn(sessionKey(id), async () => {
      for (let read = 0; read < 100; read++) expect((await store.get(id))?.data).toEqual({ user: 'ada' });
    });
    expect(commands).toEqual([]);
  });

  it('drops an entry when another connection changes or deletes the session in Redis', async () => {
    const store = await newStore(clientOptions());
    const id = randomStoreId();
    await store.set(id, record({ n: 1 }));
    expect((await store.get(id))?.data).toEqual({ n: 1 });
    await raw.hset(sessionKey(id), 'data:n', '2');
    await eventually(async () => (await store.get(id))?.data.n === 2);
    await raw.del(sessionKey(id));
    await eventually(async () => (await store.get(id)) === undefined);
    await store.set(id, record({ n: 3 }));
    expect((await store.get(id))?.data).toEqual({ n: 3 });
  });

  it('resolves a write only once Redis has sent its invalidation to the listeners of other processes', async () => {
    // Another process's cache, as raw connections: a tracked reader and the listener it redirects to.
    const listener = new Redis(REDIS_URL, { protocol: 2 } as never);
    const reader = new Redis(REDIS_URL, { protocol: 2 } as never);
    clients.push(listener, reader);
    const invalidated = new Set<string>();
    listener.on('messageBuffer', (_channel: Buffer, keys: Buffer[] | null) => {
      for (const key of keys ?? []) invalidated.add(String(key));
    });
    const listenerId = String(await listener.client('ID'));
    await listener.subscribe('__redis__:invalidate');
    await reader.client('TRACKING', 'on', 'REDIRECT', listenerId);
    const store = await newStore(clientOptions());
    const owned = randomStoreId();
    const ownerless = randomStoreId();
    // Each write whose last command is the session's change (no owner index command after it).
    const writes: Array<[string, string, () => Promise<void>]> = [
      ['set', owned, () => store.set(owned, record({ n: 1 }, 'ada'))],
      ['set', ownerless, () => store.set(ownerless, record({ n: 1 }))],
      ['patch', ownerless, () => store.patch(ownerless, { set: { n: 2 }, unset: [] }, Date.now() + 60_000)],
      ['touch', ownerless, () => store.touch(ownerless, Date.now() + 60_000)],
      ['destroy', ownerless, () => store.destroy(ownerless)],
    ];
    const late: string[] = [];
    const rounds = 40;
    for (let round = 0; round < rounds; round++) {
      for (const [operation, id, write] of writes) {
        invalidated.delete(sessionKey(id));
        await reader.hgetall(sessionKey(id));
        await write();
        // Checked at once, before this process reads any more from its sockets: the user's next
        // request to another process may come that soon.
        if (!invalidated.has(sessionKey(id))) late.push(`round ${round}: ${operation}`);
      }
    }
    // Without the wait, a third to four fifths of these writes resolve before their invalidation is
    // read. With it, the message is in this process's socket before the reply that resolves the write,
    // but epoll may hand the two over in either order when they come in one batch (a few in 2,000):
    // another process, which needs more turns of its loop to read a new request, reads it first.
    expect(late.length, late.join('\n')).toBeLessThan((rounds * writes.length) / 20);
  });

  it('answers a hit with what a read from Redis gives, odd hashes included, each read its own copy', async () => {
    const store = await newStore(clientOptions());
    const direct = new RedisStore({ url: REDIS_URL, prefix });
    stores.push(direct);
    const expiresAt = String(Date.now() + 60_000);
    const hashes: Record<string, string>[] = [
      // `__proto__` stays a plain key; numbers JSON cannot give back (-0, past the double range) stay as read.
      { createdAt: '1', expiresAt, owner: 'ada', 'data:__proto__': '{"admin":true}', 'data:z': '-0', 'data:big': '1e400', 'data:s': ' "x" ' },
      { createdAt: '1', expiresAt, 'data:"quoted\\u2028"': '[1,{"a":null}]', other: 'ignored' },
      // Not a record of this store: each value must be one JSON text, the times numbers.
      { createdAt: '1', expiresAt, 'data:a': '1,"b":2' },
      { createdAt: '1', expiresAt, 'data:a': '{' },
      { createdAt: 'x', expiresAt, 'data:a': '1' },
      { expiresAt, 'data:a': '1' },
      { createdAt: '1', expiresAt: String(Date.now() - 1), 'data:a': '1' },
    ];
    const found: boolean[] = [];
    for (const fields of hashes) {
      const id = randomStoreId();
      await raw.hset(sessionKey(id), fields);
      const expected = await direct.get(id);
      found.push(expected !== undefined);
      const miss = await store.get(id);
      const hit = await store.get(id);
      expect(miss).toEqual(expected);
      expect(hit).toEqual(expected);
      expect(Object.is(hit?.data.z, -0)).toBe(Object.is(expected?.data.z, -0));
      if (hit !== undefined) {
        expect(Object.getPrototypeOf(hit.data)).toBe(Object.prototype);
        hit.data.changed = true;
        expect((await store.get(id))?.data.changed).toBeUndefined();
      }
    }
    // The first two are records, the others read as absent, from the cache as from Redis.
    expect(found).toEqual([true, true, false, false, false, false, false]);
  });

  it('never serves a session past its expiry, whenever Redis gets round to deleting the key', async () => {
    const store = await newStore();
    const id = randomStoreId();
    await store.set(id, { data: { n: 1 }, createdAt: Date.now(), expiresAt: Date.now() + 200 });
    expect((await store.get(id))?.data).toEqual({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.get(id)).toBeUndefined();
  });

  it('sees the writes, destroys and revokes of another store with its own connections', async () => {
    const [first, second] = [await newStore(clientOptions()), await newStore()];
    const ids = [randomStoreId(), randomStoreId()];
    for (const id of ids) await first.set(id, record({ n: 0 }, 'owner-1'));
    for (const id of ids) expect((await second.get(id))?.data).toEqual({ n: 0 });
    await first.patch(ids[0]!, { set: { n: 1 }, unset: [] }, Date.now() + 60_000);
    expect((await second.get(ids[0]!))?.data).toEqual({ n: 1 });
    await first.destroy(ids[0]!);
    expect(await second.get(ids[0]!)).toBeUndefined();
    expect(await first.destroyByOwner('owner-1')).toBe(1);
    expect(await second.get(ids[1]!)).toBeUndefined();
  });
});

describe('read cache races and bounds', () => {
  it('does not keep a read whose key was invalidated while it was in flight', async () => {
    const store = await newStore();
    const id = randomStoreId();
    await store.set(id, record({ n: 1 }));
    const cache = cacheOf(store);
    // As if Redis's invalidation overtook the reply of a read that saw the old value.
    const reading = store.get(id);
    cache.invalidate(id);
    expect((await reading)?.data).toEqual({ n: 1 });
    expect(cache.get(id)).toBeUndefined();
    // Without the invalidation the same read is kept.
    await store.get(id);
    expect(cache.get(id)).toBeDefined();
  });

  it('holds the new value or nothing after this process writes, even with reads in flight', async () => {
    const store = await newStore();
    const id = randomStoreId();
    await store.set(id, record({ n: 0 }));
    const cache = cacheOf(store);
    for (let round = 1; round <= 50; round++) {
      const reads = [store.get(id), store.get(id)];
      await Promise.all([store.patch(id, { set: { n: round }, unset: [] }, Date.now() + 60_000), ...reads, store.get(id)]);
      const held = cache.get(id);
      if (held !== undefined) expect(held?.data).toBe(`{"n":${round}}`);
      expect((await store.get(id))?.data).toEqual({ n: round });
    }
  });

  it('answers a hit after the I/O callbacks of its turn, so an invalidation read in that turn is applied first', async () => {
    const store = await newStore();
    const [id, other] = [randomStoreId(), randomStoreId()];
    for (const each of [id, other]) {
      await store.set(each, record({ n: 1 }));
      await store.get(each);
    }
    const { listener } = connections(store);
    const commands = await commandsOn(sessionKey(id), async () => {
      // Redis's message for `id`, handled by a callback of this turn that runs after the reads were
      // asked for (as when the listener's socket is read after the request's in one poll).
      setImmediate(() => listener.emit('messageBuffer', Buffer.from('__redis__:invalidate'), [Buffer.from(sessionKey(id))]));
      const reads = await Promise.all([store.get(id), store.get(other)]);
      expect(reads.map((read) => read?.data)).toEqual([{ n: 1 }, { n: 1 }]);
    });
    // The invalidated session was read from Redis; the other one, waiting on the same turn, was a hit.
    expect(commands.map((command) => command.split(' ')[0]!.toLowerCase())).toEqual(['hgetall']);
  });

  it('keeps at most maxEntries sessions', async () => {
    const store = await newStore({ cache: { maxEntries: 3 } });
    const ids = Array.from({ length: 6 }, () => randomStoreId());
    for (const id of ids) await store.set(id, record({ id }));
    for (const id of ids) expect((await store.get(id))?.data).toEqual({ id });
    expect(cacheOf(store).size).toBe(3);
  });

  it('drops everything and reads from Redis while its invalidation connection is down, then serves again', async () => {
    const store = await newStore();
    const id = randomStoreId();
    await store.set(id, record({ n: 1 }));
    await store.get(id);
    const cache = cacheOf(store);
    expect(cache.size).toBe(1);
    const { listener } = connections(store);
    const closed = new Promise((resolve) => listener.once('close', resolve));
    // Redis ends the connection, as when it restarts or a proxy drops it.
    const [, , , redirect] = (await connections(store).reader.client('TRACKINGINFO')) as unknown as [string, unknown, string, number];
    await raw.client('KILL', 'ID', String(redirect));
    await closed;
    expect(cache.isLive).toBe(false);
    expect(cache.size).toBe(0);
    // A change made while nobody listens is read from Redis, not missed.
    await raw.hset(sessionKey(id), 'data:n', '2');
    expect((await store.get(id))?.data).toEqual({ n: 2 });
    await store.cacheReady();
    expect((await store.get(id))?.data).toEqual({ n: 2 });
    expect(cache.size).toBe(1);
    await raw.hset(sessionKey(id), 'data:n', '3');
    await eventually(async () => (await store.get(id))?.data.n === 3);
  });

  it('drops everything when the tracked reader connection drops', async () => {
    const store = await newStore();
    const id = randomStoreId();
    await store.set(id, record({ n: 1 }));
    await store.get(id);
    const { reader } = connections(store);
    const closed = new Promise((resolve) => reader.once('close', resolve));
    await raw.client('KILL', 'ID', String(await reader.client('ID')));
    await closed;
    expect(cacheOf(store).size).toBe(0);
    await raw.hset(sessionKey(id), 'data:n', '2');
    expect((await store.get(id))?.data).toEqual({ n: 2 });
    await store.cacheReady();
    await raw.hset(sessionKey(id), 'data:n', '3');
    await eventually(async () => (await store.get(id))?.data.n === 3);
  });
});
