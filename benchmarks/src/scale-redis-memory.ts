/**
 * `node dist/scale-redis-memory.js`: bytes of Redis memory per session (`MEMORY USAGE` of each key,
 * all samples) for sess's Redis store next to connect-redis (express-session's Redis store), for the
 * same session data at two sizes. Each library writes what it writes in production: sess a hash of
 * one JSON field per top-level key under a 43-character store ID (a SHA-256 of the cookie's ID);
 * connect-redis one JSON string of the whole session, express-session's `cookie` object included,
 * under its 32-character session ID. Deletes what it wrote.
 */
import { randomBytes } from 'node:crypto';
import expressSession from 'express-session';
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import { Redis } from 'ioredis';
import type { StoredData } from '@sess/core';
import { RedisStore } from '@sess/store-redis';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1000);
const IDLE_MS = 30 * 60 * 1000;

/** The data of one session: a small one (a signed-in user and a counter) and one of about 1 KB. */
const DATA: Record<string, StoredData> = {
  small: { userId: 'u_8f3a2c19', name: 'Ada Lovelace', roles: ['admin'], count: 7 },
  '1 KB': {
    userId: 'u_8f3a2c19',
    name: 'Ada Lovelace',
    roles: ['admin', 'editor'],
    count: 7,
    cart: Array.from({ length: 12 }, (_, index) => ({ sku: `SKU-${1000 + index}`, quantity: index % 3 + 1, price: 19.99 + index })),
    preferences: { theme: 'dark', language: 'en-GB', timezone: 'Europe/London', newsletter: true },
  },
};

const raw = new Redis(REDIS_URL);

async function usage(keys: string[]): Promise<number> {
  let total = 0;
  for (const key of keys) total += Number(await raw.memory('USAGE', key, 'SAMPLES', 0));
  return total / keys.length;
}

const rows: string[] = [];
for (const [size, data] of Object.entries(DATA)) {
  const sessPrefix = `bench-scale-sess:${process.pid}:`;
  const store = new RedisStore({ url: REDIS_URL, prefix: sessPrefix });
  const sessKeys: string[] = [];
  for (let index = 0; index < SESSIONS; index++) {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    await store.set(id, { data, createdAt: now, expiresAt: now + IDLE_MS });
    sessKeys.push(`${sessPrefix}{${id}}`);
  }
  const sessBytes = await usage(sessKeys);
  await store.clear();
  await store.close();

  const incumbentPrefix = `bench-scale-cr:${process.pid}:`;
  const incumbent = new ConnectRedisStore({ client: raw, prefix: incumbentPrefix });
  const incumbentKeys: string[] = [];
  for (let index = 0; index < SESSIONS; index++) {
    const sid = randomBytes(24).toString('base64url');
    // express-session's Cookie takes its options at run time; its types declare no parameter.
    const Cookie = expressSession.Cookie as unknown as new (options: object) => object;
    const cookie = new Cookie({ maxAge: IDLE_MS, httpOnly: true, sameSite: 'lax' });
    const session = { cookie, ...data } as unknown as expressSession.SessionData;
    await incumbent.set(sid, session);
    incumbentKeys.push(`${incumbentPrefix}${sid}`);
  }
  const incumbentBytes = await usage(incumbentKeys);
  await raw.del(...incumbentKeys);

  const json = JSON.stringify(data).length;
  rows.push(`| ${size} (${json} B of JSON) | ${Math.round(sessBytes)} B | ${Math.round(incumbentBytes)} B | ${(sessBytes / incumbentBytes).toFixed(2)}× |`);
}
const version = /redis_version:(\S+)/.exec(await raw.info('server'))?.[1];
await raw.quit();

console.log(`Redis memory per session (MEMORY USAGE, mean of ${SESSIONS} sessions, Redis ${version})`);
console.log('| session data | sess (@sess/store-redis) | connect-redis | sess / connect-redis |');
console.log('| --- | --: | --: | --: |');
for (const row of rows) console.log(row);
