/**
 * Test helpers: which MySQL / MariaDB server the tests use, unique table names, and a clear failure
 * when the server is not running.
 */
import { createConnection, createPool, type Pool, type PoolOptions } from 'mysql2/promise';

const databaseUrl = process.env.DATABASE_URL;

/** `MYSQL_URL`, else `DATABASE_URL` when it is a mysql or mariadb URL, else the local test database. */
export const mysqlUrl =
  process.env.MYSQL_URL ??
  (databaseUrl && /^(mysql|mariadb):/.test(databaseUrl) ? databaseUrl : 'mysql://root@127.0.0.1:3306/test');

/** A table name no other test run uses, so that parallel runs never see each other's rows. */
export function uniqueTableName(): string {
  return `sess_test_${Math.random().toString(36).slice(2, 10)}`;
}

/** Creates a pool on the test database; the caller ends it. */
export function testPool(options: PoolOptions = {}): Pool {
  return createPool({ uri: mysqlUrl, connectTimeout: 5000, ...options });
}

/** Fails (never skips) with instructions when the test server does not answer. */
export async function assertServerRunning(): Promise<void> {
  try {
    const connection = await createConnection({ uri: mysqlUrl, connectTimeout: 5000 });
    await connection.query('SELECT 1');
    await connection.end();
  } catch (error) {
    throw new Error(
      `MySQL / MariaDB is not reachable at ${mysqlUrl} (${(error as Error).message}). Start MariaDB with ` +
        '`start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`, or set MYSQL_URL.',
      { cause: error },
    );
  }
}
