import { testStore } from '@sess/store-test-suite';
import { afterAll, beforeAll } from 'vitest';
import { MysqlStore } from './mysql-store.js';
import { assertServerRunning, mysqlUrl, testPool, uniqueTableName } from './test-database.js';

const tableName = uniqueTableName();

beforeAll(assertServerRunning);

afterAll(async () => {
  const pool = testPool();
  await pool.query(`DROP TABLE IF EXISTS \`${tableName}\``);
  await pool.end();
});

testStore({
  name: 'mysql',
  // timeoutMs bounds each call including its wait for one of the pool's 10 connections: the suite's
  // burst of 1,000 parallel writes (each a commit) can queue longer than the 2 s default on a busy host.
  create: () => new MysqlStore({ url: mysqlUrl, tableName, timeoutMs: 10_000 }),
  capabilities: { touch: true, patch: true, lock: true, destroyByOwner: true, listByOwner: true, prune: true, clear: true, close: true },
});
