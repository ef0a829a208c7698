import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import {
  InvalidSessionIdError,
  LockTimeoutError,
  SessionConfigError,
  StoreUnavailableError,
  type SessionRecord,
} from '@sess/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresSchema } from './postgres-schema.js';
import { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
import { assertServerRunning, postgresUrl, testPool, uniqueTableName } from './test-database.js';

const tableName = uniqueTableName();
const schemaName = `${tableName}_schema`;
const createdTables: string[] = [tableName];
let admin: pg.Pool;
/** Stores opened by the current test. */
const stores: PostgresStore[] = [];

function newId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');
}

function open(options: Partial<PostgresStoreOptions> = {}): PostgresStore {
  const store = new PostgresStore({ url: postgresUrl, tableName, pruneIntervalMs: 0, ...options });
  stores.push(store);
  return store;
}

function record(data: SessionRecord['data'], lifetimeMs = 60_000, owner?: string): SessionRecord {
  const now = Date.now();
  return { data, createdAt: now, expiresAt: now + lifetimeMs, ...(owner === undefined ? {} : { owner }) };
}

async function rawRow(id: string, table = tableName) {
  const result = await admin.query(`SELECT * FROM "${table}" WHERE id = $1`, [id]);
  return result.rows[0] as { data: unknown; created_at: string; expires_at: string; owner: string | null } | undefined;
}

beforeAll(async () => {
  await assertServerRunning();
  admin = testPool();
});

// Each store has a pool of its own: close them after every test to keep few connections open.
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

afterAll(async () => {
  for (const table of createdTables) await admin.query(`DROP TABLE IF EXISTS "${table}"`);
  await admin.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
  await admin.end();
});

describe('schema', () => {
  it('ships sql/schema.sql identical to the SQL the store runs', async () => {
    const file = await readFile(new URL('../sql/schema.sql', import.meta.url), 'utf8');
    const statements = file
      .split('\n')
      .filter((line) => !line.startsWith('--'))
      .join('\n');
    expect(statements).toBe(postgresSchema());
  });

  it('creates the table with its indexes on first use', async () => {
    const store = open();
    await store.set(newId(), record({ a: 1 }));
    const indexes = await admin.query('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [
      tableName,
    ]);
    expect(indexes.rows.map((row: { indexname: string }) => row.indexname)).toEqual([
      `${tableName}_expires_at_idx`,
      `${tableName}_owner_idx`,
      `${tableName}_pkey`,
    ]);
  });

  it('creates the table safely when many stores start at once', async () => {
    const table = uniqueTableName();
    createdTables.push(table);
    const many = Array.from({ length: 8 }, () => open({ tableName: table }));
    const ids = many.map(() => newId());
    await Promise.all(many.map((store, index) => store.set(ids[index]!, record({ index }))));
    const count = await admin.query(`SELECT count(*)::int AS count FROM "${table}"`);
    expect(count.rows[0].count).toBe(8);
  });

  it('stores epoch milliseconds, jsonb data and the owner in their columns', async () => {
    const store = open();
    const id = newId();
    const written = record({ user: { name: 'Ada' } }, 60_000, 'user-1');
    await store.set(id, written);
    const row = await rawRow(id);
    expect(row).toEqual({
      id,
      data: { user: { name: 'Ada' } },
      created_at: String(written.createdAt),
      expires_at: String(written.expiresAt),
      owner: 'user-1',
    });
  });

  it('accepts a schema-qualified table name and quotes it', async () => {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schemaName}"`);
    expect(postgresSchema(`${schemaName}.Sessions`)).toContain(`"${schemaName}"."Sessions"`);
    const store = open({ tableName: `${schemaName}.Sessions` });
    const id = newId();
    await store.set(id, record({ here: true }));
    const result = await admin.query(`SELECT data FROM "${schemaName}"."Sessions" WHERE id = $1`, [id]);
    expect(result.rows[0].data).toEqual({ here: true });
  });

  it('refuses table names that are not plain identifiers, before any SQL runs', async () => {
    const canary = `${tableName}_canary`;
    createdTables.push(canary);
    await admin.query(`CREATE TABLE "${canary}" (x int)`);
    for (const bad of [`x; drop table ${canary}`, 'a.b.c', '"quoted"', '1sessions', '', 'a-b', 'x'.repeat(49)]) {
      expect(() => open({ tableName: bad }), bad).toThrow(SessionConfigError);
    }
    const exists = await admin.query('SELECT to_regclass($1) AS name', [canary]);
    expect(exists.rows[0].name).toBe(canary);
  });

  it('says how to create the table when createTable is off and it is missing', async () => {
    const store = open({ tableName: uniqueTableName(), createTable: false });
    const error = await store.get(newId()).catch((caught: unknown) => caught);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/\[postgres\].*does not exist.*sql\/schema\.sql/);
  });
});

