import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  applyPatch,
  InvalidSessionIdError,
  LockTimeoutError,
  SessionConfigError,
  StoreUnavailableError,
  type JsonValue,
  type SessionRecord,
  type StoredData,
} from '@sess/core';
import { sessionTableSchema } from './session-table-schema.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

const folder = mkdtempSync(join(tmpdir(), 'sess-sqlite-store-'));
const hour = 60 * 60 * 1000;
const openStores: SqliteStore[] = [];
const openDatabases: Database.Database[] = [];

afterEach(async () => {
  for (const store of openStores.splice(0)) await store.close();
  for (const database of openDatabases.splice(0)) if (database.open) database.close();
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A path for a new, empty database file. */
const newPath = () => join(folder, `${randomUUID()}.db`);
/** A valid store ID nobody used yet. */
const newId = () => randomUUID().replaceAll('-', '');

function createStore(options: SqliteStoreOptions = {}): SqliteStore {
  const store = new SqliteStore({ pruneIntervalMs: 0, ...(options.database ? {} : { path: newPath() }), ...options });
  openStores.push(store);
  return store;
}

function openDatabase(path: string): Database.Database {
  const database = new Database(path);
  openDatabases.push(database);
  return database;
}

function liveRecord(data: StoredData, extra: Partial<SessionRecord> = {}): SessionRecord {
  return { data, createdAt: Date.now(), expiresAt: Date.now() + hour, ...extra };
}

describe('get / set / destroy', () => {
  it('round-trips a record with and without an owner', async () => {
    const store = createStore();
    const withOwner = liveRecord({ user: 'ada', cart: [1, 2, { sku: 'x' }] }, { owner: 'user-1' });
    const withoutOwner = liveRecord({ theme: 'dark' });
    const [first, second] = [newId(), newId()];
    await store.set(first, withOwner);
    await store.set(second, withoutOwner);
    expect(await store.get(first)).toEqual(withOwner);
    const read = await store.get(second);
    expect(read).toEqual(withoutOwner);
    expect(read).not.toHaveProperty('owner');
  });

  it('replaces a record, including its owner and creation time', async () => {
    const store = createStore();
    const id = newId();
    await store.set(id, liveRecord({ a: 1, b: 2 }, { owner: 'first', createdAt: 1 }));
    const replacement = liveRecord({ c: 3 }, { createdAt: 2 });
    await store.set(id, replacement);
    expect(await store.get(id)).toEqual(replacement);
  });

  it('returns undefined for missing and expired records', async () => {
    const store = createStore();
    const id = newId();
    expect(await store.get(id)).toBeUndefined();
    await store.set(id, liveRecord({ a: 1 }, { expiresAt: Date.now() - 1 }));
    expect(await store.get(id)).toBeUndefined();
  });

  it('destroys a record, and destroying a missing one is a no-op', async () => {
    const store = createStore();
    const id = newId();
    await store.set(id, liveRecord({ a: 1 }));
    await store.destroy(id);
    expect(await store.get(id)).toBeUndefined();
    await expect(store.destroy(id)).resolves.toBeUndefined();
  });

  it('refuses malformed IDs in every method before they reach SQL', async () => {
    const store = createStore();
    const bad = "x' OR '1'='1";
    await expect(store.get(bad)).rejects.toSatisfy(InvalidSessionIdError.isInstance);
    await expect(store.set(bad, liveRecord({}))).rejects.toSatisfy(InvalidSessionIdError.isInstance);
    await expect(store.destroy(bad)).rejects.toSatisfy(InvalidSessionIdError.isInstance);
    await expect(store.touch(bad, Date.now())).rejects.toSatisfy(InvalidSessionIdError.isInstance);
    await expect(store.patch(bad, { set: {}, unset: [] }, Date.now())).rejects.toSatisfy(InvalidSessionIdError.isInstance);
    await expect(store.lock(bad, { ttlMs: 100, waitMs: 0 })).rejects.toSatisfy(InvalidSessionIdError.isInstance);
  });

  it('treats a row whose data is not a JSON object as no session', async () => {
    const path = newPath();
    const store = createStore({ path });
    const [broken, array] = [newId(), newId()];
    const database = openDatabase(path);
    const insert = database.prepare('INSERT INTO sessions (id, data, created_at, expires_at) VALUES (?, ?, ?, ?)');
    insert.run(broken, '{not json', Date.now(), Date.now() + hour);
    insert.run(array, '[1,2]', Date.now(), Date.now() + hour);
    expect(await store.get(broken)).toBeUndefined();
    expect(await store.get(array)).toBeUndefined();
  });
});

describe('schema', () => {
  it('creates the table and indexes, and puts a file it opens in WAL mode', async () => {
    const path = newPath();
    createStore({ path });
    const database = openDatabase(path);
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    const columns = database.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info('sessions')").all();
    expect(columns).toEqual([
      { name: 'id', type: 'TEXT', notnull: 1, pk: 1 },
      { name: 'data', type: 'TEXT', notnull: 1, pk: 0 },
      { name: 'created_at', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'expires_at', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'owner', type: 'TEXT', notnull: 0, pk: 0 },
    ]);
    const indexedColumns = database
      .prepare(
        "SELECT info.name FROM pragma_index_list('sessions') AS list, pragma_index_info(list.name) AS info WHERE list.origin = 'c' ORDER BY info.name",
      )
      .pluck()
      .all();
    expect(indexedColumns).toEqual(['expires_at', 'owner']);
    expect(database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual([
      'sessions',
      'sessions_locks',
    ]);
  });

  it('ships sql/schema.sql with exactly the statements the store runs', () => {
    const file = readFileSync(fileURLToPath(new URL('../sql/schema.sql', import.meta.url)), 'utf8');
    expect(file.endsWith(sessionTableSchema())).toBe(true);
    const statements = file.replace(/^--.*$/gm, '').trim();
    expect(statements).toBe(sessionTableSchema().trim());
  });

  it('works on a database whose schema was created from sql/schema.sql', async () => {
    const path = newPath();
    const database = openDatabase(path);
    database.exec(readFileSync(fileURLToPath(new URL('../sql/schema.sql', import.meta.url)), 'utf8'));
    const before = database.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    const store = createStore({ path });
    const id = newId();
    await store.set(id, liveRecord({ a: 1 }));
    await store.patch(id, { set: { b: 2 }, unset: [] }, Date.now() + hour);
    expect((await store.get(id))?.data).toEqual({ a: 1, b: 2 });
    expect(database.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(before);
  });

  it('keeps stores with different table names apart in one file', async () => {
    const path = newPath();
    const first = createStore({ path });
    const second = createStore({ path, tableName: 'other_sessions' });
    const id = newId();
    await first.set(id, liveRecord({ from: 'first' }));
    expect(await second.get(id)).toBeUndefined();
    await second.set(id, liveRecord({ from: 'second' }));
    await second.clear();
    expect((await first.get(id))?.data).toEqual({ from: 'first' });
    const database = openDatabase(path);
    expect(database.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE 'other_sessions%' AND type = 'table'").pluck().get()).toBe(2);
  });

  it.each(['sessions; DROP TABLE sessions', '1sessions', '', 'my-sessions', '"quoted"', 'sqlite_sessions', 'x'.repeat(49)])(
    'refuses the table name %j',
    (tableName) => {
      expect(() => new SqliteStore({ path: newPath(), tableName, pruneIntervalMs: 0 })).toThrow(
        expect.objectContaining({ name: 'SessionConfigError', message: expect.stringContaining('[sqlite] tableName') }),
      );
    },
  );
});

describe('options', () => {
  it('refuses path and database together, a closed database and bad numbers', () => {
    const database = new Database(':memory:');
    expect(() => new SqliteStore({ path: newPath(), database })).toThrow(SessionConfigError);
    database.close();
    expect(() => new SqliteStore({ database })).toThrow(/closed/);
    expect(() => new SqliteStore({ path: newPath(), pruneIntervalMs: -1 })).toThrow(SessionConfigError);
    expect(() => new SqliteStore({ path: newPath(), busyTimeoutMs: 1.5 })).toThrow(SessionConfigError);
  });

  it('opens ./.sessions.db in the working directory by default', async () => {
    const workingDirectory = mkdtempSync(join(folder, 'cwd-'));
    const previous = process.cwd();
    process.chdir(workingDirectory);
    try {
      const store = new SqliteStore({ pruneIntervalMs: 0 });
      openStores.push(store);
      await store.set(newId(), liveRecord({ a: 1 }));
      expect(existsSync(join(workingDirectory, '.sessions.db'))).toBe(true);
    } finally {
      process.chdir(previous);
    }
  });

  it('fails with StoreUnavailableError when the file cannot be opened', () => {
    expect(() => new SqliteStore({ path: join(folder, 'missing-folder', 'sessions.db') })).toThrow(
      expect.objectContaining({ name: 'StoreUnavailableError', detail: expect.stringMatching(/\[sqlite\].*writable/) }),
    );
  });

  it('uses a database the caller owns and leaves it open on close', async () => {
    const database = new Database(':memory:');
    openDatabases.push(database);
    const store = new SqliteStore({ database, pruneIntervalMs: 0 });
    const id = newId();
    await store.set(id, liveRecord({ a: 1 }));
    expect(database.prepare('SELECT data FROM sessions WHERE id = ?').pluck().get(id)).toBe('{"a":1}');
    await store.close();
    expect(database.open).toBe(true);
    await expect(store.get(id)).rejects.toMatchObject({ detail: expect.stringMatching(/closed/) });
  });

  it('reports a database closed by its owner as StoreUnavailableError', async () => {
    const database = new Database(':memory:');
    const store = createStore({ database });
    database.close();
    await expect(store.get(newId())).rejects.toSatisfy(
      (error: unknown) => StoreUnavailableError.isInstance(error) && /keep it open/.test(error.detail),
    );
  });

  it('closes a database it opened; close is idempotent and later calls fail clearly', async () => {
    const store = new SqliteStore({ path: newPath(), pruneIntervalMs: 0 });
    await store.close();
    await store.close();
    await expect(store.set(newId(), liveRecord({}))).rejects.toSatisfy(
      (error: unknown) => StoreUnavailableError.isInstance(error) && /store was closed/.test(error.detail),
    );
  });

  it('gives up after busyTimeoutMs when another connection holds the write lock', async () => {
    const path = newPath();
    const store = createStore({ path, busyTimeoutMs: 50 });
    const other = openDatabase(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.set(newId(), liveRecord({ a: 1 }))).rejects.toSatisfy(
        (error: unknown) => StoreUnavailableError.isInstance(error) && /busyTimeoutMs \(50 ms\)/.test(error.detail),
      );
    } finally {
      other.exec('ROLLBACK');
    }
    // Readers are not blocked by a writer in WAL mode, and the store recovers once the lock is gone.
    const id = newId();
    await store.set(id, liveRecord({ a: 2 }));
    expect((await store.get(id))?.data).toEqual({ a: 2 });
  });
});

describe('patch', () => {
  const values: Record<string, JsonValue> = {
    nested: { user: { id: 7, roles: ['admin', 'editor'], address: { city: 'Lyon', zip: null } } },
    list: [1, 'two', { three: 3 }, [4], null, true],
    emptyObject: {},
    emptyList: [],
    objectLookingString: '{"a":1}',
    arrayLookingString: '[1,2]',
    numberLookingString: '42',
    trueLookingString: 'true',
    nullLookingString: 'null',
    quotedString: '"quoted"',
    emptyString: '',
    unicode: 'héllo wörld 😀 \u2028',
    integer: 42,
    negative: -17,
    float: 3.14159,
    large: Number.MAX_SAFE_INTEGER,
    tiny: 5e-324,
    zero: 0,
    yes: true,
    no: false,
    nothing: null,
  };

  it('writes every kind of JSON value so that it reads back unchanged', async () => {
    const store = createStore();
    const id = newId();
    await store.set(id, liveRecord({ kept: 'yes' }));
    await store.patch(id, { set: values, unset: [] }, Date.now() + hour);
    expect((await store.get(id))?.data).toEqual({ kept: 'yes', ...values });
    // Types survive exactly: a string that looks like JSON stays a string, null stays null.
    const data = (await store.get(id))!.data;
    expect(typeof data.objectLookingString).toBe('string');
    expect(typeof data.numberLookingString).toBe('string');
    expect(data.nothing).toBeNull();
    expect(data.nested).toEqual(values.nested);
  });

  it('replaces nested values whole rather than merging them', async () => {
    const store = createStore();
    const id = newId();
    await store.set(id, liveRecord({ user: { id: 1, name: 'old', extra: true } }));
    await store.patch(id, { set: { user: { id: 1, name: 'new' } }, unset: [] }, Date.now() + hour);
    expect((await store.get(id))?.data).toEqual({ user: { id: 1, name: 'new' } });
  });

  it('removes keys, lets unset win over set like applyPatch, and treats undefined as removal', async () => {
    const store = createStore();
    const id = newId();
    await store.set(id, liveRecord({ a: 1, b: 2, c: 3, d: 4 }));
    const change = { set: { a: 10, c: 30, e: undefined as unknown as JsonValue }, unset: ['b', 'c', 'missing'] };
    await store.patch(id, change, Date.now() + hour);
    expect((await store.get(id))?.data).toEqual({ a: 10, d: 4 });
  });

  it('addresses keys with dots, quotes, backslashes, brackets and unicode exactly', async () => {
    const store = createStore();
    const id = newId();
    const awkward = ['a.b', 'a"b', 'a\\b', 'a\\"b', '[0]', '$', '', ' ', 'é', '😀', 'line\nbreak', '\u0001', 'A'];
    const initial = Object.fromEntries(awkward.map((key) => [key, 'old']));
    await store.set(id, liveRecord({ ...initial, a: { b: 'nested, must stay' } }));
    const [removed, ...changed] = awkward;
    await store.patch(
      id,
      { set: Object.fromEntries(changed.map((key) => [key, `new ${key}`])), unset: [removed!] },
      Date.now() + hour,
    );
    expect((await store.get(id))?.data).toEqual({
      ...Object.fromEntries(changed.map((key) => [key, `new ${key}`])),
      a: { b: 'nested, must stay' },
    });
  });

  it('moves expiresAt and keeps createdAt and owner', async () => {
    const store = createStore();
    const id = newId();
    const record = liveRecord({ a: 1 }, { owner: 'user-1', createdAt: 1234 });
    await store.set(id, record);
    const expiresAt = Date.now() + 2 * hour;
    await store.patch(id, { set: { b: 2 }, unset: [] }, expiresAt);
    expect(await store.get(id)).toEqual({ data: { a: 1, b: 2 }, createdAt: 1234, expiresAt, owner: 'user-1' });
    await store.patch(id, { set: {}, unset: [] }, expiresAt + 1);
    expect((await store.get(id))?.expiresAt).toBe(expiresAt + 1);
  });

  it('never creates a missing record nor revives an expired one', async () => {
    const path = newPath();
    const store = createStore({ path });
    const [missing, expired] = [newId(), newId()];
    await store.patch(missing, { set: { a: 1 }, unset: [] }, Date.now() + hour);
    expect(await store.get(missing)).toBeUndefined();
    await store.set(expired, liveRecord({ a: 1 }, { expiresAt: Date.now() - 1000 }));
    await store.patch(expired, { set: { a: 2 }, unset: [] }, Date.now() + hour);
    expect(await store.get(expired)).toBeUndefined();
    const database = openDatabase(path);
    expect(database.prepare('SELECT id, data FROM sessions ORDER BY id').all()).toEqual([{ id: expired, data: '{"a":1}' }]);
  });

  it('applies patches of many keys (nested calls) and of very many keys (one transaction)', async () => {
    const store = createStore();
    for (const size of [61, 150, 4100]) {
      const id = newId();
      const initial = Object.fromEntries(Array.from({ length: size }, (_, index) => [`old${index}`, index]));
      await store.set(id, liveRecord(initial));
      const set = Object.fromEntries(Array.from({ length: size }, (_, index) => [`new${index}`, { index }]));
      const unset = Array.from({ length: size }, (_, index) => `old${index}`).filter((_, index) => index % 2 === 0);
      await store.patch(id, { set, unset }, Date.now() + hour);
      expect((await store.get(id))?.data).toEqual(applyPatch(initial, { set, unset }));
    }
  });

  it('matches applyPatch for arbitrary keys and values', async () => {
    const store = createStore();
    const key = fc.string({ unit: 'grapheme', maxLength: 8 });
    const value = fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.parse(JSON.stringify(json)) as JsonValue);
    const data = fc.dictionary(key, value, { maxKeys: 8 });
    await fc.assert(
      fc.asyncProperty(data, data, fc.array(key, { maxLength: 5 }), async (initial, set, unset) => {
        const id = newId();
        await store.set(id, liveRecord(initial));
        await store.patch(id, { set, unset }, Date.now() + hour);
        expect((await store.get(id))?.data).toEqual(applyPatch(initial, { set, unset }));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps every key when many patches of different keys run at once', async () => {
    const store = createStore();
    const id = newId();
    await store.set(id, liveRecord({}));
    await Promise.all(
      Array.from({ length: 50 }, (_, index) => store.patch(id, { set: { [`key${index}`]: index }, unset: [] }, Date.now() + hour)),
    );
    expect(Object.keys((await store.get(id))!.data)).toHaveLength(50);
  });
});

describe('touch, destroyByOwner, prune, clear', () => {
  it('touch moves expiresAt without touching the data, and leaves missing or expired records missing', async () => {
    const store = createStore();
    const [live, missing, expired] = [newId(), newId(), newId()];
    const record = liveRecord({ a: 1 }, { owner: 'o' });
    await store.set(live, record);
    await store.touch(live, record.expiresAt + 5000);
    expect(await store.get(live)).toEqual({ ...record, expiresAt: record.expiresAt + 5000 });
    await store.touch(missing, Date.now() + hour);
    expect(await store.get(missing)).toBeUndefined();
    await store.set(expired, liveRecord({ a: 1 }, { expiresAt: Date.now() - 1 }));
    await store.touch(expired, Date.now() + hour);
    expect(await store.get(expired)).toBeUndefined();
  });

  it('destroyByOwner ends every session of one owner and counts the live ones', async () => {
    const store = createStore();
    const ids = [newId(), newId(), newId(), newId(), newId()];
    await store.set(ids[0]!, liveRecord({ n: 0 }, { owner: 'alice' }));
    await store.set(ids[1]!, liveRecord({ n: 1 }, { owner: 'alice' }));
    await store.set(ids[2]!, liveRecord({ n: 2 }, { owner: 'alice', expiresAt: Date.now() - 1 }));
    await store.set(ids[3]!, liveRecord({ n: 3 }, { owner: 'bob' }));
    await store.set(ids[4]!, liveRecord({ n: 4 }));
    expect(await store.destroyByOwner('alice')).toBe(2);
    expect(await store.get(ids[0]!)).toBeUndefined();
    expect(await store.get(ids[1]!)).toBeUndefined();
    expect((await store.get(ids[3]!))?.data).toEqual({ n: 3 });
    expect((await store.get(ids[4]!))?.data).toEqual({ n: 4 });
    expect(await store.destroyByOwner('alice')).toBe(0);
  });

  it('prune deletes expired sessions and expired locks only', async () => {
    const path = newPath();
    const store = createStore({ path });
    const [live, expired, alsoExpired] = [newId(), newId(), newId()];
    await store.set(live, liveRecord({ a: 1 }));
    await store.set(expired, liveRecord({ a: 2 }, { expiresAt: Date.now() - 1 }));
    await store.set(alsoExpired, liveRecord({ a: 3 }, { expiresAt: Date.now() - hour }));
    await store.lock(expired, { ttlMs: 1, waitMs: 0 });
    await store.lock(live, { ttlMs: hour, waitMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.prune()).toBe(2);
    expect(await store.prune()).toBe(0);
    const database = openDatabase(path);
    expect(database.prepare('SELECT id FROM sessions').pluck().all()).toEqual([live]);
    expect(database.prepare('SELECT id FROM sessions_locks').pluck().all()).toEqual([live]);
  });

  it('prunes in the background every pruneIntervalMs', async () => {
    const path = newPath();
    const store = createStore({ path, pruneIntervalMs: 20 });
    await store.set(newId(), liveRecord({ a: 1 }, { expiresAt: Date.now() - 1 }));
    const database = openDatabase(path);
    const count = database.prepare('SELECT count(*) FROM sessions').pluck();
    expect(count.get()).toBe(1);
    const deadline = Date.now() + 5000;
    while (count.get() !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(count.get()).toBe(0);
  });

  it('does not keep the process alive with its prune timer', async () => {
    const path = newPath();
    const worker = fileURLToPath(new URL('./fixtures/sqlite-worker.mjs', import.meta.url));
    const child = spawn(process.execPath, [worker, 'idle', path, newId()], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(killer);
    expect(output).toBe('wrote\n');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  }, 15_000);

  it('clear deletes every session of the store', async () => {
    const store = createStore();
    const ids = [newId(), newId()];
    for (const id of ids) await store.set(id, liveRecord({ a: 1 }));
    await store.clear();
    for (const id of ids) expect(await store.get(id)).toBeUndefined();
  });
});

describe('lock', () => {
  it('is exclusive until released, and a released lock can be taken again', async () => {
    const store = createStore();
    const id = newId();
    const unlock = await store.lock(id, { ttlMs: hour, waitMs: 0 });
    await expect(store.lock(id, { ttlMs: hour, waitMs: 50 })).rejects.toSatisfy(
      (error: unknown) => LockTimeoutError.isInstance(error) && /\[sqlite\]/.test(error.message),
    );
    // Other sessions are not affected.
    const other = await store.lock(newId(), { ttlMs: hour, waitMs: 0 });
    await unlock();
    await unlock();
    const again = await store.lock(id, { ttlMs: hour, waitMs: 0 });
    await again();
    await other();
  });

  it('hands the lock to a waiter as soon as the holder releases it', async () => {
    const store = createStore();
    const id = newId();
    const unlock = await store.lock(id, { ttlMs: hour, waitMs: 0 });
    const order: string[] = [];
    const waiter = store.lock(id, { ttlMs: hour, waitMs: 5000 }).then((release) => {
      order.push('acquired');
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    order.push('released');
    await unlock();
    await (await waiter)();
    expect(order).toEqual(['released', 'acquired']);
  });

  it('lets a lock whose holder vanished be taken after ttlMs, and a late release frees nothing', async () => {
    const path = newPath();
    const store = createStore({ path });
    const id = newId();
    const stale = await store.lock(id, { ttlMs: 30, waitMs: 0 });
    const fresh = await store.lock(id, { ttlMs: hour, waitMs: 2000 });
    await stale();
    await expect(store.lock(id, { ttlMs: hour, waitMs: 20 })).rejects.toSatisfy(LockTimeoutError.isInstance);
    const database = openDatabase(path);
    expect(database.prepare('SELECT count(*) FROM sessions_locks WHERE id = ?').pluck().get(id)).toBe(1);
    await fresh();
    expect(database.prepare('SELECT count(*) FROM sessions_locks WHERE id = ?').pluck().get(id)).toBe(0);
  });

  it('is shared by two stores on one file', async () => {
    const path = newPath();
    const first = createStore({ path });
    const second = createStore({ path });
    const id = newId();
    const unlock = await first.lock(id, { ttlMs: hour, waitMs: 0 });
    await expect(second.lock(id, { ttlMs: hour, waitMs: 30 })).rejects.toSatisfy(LockTimeoutError.isInstance);
    await unlock();
    await (await second.lock(id, { ttlMs: hour, waitMs: 0 }))();
  });
});

describe('SqliteStore options', () => {
  it('refuses unknown names with the right one', () => {
    expect(() => new SqliteStore({ filename: 'x.db' } as never)).toThrow(/SqliteStore has no option `filename`: the database file is `path`/);
    expect(() => new SqliteStore({ path: ':memory:', busyTimeout: 5 } as never)).toThrow(/did you mean `busyTimeoutMs`/);
  });
});
