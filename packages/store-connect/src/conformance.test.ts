import { testStore } from '@sess/store-test-suite';
import { uniqueSuffix } from '@sess/test-servers';
import connectPgSimple from 'connect-pg-simple';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import createMemoryStore from 'memorystore';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { connectStore } from './connect-store.js';
import { connectPostgres, connectRedis } from './testing/test-servers.js';

// Three real connect stores from npm, each in a namespace of this run only.
const suffix = uniqueSuffix();
const redisPrefix = `sess-test-connect-${suffix}:`;
const table = `sess_test_connect_${suffix}`;
const PgStore = connectPgSimple(session);
const MemoryStore = createMemoryStore(session);
let pool: pg.Pool;

beforeAll(async () => {
  pool = await connectPostgres();
  // connect-pg-simple's own schema (table.sql of the package), under a table name of our own.
  await pool.query(
    `CREATE TABLE "${table}" (sid varchar NOT NULL PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL)`,
  );
});

afterAll(async () => {
  await pool?.query(`DROP TABLE IF EXISTS "${table}"`);
  await pool?.end();
});

testStore({
  name: 'connect-redis',
  create: async () => {
    const client = await connectRedis();
    const store = new RedisStore({ client, prefix: redisPrefix });
    return connectStore(store, { name: 'connect-redis', close: () => client.close() });
  },
  capabilities: { touch: false, patch: false, lock: false, destroyByOwner: false, listByOwner: false, prune: false, clear: true, close: true },
});

testStore({
  name: 'connect-pg-simple',
  // connect-pg-simple has no `clear`; it has its own `close()` (which leaves a pool it was given open).
  create: () => connectStore(new PgStore({ pool, tableName: table, pruneSessionInterval: false }), { name: 'connect-pg-simple' }),
  capabilities: { touch: false, patch: false, lock: false, destroyByOwner: false, listByOwner: false, prune: false, clear: false, close: true },
});

testStore({
  name: 'memorystore',
  create: () => {
    const store = new MemoryStore({ checkPeriod: 60_000 });
    return connectStore(store, { name: 'memorystore', close: () => store.stopInterval() });
  },
  capabilities: { touch: false, patch: false, lock: false, destroyByOwner: false, listByOwner: false, prune: false, clear: true, close: true },
});