describe('records', () => {
  it('refuses malformed IDs', async () => {
    const store = open();
    await expect(store.get('../../etc/passwd')).rejects.toSatisfy(InvalidSessionIdError.isInstance);
    await expect(store.set("x' OR '1'='1", record({}))).rejects.toSatisfy(InvalidSessionIdError.isInstance);
  });

  it('never returns an expired row, and prune deletes only expired rows', async () => {
    const table = uniqueTableName();
    createdTables.push(table);
    const store = open({ tableName: table });
    const live = newId();
    const dead = newId();
    await store.set(live, record({ live: true }));
    await store.set(dead, record({ live: false }, -1000));
    expect(await store.get(dead)).toBeUndefined();
    await store.touch(dead, Date.now() + 60_000);
    expect(await store.get(dead)).toBeUndefined();
    expect(await store.prune()).toBe(1);
    expect(await rawRow(dead, table)).toBeUndefined();
    expect(await store.get(live)).toMatchObject({ data: { live: true } });
  });

  it('prunes in the background every pruneIntervalMs', async () => {
    // A table of its own: this store keeps deleting expired rows, which other tests look at.
    const table = uniqueTableName();
    createdTables.push(table);
    const store = open({ tableName: table, pruneIntervalMs: 50 });
    const dead = newId();
    await store.set(dead, record({}, -1000));
    await expect.poll(() => rawRow(dead, table), { timeout: 3000, interval: 50 }).toBeUndefined();
    await store.close();
  });
});

describe('patch', () => {
  it('writes every JSON value kind as JSON, not as text', async () => {
    const store = open();
    const id = newId();
    await store.set(id, record({ keep: 'kept', drop: 1, replaced: { old: true } }));
    const set = {
      nested: { list: [1, 'two', { three: 3 }, null, false], deep: { deeper: { value: 1.5 } } },
      text: 'it\'s "quoted" \\ and ünïcødé 😀',
      numericText: '42',
      integer: -7,
      float: 3.25,
      yes: true,
      no: false,
      nothing: null,
      emptyObject: {},
      emptyList: [],
      replaced: { new: true },
      'odd key.with "quotes"': 'ok',
    };
    await store.patch(id, { set, unset: ['drop', 'missing'] }, Date.now() + 120_000);
    const read = await store.get(id);
    expect(read?.data).toEqual({ keep: 'kept', ...set });
    const types = await admin.query(
      `SELECT jsonb_typeof(data->'nested') AS nested, jsonb_typeof(data->'integer') AS integer,
              jsonb_typeof(data->'yes') AS yes, jsonb_typeof(data->'nothing') AS nothing,
              jsonb_typeof(data->'numericText') AS numeric_text
       FROM "${tableName}" WHERE id = $1`,
      [id],
    );
    expect(types.rows[0]).toEqual({
      nested: 'object',
      integer: 'number',
      yes: 'boolean',
      nothing: 'null',
      numeric_text: 'string',
    });
  });

  it('keeps U+0000 and U+FFFF in keys and values, which jsonb alone refuses', async () => {
    const store = open();
    const id = newId();
    const data = { 'key\u0000nul': 'a\u0000b', marker: '\uffff0 and \uffff\uffff', list: ['\u0000', { '\uffff': '\u0000\uffff' }] };
    await store.set(id, record(data));
    expect((await store.get(id))?.data).toEqual(data);
    await store.patch(id, { set: { added: 'x\u0000y' }, unset: ['key\u0000nul'] }, Date.now() + 60_000);
    expect((await store.get(id))?.data).toEqual({ marker: data.marker, list: data.list, added: 'x\u0000y' });
  });

  it('moves expiresAt, and removes a key that is both set and unset', async () => {
    const store = open();
    const id = newId();
    await store.set(id, record({ a: 1 }));
    const expiresAt = Date.now() + 300_000;
    await store.patch(id, { set: { a: 2, b: 2 }, unset: ['a'] }, expiresAt);
    expect(await store.get(id)).toMatchObject({ data: { b: 2 }, expiresAt });
  });

  it('does not create a missing or expired record', async () => {
    const store = open();
    const missing = newId();
    const expired = newId();
    await store.set(expired, record({ old: true }, -1000));
    await store.patch(missing, { set: { a: 1 }, unset: [] }, Date.now() + 60_000);
    await store.patch(expired, { set: { a: 1 }, unset: [] }, Date.now() + 60_000);
    expect(await rawRow(missing)).toBeUndefined();
    expect((await rawRow(expired))?.data).toEqual({ old: true });
    expect(await store.get(expired)).toBeUndefined();
  });

  it('keeps both writes when two requests change different keys at the same time', async () => {
    const first = open();
    const second = open();
    const id = newId();
    await first.set(id, record({ base: 0 }));
    const expiresAt = Date.now() + 60_000;
    await Promise.all([
      first.patch(id, { set: { cart: ['book'] }, unset: [] }, expiresAt),
      second.patch(id, { set: { theme: 'dark' }, unset: ['base'] }, expiresAt),
    ]);
    expect((await first.get(id))?.data).toEqual({ cart: ['book'], theme: 'dark' });

    const keys = Array.from({ length: 20 }, (_, index) => `key${index}`);
    await Promise.all(keys.map((key, index) => (index % 2 ? first : second).patch(id, { set: { [key]: index }, unset: [] }, expiresAt)));
    expect(Object.keys((await first.get(id))?.data ?? {}).sort()).toEqual(['cart', 'theme', ...keys].sort());
  });
});

