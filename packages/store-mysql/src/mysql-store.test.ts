import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import {
  InvalidSessionIdError,
  LockTimeoutError,
  SessionConfigError,
  StoreUnavailableError,
  type SessionRecord,
} from '@sess/core';
import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mysqlSchema } from './mysql-schema.js';
import { MysqlStore, type MysqlStoreOptions } from './mysql-store.js';
import { assertServerRunning, mysqlUrl, testPool, uniqueTableName } from './test-database.js';

const tableName = uniqueTableName();
const createdTables: string[] = [tableName];
let admin: Pool;
/** Stores opened by the current test. */
const stores: MysqlStore[] = [];

function newId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');
}

function open(options: Partial<MysqlStoreOptions> = {}): MysqlStore {
  const store = new MysqlStore({ url: mysqlUrl, tableName, pruneIntervalMs: 0, ...options });
  stores.push(store);
  return store;
}

function record(data: SessionRecord['data'], lifetimeMs = 60_000, owner?: string): SessionRecord {
  const now = Date.now();
  return { data, createdAt: now, expiresAt: now + lifetimeMs, ...(owner === undefined ? {} : { owner }) };
}

/** Runs SQL on the admin pool and returns its rows. */
async function sql<Row = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
  const [rows] = await admin.query<RowDataPacket[]>(text, values);
  return rows as Row[];
}

async function rawRow(id: string, table = tableName) {
  const rows = await sql<{ data: unknown; created_at: number; expires_at: number; owner: string | null }>(
    `SELECT id, CAST(data AS CHAR) AS data, created_at, expires_at, owner FROM \`${table}\` WHERE id = ?`,
    [id],
  );
  const row = rows[0];
  return row && { ...row, data: JSON.parse(row.data as string) as unknown };
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
  for (const table of createdTables) await admin.query(`DROP TABLE IF EXISTS \`${table}\``);
  await admin.end();
});

