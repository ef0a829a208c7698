/**
 * Microbenchmarks (tinybench) of the core's hot path: what one request costs in `open` + `save`
 * for a new and a returning visitor, the cryptographic operations the core makes per request with
 * each of its two backends (the same calls as core's `node-crypto-backend.ts` and
 * `web-crypto-backend.ts`, whose functions are internal), and each
 * store's `get` / `set` / `patch`. Run alone with `pnpm --filter benchmarks bench:micro`.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createSessions, generateSessionId, MemoryStore, type SessionInterface, type SessionResponse, type Store } from '@sess/core';
import { Bench } from 'tinybench';
import type { MicroResult } from './results.js';
import { REDIS_PREFIX, REDIS_URL, SECRET } from './servers/server-common.js';

const encoder = new TextEncoder();

/** A response that only keeps headers, as an adapter's translation would. */
function fakeResponse(): SessionResponse & { cookie(): string } {
  const headers = new Map<string, string>();
  let setCookie = '';
  return {
    getHeader: (name) => headers.get(name.toLowerCase()),
    setHeader: (name, value) => void headers.set(name.toLowerCase(), value),
    appendHeader: (name, value) => {
      if (name.toLowerCase() === 'set-cookie') setCookie = value;
      else headers.set(name.toLowerCase(), value);
    },
    cookie: () => setCookie.slice(0, setCookie.indexOf(';')),
  };
}

/** The `Cookie` header of a session with `count: 1`, made through the public API. */
async function returningCookie(sessions: SessionInterface): Promise<string> {
  const session = await sessions.open({ cookie: undefined });
  session.set('count' as never, 1 as never);
  const response = fakeResponse();
  await sessions.save(session, response);
  return response.cookie();
}

/** Adds open + save tasks for `sessions` (new visitor; returning visitor reading; returning visitor changing). */
async function addSessionTasks(bench: Bench, label: string, sessions: SessionInterface): Promise<void> {
  const cookie = await returningCookie(sessions);
  bench.add(`${label}: open + save, new visitor (sets a value)`, async () => {
    const session = await sessions.open({ cookie: undefined });
    session.set('count' as never, 1 as never);
    await sessions.save(session, fakeResponse());
  });
  bench.add(`${label}: open + save, returning visitor, read only`, async () => {
    const session = await sessions.open({ cookie });
    if (session.get('count' as never) === undefined) throw new Error('the returning visitor lost its session');
    await sessions.save(session, fakeResponse());
  });
  if (label.includes('cookie')) return; // a changed cookie session gets a new cookie value: measured by the HTTP targets
  bench.add(`${label}: open + save, returning visitor, one change`, async () => {
    const session = await sessions.open({ cookie });
    session.set('count' as never, (Number(session.get('count' as never) ?? 0) + 1) as never);
    await sessions.save(session, fakeResponse());
  });
}

/**
 * Adds the cryptographic operations the core makes per request, with both of its backends:
 * `node:crypto` (synchronous; what the core uses on Node, Bun and Deno) and Web Crypto (its
 * fallback on other runtimes, where each call is an asynchronous job).
 */
async function addCryptoTasks(bench: Bench): Promise<void> {
  const id = generateSessionId();
  const hmacSecret = Buffer.from(SECRET);
  const signature = createHmac('sha256', hmacSecret).update(id).digest();
  const aesKey = Buffer.from(hkdfSync('sha256', SECRET, 'sess', 'sess cookie session v1', 32));
  const payload = encoder.encode(JSON.stringify({ data: { count: 42 }, createdAt: Date.now(), expiresAt: Date.now() + 1_800_000 }));
  const additionalData = encoder.encode('sid');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const seal = (nonce: Uint8Array) => {
    const cipher = createCipheriv('aes-256-gcm', aesKey, nonce).setAAD(additionalData);
    return Buffer.concat([cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
  };
  const sealedBytes = seal(iv);
  bench.add('crypto: generate session ID (32 random bytes)', () => {
    generateSessionId();
  });
  bench.add('node:crypto: sign session ID (HMAC-SHA-256)', () => {
    createHmac('sha256', hmacSecret).update(id).digest();
  });
  bench.add('node:crypto: verify session cookie (HMAC-SHA-256, constant-time compare)', () => {
    if (!timingSafeEqual(createHmac('sha256', hmacSecret).update(id).digest(), signature)) throw new Error('verify failed');
  });
  bench.add('node:crypto: store ID (SHA-256 of the ID)', () => {
    createHash('sha256').update(id).digest();
  });
  bench.add('node:crypto: encrypt cookie session (AES-256-GCM)', () => {
    seal(crypto.getRandomValues(new Uint8Array(12)));
  });
  bench.add('node:crypto: decrypt cookie session (AES-256-GCM)', () => {
    const decipher = createDecipheriv('aes-256-gcm', aesKey, iv).setAAD(additionalData);
    decipher.setAuthTag(sealedBytes.subarray(sealedBytes.length - 16));
    decipher.update(sealedBytes.subarray(0, sealedBytes.length - 16));
    decipher.final();
  });

  const hmac = await crypto.subtle.importKey('raw', hmacSecret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const aes = await crypto.subtle.importKey('raw', aesKey, 'AES-GCM', false, ['encrypt', 'decrypt']);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, aes, payload);
  bench.add('Web Crypto: sign session ID (HMAC-SHA-256)', async () => {
    await crypto.subtle.sign('HMAC', hmac, encoder.encode(id));
  });
  bench.add('Web Crypto: verify session cookie (HMAC-SHA-256)', async () => {
    if (!(await crypto.subtle.verify('HMAC', hmac, signature, encoder.encode(id)))) throw new Error('verify failed');
  });
  bench.add('Web Crypto: store ID (SHA-256 of the ID)', async () => {
    await crypto.subtle.digest('SHA-256', encoder.encode(id));
  });
  bench.add('Web Crypto: encrypt cookie session (AES-256-GCM)', async () => {
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)), additionalData }, aes, payload);
  });
  bench.add('Web Crypto: decrypt cookie session (AES-256-GCM)', async () => {
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData }, aes, sealed);
  });
}