describe('lock', () => {
  it('excludes a second holder until the first unlocks', async () => {
    const first = open();
    const second = open();
    const id = newId();
    const unlock = await first.lock(id, { ttlMs: 10_000, waitMs: 100 });
    await expect(second.lock(id, { ttlMs: 10_000, waitMs: 150 })).rejects.toSatisfy(LockTimeoutError.isInstance);
    const waiting = second.lock(id, { ttlMs: 10_000, waitMs: 5000 });
    await unlock();
    const unlockSecond = await waiting;
    await unlockSecond();
    await unlock(); // a second call is a no-op
  });

  it('lets waiters poll without holding a connection', async () => {
    const pool = testPool({ max: 2 });
    const store = open({ pool, url: undefined });
    const id = newId();
    const unlock = await store.lock(id, { ttlMs: 10_000, waitMs: 100 });
    const waiters = Array.from({ length: 4 }, () => store.lock(id, { ttlMs: 10_000, waitMs: 400 }).catch((error) => error));
    // One client is held by the lock; the second stays available to the waiters and other queries in turn.
    const other = newId();
    await store.set(other, record({ during: 'wait' }));
    expect((await store.get(other))?.data).toEqual({ during: 'wait' });
    for (const result of await Promise.all(waiters)) expect(LockTimeoutError.isInstance(result)).toBe(true);
    await unlock();
    await store.close();
    await pool.end();
  });

  it('frees the lock after ttlMs when the holder never unlocks, and the late unlock frees nothing else', async () => {
    const first = open();
    const second = open();
    const id = newId();
    const staleUnlock = await first.lock(id, { ttlMs: 200, waitMs: 100 });
    const unlockSecond = await second.lock(id, { ttlMs: 10_000, waitMs: 5000 });
    await staleUnlock();
    await expect(first.lock(id, { ttlMs: 10_000, waitMs: 150 })).rejects.toSatisfy(LockTimeoutError.isInstance);
    await unlockSecond();
    const unlockAgain = await first.lock(id, { ttlMs: 10_000, waitMs: 1000 });
    await unlockAgain();
  });

  it('ends held locks on close()', async () => {
    const first = open();
    const second = open();
    const id = newId();
    await first.lock(id, { ttlMs: 60_000, waitMs: 100 });
    await first.close();
    const unlock = await second.lock(id, { ttlMs: 10_000, waitMs: 5000 });
    await unlock();
  });
});

