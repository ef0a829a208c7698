/**
 * Test support (not exported): the shared Redis, a key prefix no other run uses, and a clear failure
 * with instructions when the server is down.
 */
import { Redis } from 'ioredis';

/** URL of the shared Redis. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A short random suffix, so that concurrent runs never share keys or folders. */
export function uniqueSuffix(): string {
  return `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Fails (never skips) with instructions when the shared Redis does not answer. */
export async function requireRedis(url = REDIS_URL): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${url} (${(error as Error).message}). Start it with: ` +
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log ' +
        '(or set REDIS_URL).',
      { cause: error },
    );
  } finally {
    client.disconnect();
  }
}

/** ioredis options of the tests' driver: bounded connect and command waits, no endless retries. */
export const boundedRedisOptions = { connectTimeout: 5000, maxRetriesPerRequest: 1, commandTimeout: 10_000 } as const;
