/**
 * Test helpers: which PostgreSQL server the tests use, unique table names, and a clear failure when
 * the server is not running.
 */
import pg from 'pg';

const databaseUrl = process.env.DATABASE_URL;

/** `POSTGRES_URL`, else `DATABASE_URL` when it is a postgres URL, else the local test database. */
export const postgresUrl =
  process.env.POSTGRES_URL ??
  (databaseUrl && /^postgres(ql)?:/.test(databaseUrl) ? databaseUrl : 'postgres://postgres@127.0.0.1:5432/test');

/** A table name no other test run uses, so that parallel runs never see each other's rows. */
export function uniqueTableName(): string {
  return `sess_test_${Math.random().toString(36).slice(2, 10)}`;
}

/** Creates a pool on the test database; the caller ends it. */
export function testPool(options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: postgresUrl, connectionTimeoutMillis: 5000, ...options });
  pool.on('error', () => {});
  return pool;
}

/** Fails (never skips) with instructions when the test server does not answer. */
export async function assertServerRunning(): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${postgresUrl} (${(error as Error).message}). Start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set POSTGRES_URL.',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => {});
  }
}