describe('owners and lifecycle', () => {
  it('destroys every session of one owner and counts them', async () => {
    const store = open();
    const owner = `owner-${newId()}`;
    const mine = [newId(), newId(), newId()];
    const other = newId();
    for (const id of mine) await store.set(id, record({}, 60_000, owner));
    await store.set(other, record({}, 60_000, `${owner}-other`));
    expect(await store.destroyByOwner(owner)).toBe(3);
    expect(await store.get(mine[0]!)).toBeUndefined();
    expect(await store.get(other)).toBeDefined();
  });

  it('leaves a pool it was given open on close(), and refuses calls once closed', async () => {
    const pool = testPool();
    const store = new PostgresStore({ pool, tableName, pruneIntervalMs: 0 });
    await store.get(newId());
    await store.close();
    await store.close();
    await expect(store.get(newId())).rejects.toSatisfy(StoreUnavailableError.isInstance);
    const result = await pool.query('SELECT 1 AS one');
    expect(result.rows[0].one).toBe(1);
    await pool.end();
  });

  it('refuses contradictory or missing connection options', () => {
    expect(() => new PostgresStore({})).toThrow(SessionConfigError);
    const pool = testPool();
    expect(() => new PostgresStore({ pool, url: postgresUrl })).toThrow(SessionConfigError);
    expect(() => new PostgresStore({ url: postgresUrl, timeoutMs: 0 })).toThrow(SessionConfigError);
    return pool.end();
  });
});

describe('an unreachable server', () => {
  const timeoutMs = 300;
  // Generous: this checks that a call ends instead of hanging, not how fast it ends.
  const limitMs = timeoutMs + 1500;
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers, like a server that hangs or a black-holed route.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  async function failure(store: PostgresStore, call: (store: PostgresStore) => Promise<unknown>) {
    const started = Date.now();
    const error = await call(store).catch((caught: unknown) => caught);
    return { error, elapsed: Date.now() - started };
  }

  it('fails with StoreUnavailableError on a closed port', async () => {
    const store = open({ url: 'postgres://postgres@127.0.0.1:1/test', timeoutMs });
    const { error, elapsed } = await failure(store, (s) => s.get(newId()));
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/^\[postgres\] /);
    expect(elapsed).toBeLessThan(limitMs);
  });

  it('fails with StoreUnavailableError instead of hanging on a server that never answers', async () => {
    const store = open({ url: `postgres://postgres@127.0.0.1:${silentPort}/test`, timeoutMs });
    for (const call of [
      (s: PostgresStore) => s.get(newId()),
      (s: PostgresStore) => s.set(newId(), record({})),
      (s: PostgresStore) => s.lock(newId(), { ttlMs: 1000, waitMs: 1000 }),
    ]) {
      const { error, elapsed } = await failure(store, call);
      expect(StoreUnavailableError.isInstance(error)).toBe(true);
      expect(elapsed).toBeLessThan(limitMs);
    }
  });

  it('bounds calls through a pool given without any timeout', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${silentPort}/test` });
    pool.on('error', () => {});
    const store = open({ pool, url: undefined, timeoutMs });
    const { error, elapsed } = await failure(store, (s) => s.get(newId()));
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect(elapsed).toBeLessThan(limitMs);
    for (const socket of sockets) socket.destroy();
    await pool.end();
  });
});

describe('PostgresStore options', () => {
  it('refuses a URL of another scheme at construction, without its password', () => {
    expect(() => new PostgresStore({ url: 'mysql://root:secret@127.0.0.1/test' })).toThrow(/`url` must be a postgres:\/\/ or postgresql:\/\/ URL, not "mysql:\/\/…@127.0.0.1\/test"/);
  });

  it('refuses unknown names with the right one', () => {
    expect(() => new PostgresStore({ connectionString: 'postgres://127.0.0.1/test' } as never)).toThrow(/PostgresStore has no option `connectionString`: the connection URL is `url`/);
    expect(() => new PostgresStore({ url: 'postgres://127.0.0.1/test', tablename: 'x' } as never)).toThrow(/did you mean `tableName`/);
  });
});
