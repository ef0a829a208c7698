/**
 * Test support (not exported): clients of the shared Redis and PostgreSQL with bounded timeouts,
 * failing with instructions when a server is down (`@sess/test-servers` has the rest).
 */
import { REDIS_URL, redisUnreachableError, START_COMMANDS } from '@sess/test-servers';
import pg from 'pg';
import { createClient } from 'redis';

const databaseUrl = process.env.DATABASE_URL;
/** `POSTGRES_URL`, else `DATABASE_URL` when it is a postgres URL, else the local test database. */
export const POSTGRES_URL =
  process.env.POSTGRES_URL ??
  (databaseUrl && /^postgres(ql)?:/.test(databaseUrl) ? databaseUrl : 'postgres://postgres@127.0.0.1:5432/test');

/** A connected node-redis client with bounded timeouts and no endless reconnects. */
export async function connectRedis(url = REDIS_URL): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw redisUnreachableError(url, error);
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
        `\`${START_COMMANDS.postgres}\`, or set POSTGRES_URL.`,
      { cause: error },
    );
  }
  return pool;
}
