/**
 * Deletes the keys the benches wrote in Redis: only keys under the benches' own prefix, in their own
 * database (never FLUSHDB or FLUSHALL: the server is shared).
 */
import { Redis } from 'ioredis';
import { REDIS_PREFIX, REDIS_URL } from './servers/server-common.js';

/** Deletes every key under the benches' prefix; silently does nothing when Redis is not there. */
export async function deleteBenchKeys(): Promise<void> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${REDIS_PREFIX}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } catch {
    // No Redis: its targets report themselves unavailable.
  } finally {
    client.disconnect();
  }
}
