/**
 * `listByOwner` costs what one owner has, not what the table holds: with 100,000 other sessions
 * present, the query goes through the owner index (the plan is checked, not only the clock).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from './postgres-store.js';
import { assertServerRunning, postgresUrl, testPool, uniqueTableName } from './test-database.js';

const OTHERS = 100_000;
const tableName = uniqueTableName();
let admin: pg.Pool;
let store: PostgresStore;

beforeAll(async () => {
  await assertServerRunning();
  admin = testPool();
  store = new PostgresStore({ url: postgresUrl, tableName, pruneIntervalMs: 0 });
  await store.get('probe-probe-probe-probe'); // creates the table
  const now = Date.now();
  // 100,000 sessions of 20,000 other owners (and some without one), in one statement.
  await admin.query(
    `INSERT INTO "${tableName}" (id, data, created_at, expires_at, owner)
     SELECT 'other-session-' || lpad(n::text, 8, '0'), '{"user":"x"}'::jsonb, $1::bigint, $2::bigint,
            CASE WHEN n % 10 = 0 THEN NULL ELSE 'user-' || (n % 20000) END
     FROM generate_series(1, $3::int) AS n`,
    [now, now + 3_600_000, OTHERS],
  );
  await admin.query(`ANALYZE "${tableName}"`);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await admin?.query(`DROP TABLE IF EXISTS "${tableName}"`);
  await admin?.end();
});

describe('listByOwner with 100,000 other sessions present', () => {
  it('reads through the owner index and answers in milliseconds', async () => {
    const now = Date.now();
    const ids = Array.from({ length: 5 }, (_, i) => `ada-session-${String(i).padStart(8, '0')}`);
    for (const id of ids) await store.set(id, { data: { user: 'ada' }, createdAt: now, expiresAt: now + 60_000, owner: 'ada' });

    const plan = await admin.query(
      `EXPLAIN (FORMAT JSON) SELECT id, data::text AS data, created_at, expires_at, owner FROM "${tableName}" WHERE owner = $1 AND expires_at > $2`,
      ['ada', now],
    );
    const planText = JSON.stringify(plan.rows[0]);
    expect(planText).toContain(`${tableName}_owner_idx`);
    expect(planText).not.toContain('Seq Scan');

    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const listed = await store.listByOwner('ada');
      timings.push(performance.now() - started);
      expect(listed.map(({ id }) => id).sort()).toEqual(ids);
    }
    timings.sort((a, b) => a - b);
    const median = timings[10]!;
    console.info(`[postgres] listByOwner, 5 of the owner's sessions among ${OTHERS} others: median ${median.toFixed(2)} ms`);
    // A generous bound: a scan of the table would take tens of milliseconds, the index well under one.
    expect(median).toBeLessThan(50);
  });
});