describe('schema', () => {
  it('ships sql/schema.sql identical to the SQL the store runs', async () => {
    const file = await readFile(new URL('../sql/schema.sql', import.meta.url), 'utf8');
    const statements = file
      .split('\n')
      .filter((line) => !line.startsWith('--'))
      .join('\n');
    expect(statements).toBe(mysqlSchema());
  });

  it('creates the table with its indexes on first use', async () => {
    const store = open();
    await store.set(newId(), record({ a: 1 }));
    const indexes = await sql<{ name: string; column: string }>(
      `SELECT index_name AS name, column_name AS \`column\` FROM information_schema.statistics
       WHERE table_schema = DATABASE() AND table_name = ? ORDER BY index_name`,
      [tableName],
    );
    expect(indexes).toEqual([
      { name: 'PRIMARY', column: 'id' },
      { name: `${tableName}_expires_at_idx`, column: 'expires_at' },
      { name: `${tableName}_owner_idx`, column: 'owner' },
    ]);
    const columns = await sql<{ name: string; type: string; collation: string | null }>(
      `SELECT column_name AS name, data_type AS type, collation_name AS collation FROM information_schema.columns
       WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position`,
      [tableName],
    );
    expect(columns.map(({ name, type }) => `${name} ${type}`)).toEqual([
      'id varchar',
      // MariaDB: JSON is an alias of LONGTEXT (with a JSON_VALID check); MySQL: a JSON type.
      expect.stringMatching(/^data (json|longtext)$/),
      'created_at bigint',
      'expires_at bigint',
      'owner varchar',
    ]);
    expect(columns[0]?.collation).toBe('ascii_bin');
  });

  it('refuses invalid JSON in the data column, on MariaDB too', async () => {
    await expect(
      admin.query(`INSERT INTO \`${tableName}\` (id, data, created_at, expires_at) VALUES (?, 'not json', 1, 2)`, [
        newId(),
      ]),
    ).rejects.toThrow();
  });

  it('creates the table safely when many stores start at once', async () => {
    const table = uniqueTableName();
    createdTables.push(table);
    const many = Array.from({ length: 8 }, () => open({ tableName: table }));
    const ids = many.map(() => newId());
    await Promise.all(many.map((store, index) => store.set(ids[index]!, record({ index }))));
    const count = await sql<{ count: number }>(`SELECT COUNT(*) AS count FROM \`${table}\``);
    expect(Number(count[0]?.count)).toBe(8);
  });

  it('stores epoch milliseconds, JSON data and the owner in their columns', async () => {
    const store = open();
    const id = newId();
    const written = record({ user: { name: 'Ada' } }, 60_000, 'user-1');
    await store.set(id, written);
    const row = await rawRow(id);
    expect(row).toEqual({
      id,
      data: { user: { name: 'Ada' } },
      created_at: written.createdAt,
      expires_at: written.expiresAt,
      owner: 'user-1',
    });
  });

  it('accepts a database-qualified table name and quotes it', async () => {
    const [{ name: database }] = (await sql<{ name: string }>('SELECT DATABASE() AS name')) as [{ name: string }];
    const table = `${uniqueTableName()}_select`;
    createdTables.push(table);
    expect(mysqlSchema(`${database}.${table}`)).toContain(`\`${database}\`.\`${table}\``);
    const store = open({ tableName: `${database}.${table}` });
    const id = newId();
    await store.set(id, record({ here: true }));
    expect((await rawRow(id, table))?.data).toEqual({ here: true });
  });

  it('refuses table names that are not plain identifiers, before any SQL runs', async () => {
    const canary = `${tableName}_canary`;
    createdTables.push(canary);
    await admin.query(`CREATE TABLE \`${canary}\` (x int)`);
    for (const bad of [`x; drop table ${canary}`, 'a.b.c', '`quoted`', '1sessions', '', 'a-b', 'x'.repeat(49)]) {
      expect(() => open({ tableName: bad }), bad).toThrow(SessionConfigError);
    }
    const exists = await sql(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      [canary],
    );
    expect(exists).toHaveLength(1);
  });

  it('says how to create the table when createTable is off and it is missing', async () => {
    const store = open({ tableName: uniqueTableName(), createTable: false });
    const error = await store.get(newId()).catch((caught: unknown) => caught);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/\[mysql\].*does not exist.*sql\/schema\.sql/);
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
    // JSON_TYPE tells a JSON value apart from a JSON string holding its text ("{...}", "true").
    const types = await sql(
      `SELECT JSON_TYPE(JSON_EXTRACT(data, '$.nested')) AS nested, JSON_TYPE(JSON_EXTRACT(data, '$.integer')) AS \`integer\`,
              JSON_TYPE(JSON_EXTRACT(data, '$.float')) AS \`float\`, JSON_TYPE(JSON_EXTRACT(data, '$.yes')) AS yes,
              JSON_TYPE(JSON_EXTRACT(data, '$.nothing')) AS nothing, JSON_TYPE(JSON_EXTRACT(data, '$.numericText')) AS numeric_text,
              JSON_TYPE(JSON_EXTRACT(data, '$.nested.list')) AS list
       FROM \`${tableName}\` WHERE id = ?`,
      [id],
    );
    expect(types[0]).toEqual({
      nested: 'OBJECT',
      integer: 'INTEGER',
      float: 'DOUBLE',
      yes: 'BOOLEAN',
      nothing: 'NULL',
      numeric_text: 'STRING',
      list: 'ARRAY',
    });
  });

  it('sets and removes keys that look like JSON paths or need quoting', async () => {
    const store = open();
    const id = newId();
    const keys = ['a.b', '$[0]', '*', '', 'q"uote', 'back\\slash', "it's", 'line\nbreak', 'ключ 🔑', 'nul\u0000key'];
    await store.set(id, record({ keep: 1 }));
    const set = Object.fromEntries(keys.map((key, index) => [key, { index }]));
    await store.patch(id, { set, unset: [] }, Date.now() + 60_000);
    expect((await store.get(id))?.data).toEqual({ keep: 1, ...set });
    await store.patch(id, { set: {}, unset: keys }, Date.now() + 60_000);
    expect((await store.get(id))?.data).toEqual({ keep: 1 });
  });

  it('removes several non-ASCII keys at once (multi-path JSON_REMOVE misses some on MariaDB)', async () => {
    const store = open();
    const id = newId();
    await store.set(id, record({ aébé: 0, abé: 1, éaab: 2, keep: 3 }));
    await store.patch(id, { set: {}, unset: ['aébé', 'abé', 'éaab'] }, Date.now() + 60_000);
    expect((await store.get(id))?.data).toEqual({ keep: 3 });

    // Random keys from a small alphabet of one- to four-byte characters, from a fixed seed.
    let seed = 20_240_601;
    const random = (below: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % below;
    };
    const alphabet = ['a', 'é', 'ж', '漢', '🔑', '"', '.', ' '];
    const randomKey = () => Array.from({ length: 1 + random(4) }, () => alphabet[random(alphabet.length)]).join('');
    for (let round = 0; round < 20; round += 1) {
      const keys = [...new Set(Array.from({ length: 2 + random(6) }, randomKey))].filter((key) => key !== 'keep');
      const data = Object.fromEntries([...keys, 'keep'].map((key, index) => [key, index]));
      await store.set(id, record(data));
      const removed = keys.filter((_key, index) => index % 2 === 0);
      const changed = Object.fromEntries(keys.filter((_key, index) => index % 2 === 1).map((key) => [key, { changed: key }]));
      await store.patch(id, { set: changed, unset: removed }, Date.now() + 60_000);
      const expected: Record<string, unknown> = { ...data, ...changed };
      for (const key of removed) delete expected[key];
      expect((await store.get(id))?.data, JSON.stringify(keys)).toEqual(expected);
    }
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

  it('keeps GET_LOCK names within 64 characters for the longest table name and ID', async () => {
    const table = `sess_test_${'x'.repeat(38)}`;
    createdTables.push(table);
    const store = open({ tableName: table });
    const id = 'i'.repeat(128);
    const unlock = await store.lock(id, { ttlMs: 10_000, waitMs: 100 });
    const names = await sql<{ name: string }>(
      "SELECT CONCAT('sess:', LEFT(SHA2(?, 256), 59)) AS name",
      [`\`${table}\`:${id}`],
    );
    const name = names[0]!.name;
    expect(name).toHaveLength(64);
    const used = await sql<{ holder: number | null }>('SELECT IS_USED_LOCK(?) AS holder', [name]);
    expect(used[0]?.holder).not.toBeNull();
    await unlock();
    const free = await sql<{ free: number }>('SELECT IS_FREE_LOCK(?) AS free', [name]);
    expect(Number(free[0]?.free)).toBe(1);
  });

  it('lets waiters poll without holding a connection', async () => {
    const pool = testPool({ connectionLimit: 2 });
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
    const store = new MysqlStore({ pool, tableName, pruneIntervalMs: 0 });
    await store.get(newId());
    await store.close();
    await store.close();
    await expect(store.get(newId())).rejects.toSatisfy(StoreUnavailableError.isInstance);
    const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
    await pool.end();
  });

  it('refuses contradictory or missing connection options', () => {
    expect(() => new MysqlStore({})).toThrow(SessionConfigError);
    const pool = testPool();
    expect(() => new MysqlStore({ pool, url: mysqlUrl })).toThrow(SessionConfigError);
    expect(() => new MysqlStore({ url: mysqlUrl, timeoutMs: 0 })).toThrow(SessionConfigError);
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

  async function failure(store: MysqlStore, call: (store: MysqlStore) => Promise<unknown>) {
    const started = Date.now();
    const error = await call(store).catch((caught: unknown) => caught);
    return { error, elapsed: Date.now() - started };
  }

  it('fails with StoreUnavailableError on a closed port', async () => {
    const store = open({ url: 'mysql://root@127.0.0.1:1/test', timeoutMs });
    const { error, elapsed } = await failure(store, (s) => s.get(newId()));
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/^\[mysql\] /);
    expect(elapsed).toBeLessThan(limitMs);
  });

  it('fails with StoreUnavailableError instead of hanging on a server that never answers', async () => {
    const store = open({ url: `mysql://root@127.0.0.1:${silentPort}/test`, timeoutMs });
    for (const call of [
      (s: MysqlStore) => s.get(newId()),
      (s: MysqlStore) => s.set(newId(), record({})),
      (s: MysqlStore) => s.lock(newId(), { ttlMs: 1000, waitMs: 1000 }),
    ]) {
      const { error, elapsed } = await failure(store, call);
      expect(StoreUnavailableError.isInstance(error)).toBe(true);
      expect(elapsed).toBeLessThan(limitMs);
    }
  });

  it('bounds calls through a pool given without any timeout', async () => {
    // mysql2's own connect timeout is 10 s: longer than the store's bound.
    const pool = createPool({ uri: `mysql://root@127.0.0.1:${silentPort}/test` });
    const store = open({ pool, url: undefined, timeoutMs });
    const { error, elapsed } = await failure(store, (s) => s.get(newId()));
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect(elapsed).toBeLessThan(limitMs);
    // The connection still trying to reach the silent server fails as its socket closes; end() reports it.
    for (const socket of sockets) socket.destroy();
    await pool.end().catch(() => {});
  });
});

describe('MysqlStore options', () => {
  it('refuses a URL of another scheme at construction, without its password', () => {
    expect(() => new MysqlStore({ url: '127.0.0.1:3306' })).toThrow(/`url` must be a mysql:\/\/ URL/);
  });

  it('refuses unknown names with the right one', () => {
    expect(() => new MysqlStore({ uri: 'mysql://root@127.0.0.1/test' } as never)).toThrow(/MysqlStore has no option `uri`: the connection URL is `url`/);
    expect(() => new MysqlStore({ url: 'mysql://root@127.0.0.1/test', createTables: true } as never)).toThrow(/did you mean `createTable`/);
  });
});
