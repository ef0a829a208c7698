/**
 * `listByOwner` costs what one owner has, not what the table holds: with 100,000 other sessions
 * present, the query goes through the owner index (the plan is checked, not only the clock).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

const OTHERS = 100_000;
const folder = mkdtempSync(join(tmpdir(), 'sess-sqlite-scale-'));
const path = join(folder, 'sessions.db');
let store: SqliteStore;

beforeAll(() => {
  store = new SqliteStore({ path });
  const database = new Database(path);
  const now = Date.now();
  const insert = database.prepare('INSERT INTO sessions (id, data, created_at, expires_at, owner) VALUES (?, ?, ?, ?, ?)');
  // 100,000 sessions of 20,000 other owners (and some without one), in one transaction.
  database.transaction(() => {
    for (let n = 0; n < OTHERS; n++) {
      insert.run(`other-session-${String(n).padStart(8, '0')}`, '{"user":"x"}', now, now + 3_600_000, n % 10 === 0 ? null : `user-${n % 20000}`);
    }
  })();
  database.exec('ANALYZE');
  database.close();
}, 60_000);

afterAll(async () => {
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('listByOwner with 100,000 other sessions present', () => {
  it('reads through the owner index and answers in well under a millisecond', async () => {
    const now = Date.now();
    const ids = Array.from({ length: 5 }, (_, i) => `ada-session-${String(i).padStart(8, '0')}`);
    for (const id of ids) await store.set(id, { data: { user: 'ada' }, createdAt: now, expiresAt: now + 60_000, owner: 'ada' });

    const database = new Database(path, { readonly: true });
    const plan = database
      .prepare('EXPLAIN QUERY PLAN SELECT id, data, created_at, expires_at, owner FROM sessions WHERE owner = ? AND expires_at > ?')
      .all('ada', now) as Array<{ detail: string }>;
    database.close();
    expect(plan.map((step) => step.detail).join('; ')).toMatch(/USING INDEX sessions_owner/);

    const timings: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      const listed = await store.listByOwner('ada');
      timings.push(performance.now() - started);
      expect(listed.map(({ id }) => id).sort()).toEqual(ids);
    }
    timings.sort((a, b) => a - b);
    const median = timings[25]!;
    console.info(`[sqlite] listByOwner, 5 of the owner's sessions among ${OTHERS} others: median ${median.toFixed(3)} ms`);
    // A generous bound: a scan of the table takes tens of milliseconds, the index microseconds.
    expect(median).toBeLessThan(20);
  });
});