/** Adds `get`, `set` and `patch` of `store` on one existing record. */
async function addStoreTasks(bench: Bench, label: string, store: Store): Promise<void> {
  const id = generateSessionId();
  const now = Date.now();
  const record = { data: { count: 1 }, createdAt: now, expiresAt: now + 1_800_000 };
  await store.set(id, record);
  let count = 1;
  bench.add(`${label}: get`, async () => {
    if ((await store.get(id)) === undefined) throw new Error(`${label} lost the record`);
  });
  bench.add(`${label}: set`, async () => {
    await store.set(id, { ...record, data: { count: ++count } });
  });
  if (store.patch) {
    bench.add(`${label}: patch`, async () => {
      await store.patch!(id, { set: { count: ++count }, unset: [] }, record.expiresAt);
    });
  }
}

async function redisStore(): Promise<{ store: Store; close(): Promise<void> } | string> {
  try {
    const { Redis } = await import('ioredis');
    const { RedisStore } = await import('@sess/store-redis');
    const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
    await client.connect();
    const store = new RedisStore({ client, prefix: `${REDIS_PREFIX}micro:` });
    return {
      store,
      close: async () => {
        await store.clear?.();
        client.disconnect();
      },
    };
  } catch (error) {
    return (error as Error).message.split('\n')[0]!.slice(0, 120);
  }
}

/** Runs every microbenchmark for about `timeMs` each. */
export async function runMicrobenchmarks(timeMs: number): Promise<MicroResult[]> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 2) });
  // Room for every session the new-visitor task creates, so that LRU eviction never drops the
  // returning visitor's session in the middle of the run.
  const memory = new MemoryStore({ maxEntries: 10_000_000 });
  await addSessionTasks(bench, 'sessions (MemoryStore)', createSessions({ store: memory, secret: SECRET }));
  await addSessionTasks(bench, 'sessions (cookie)', createSessions({ store: 'cookie', secret: SECRET }));
  await addCryptoTasks(bench);
  await addStoreTasks(bench, 'MemoryStore', new MemoryStore());
  const redis = await redisStore();
  if (typeof redis !== 'string') await addStoreTasks(bench, 'RedisStore', redis.store);
  try {
    await bench.run();
  } finally {
    if (typeof redis !== 'string') await redis.close();
    await memory.close?.();
  }
  const results: MicroResult[] = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') {
      const reason = result.state === 'errored' ? result.error.message : result.state;
      return { name: task.name, opsPerSecond: 0, medianMicroseconds: 0, p99Microseconds: 0, unavailable: reason };
    }
    return {
      name: task.name,
      opsPerSecond: result.throughput.mean,
      medianMicroseconds: result.latency.p50 * 1000,
      p99Microseconds: (result.latency.p99 ?? result.latency.max) * 1000,
    };
  });
  if (typeof redis === 'string') {
    for (const operation of ['get', 'set', 'patch']) {
      results.push({ name: `RedisStore: ${operation}`, opsPerSecond: 0, medianMicroseconds: 0, p99Microseconds: 0, unavailable: redis });
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const time = Number(process.env.BENCH_MICRO_TIME ?? 500);
  for (const result of await runMicrobenchmarks(time)) {
    console.log(
      result.unavailable
        ? `${result.name.padEnd(66)} not run: ${result.unavailable}`
        : `${result.name.padEnd(66)} ${Math.round(result.opsPerSecond).toString().padStart(9)} ops/s  ${result.medianMicroseconds.toFixed(1).padStart(8)} µs p50  ${result.p99Microseconds.toFixed(1).padStart(8)} µs p99`,
    );
  }
  process.exit(0);
}
