/**
 * `node --expose-gc dist/scale-memory-store.js`: resident memory per session of sess's MemoryStore at
 * 1,000,000 sessions (`BENCH_SESSIONS`), the small session of `scale-redis-memory` under 43-character
 * store IDs. RSS and V8 heap are read after a full garbage collection, before and after the inserts.
 */
import { randomBytes } from 'node:crypto';
import { MemoryStore, type StoredData } from '@sess/core';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
const DATA: StoredData = { userId: 'u_8f3a2c19', name: 'Ada Lovelace', roles: ['admin'], count: 7 };

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with node --expose-gc');
const measure = () => {
  collect();
  collect();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
};

// The IDs are made before the baseline (the map keys reference them), and measured on their own.
const empty = measure();
const ids = Array.from({ length: SESSIONS }, () => randomBytes(32).toString('base64url'));
const store = new MemoryStore({ maxEntries: SESSIONS, sweepIntervalMs: 0 });
const before = measure();
const started = Date.now();
const expiresAt = Date.now() + 30 * 60 * 1000;
for (const id of ids) await store.set(id, { data: DATA, createdAt: Date.now(), expiresAt });
const elapsed = Date.now() - started;
const after = measure();
if ((await store.get(ids[SESSIONS - 1]!)) === undefined || (await store.get(ids[0]!)) === undefined) throw new Error('a session was evicted');

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
console.log(`MemoryStore at ${SESSIONS.toLocaleString('en-US')} sessions (${JSON.stringify(DATA).length} B of JSON each, Node ${process.version})`);
console.log(`RSS ${mb(before.rss)} MB -> ${mb(after.rss)} MB: ${Math.round((after.rss - before.rss) / SESSIONS)} B per session`);
console.log(`V8 heap ${mb(before.heap)} MB -> ${mb(after.heap)} MB: ${Math.round((after.heap - before.heap) / SESSIONS)} B per session`);
console.log(`the ID strings, made before the baseline: ${Math.round((before.heap - empty.heap) / SESSIONS)} B per session of V8 heap (array slot included)`);
console.log(`inserted in ${elapsed} ms (${Math.round((SESSIONS / elapsed) * 1000).toLocaleString('en-US')} set/s)`);
