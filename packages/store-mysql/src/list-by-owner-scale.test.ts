/**
 * `listByOwner` costs what one owner has, not what the table holds: with 100,000 other sessions
 * present, the query goes through the owner index (the plan is checked, not only the clock).
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStore } from './mysql-store.js';
import { assertServerRunning, mysqlUrl, testPool, uniqueTableName } from './test-database.js';

const OTHERS = 100_000;
const tableName = uniqueTableName();
let admin: Pool;
let store: MysqlStore;

beforeAll(async () => {
  await assertServerRunning();
  admin = testPool();
  store = new MysqlStore({ url: mysqlUrl, tableName, pruneIntervalMs: 0 });
  await store.get('probe-probe-probe-probe'); // creates the table
  const now = Date.now();
  // 100,000 sessions of 20,000 other owners (and some without one), in batches of 5,000 rows.
  for (let start = 0; start < OTHERS; start += 5000) {
    const rows: unknown[][] = [];
    for (let n = start; n < start + 5000; n++) {
      rows.push([`other-session-${String(n).padStart(8, '0')}`, '{"user":"x"}', now, now + 3_600_000, n % 10 === 0 ? null : `user-${n % 20000}`]);
    }
    await admin.query(`INSERT INTO \`${tableName}\` (id, data, created_at, expires_at, owner) VALUES ?`, [rows]);
  }
  await admin.query(`ANALYZE TABLE \`${tableName}\``);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await admin?.query(`DROP TABLE IF EXISTS \`${tableName}\``);
  await admin?.end();
});

describe('listByOwner with 100,000 other sessions present', () => {
  it('reads through the owner index and answers in milliseconds', async () => {
    const now = Date.now();
    const ids = Array.from({ length: 5 }, (_, i) => `ada-session-${String(i).padStart(8, '0')}`);
    for (const id of ids) await store.set(id, { data: { user: 'ada' }, createdAt: now, expiresAt: now + 60_000, owner: 'ada' });

    const [plan] = await admin.query<RowDataPacket[]>(
      `EXPLAIN SELECT id, data, created_at, expires_at, owner FROM \`${tableName}\` WHERE owner = ? AND expires_at > ?`,
      ['ada', now],
    );
    expect(plan[0]!.key).toBe(`${tableName}_owner_idx`);
    expect(Number(plan[0]!.rows)).toBeLessThan(100);

    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const listed = await store.listByOwner('ada');
      timings.push(performance.now() - started);
      expect(listed.map(({ id }) => id).sort()).toEqual(ids);
    }
    timings.sort((a, b) => a - b);
    const median = timings[10]!;
    console.info(`[mysql] listByOwner, 5 of the owner's sessions among ${OTHERS} others: median ${median.toFixed(2)} ms`);
    // A generous bound: a scan of the table would take tens of milliseconds, the index well under one.
    expect(median).toBeLessThan(50);
  });
});
