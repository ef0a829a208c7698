/**
 * Test support (not exported): the shared Redis and PostgreSQL the tests use, names no other run
 * uses, and clear failures with instructions when a server is down.
 */
import pg from 'pg';
import { createClient } from 'redis';

/** URL of the shared Redis. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const databaseUrl = process.env.DATABASE_URL;
/** `POSTGRES_URL`, else `DATABASE_URL` when it is a postgres URL, else the local test database. */
export const POSTGRES_URL =
  process.env.POSTGRES_URL ??
  (databaseUrl && /^postgres(ql)?:/.test(databaseUrl) ? databaseUrl : 'postgres://postgres@127.0.0.1:5432/test');

/** A short random suffix, so that concurrent runs never share keys or tables. */
export function uniqueSuffix(): string {
  return `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A connected node-redis client with bounded timeouts and no endless reconnects. */
export async function connectRedis(url = REDIS_URL): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
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
  }
  return client;
}

/** A pool on the test database; fails with instructions when PostgreSQL does not answer. */
export async function connectPostgres(): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000, max: 10 });
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_URL} (${(error as Error).message}). Start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set POSTGRES_URL.',
      { cause: error },
    );
  }
  return pool;
}
