/**
 * `listByOwner` costs what one owner has, not what the keyspace holds: with 100,000 other sessions
 * present (of 20,000 owners), it reads the owner's set and that owner's hashes, nothing else.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from './redis-store.js';
import { REDIS_URL, requireRedis, uniquePrefix } from '@sess/test-servers';

const OTHERS = 100_000;
const prefix = uniquePrefix('scale');
let admin: Redis;
let store: RedisStore;
/** The names of the commands the store's own client sent. */
const sent: string[] = [];

beforeAll(async () => {
  await requireRedis();
  admin = new Redis(REDIS_URL);
  const client = new Redis(REDIS_URL);
  // This one client instance records what it sends (its own method, not ioredis's prototype).
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    sent.push(command.name);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof client.sendCommand;
  store = new RedisStore({ client, prefix });
  const now = Date.now();
  // Written as the store writes them (a hash per session, a set per owner), in pipelines of 5,000.
  for (let start = 0; start < OTHERS; start += 5000) {
    const pipeline = admin.pipeline();
    for (let n = start; n < start + 5000; n++) {
      const id = `other-session-${String(n).padStart(8, '0')}`;
      const owner = `user-${n % 20000}`;
      const key = `${prefix}{${id}}`;
      pipeline.hset(key, 'createdAt', now, 'expiresAt', now + 600_000, 'owner', owner, 'data:user', '"x"');
      pipeline.pexpireat(key, now + 600_000);
      pipeline.sadd(`${prefix}owner:${owner}`, id);
      pipeline.pexpireat(`${prefix}owner:${owner}`, now + 600_000);
    }
    await pipeline.exec();
  }
}, 120_000);

afterAll(async () => {
  // The keys this file wrote, by name (no scan of the shared server).
  for (let start = 0; start < OTHERS; start += 5000) {
    const pipeline = admin.pipeline();
    for (let n = start; n < start + 5000; n++) {
      pipeline.unlink(`${prefix}{other-session-${String(n).padStart(8, '0')}}`);
      if (n < 20000) pipeline.unlink(`${prefix}owner:user-${n}`);
    }
    await pipeline.exec();
  }
  await store?.destroyByOwner('ada');
  await store?.close();
  admin?.disconnect();
}, 60_000);

describe('listByOwner with 100,000 other sessions present', () => {
  it("reads only the owner's set and sessions, in about a millisecond", async () => {
    const now = Date.now();
    const ids = Array.from({ length: 5 }, (_, i) => `ada-session-${String(i).padStart(8, '0')}`);
    for (const id of ids) await store.set(id, { data: { user: 'ada' }, createdAt: now, expiresAt: now + 60_000, owner: 'ada' });
    expect(await admin.dbsize()).toBeGreaterThanOrEqual(OTHERS);

    // The commands of one listing: one SMEMBERS, then one HGETALL per session of the owner.
    sent.length = 0;
    expect((await store.listByOwner('ada')).map(({ id }) => id).sort()).toEqual(ids);
    expect(sent).toEqual(['smembers', 'hgetall', 'hgetall', 'hgetall', 'hgetall', 'hgetall']);

    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await store.listByOwner('ada');
      timings.push(performance.now() - started);
    }
    timings.sort((a, b) => a - b);
    const median = timings[10]!;
    console.info(`[redis] listByOwner, 5 of the owner's sessions among ${OTHERS} others: median ${median.toFixed(2)} ms`);
    expect(median).toBeLessThan(50);
  });
});

