import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidSessionIdError,
  SessError,
  SessionConfigError,
  StoreUnavailableError,
  type SessionRecord,
} from '@sess/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptSessionFileError } from './corrupt-session-file-error.js';
import { FileStore, type FileStoreOptions } from './file-store.js';

let sandbox: string;
let dir: string;
const stores: FileStore[] = [];

beforeEach(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'sess-store-file-'));
  dir = join(sandbox, 'inner', 'sessions');
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(sandbox, { recursive: true, force: true });
});

function createStore(options: FileStoreOptions = {}): FileStore {
  const store = new FileStore({ dir, pruneIntervalMs: 0, ...options });
  stores.push(store);
  return store;
}

const sessionId = (n: number) => `session-${String(n).padStart(10, '0')}`;

function record(data: SessionRecord['data'] = {}, ttlMs = 60_000, owner?: string): SessionRecord {
  const now = Date.now();
  return owner === undefined
    ? { data, createdAt: now, expiresAt: now + ttlMs }
    : { data, createdAt: now, expiresAt: now + ttlMs, owner };
}

/** Writes a session file by hand, as another process (or an older version) would have left it. */
async function plant(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Every file under `root`, recursively, as paths relative to it. */
async function walk(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('FileStore basics', () => {
  it('stores one JSON file per session holding { data, createdAt, expiresAt, owner }', async () => {
    const store = createStore();
    const stored = record({ cart: [1, 2], user: { name: 'Ada' } }, 60_000, 'user-1');
    await store.set(sessionId(1), stored);

    expect(await store.get(sessionId(1))).toEqual(stored);
    const onDisk = JSON.parse(await readFile(join(dir, `${sessionId(1)}.json`), 'utf8'));
    expect(onDisk).toEqual({
      data: stored.data,
      createdAt: stored.createdAt,
      expiresAt: stored.expiresAt,
      owner: 'user-1',
    });
    // Beside the session file, the owner index (for listByOwner).
    expect((await readdir(dir)).sort()).toEqual(['owners', `${sessionId(1)}.json`]);
  });

  it('returns a record without owner when none was stored', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({ a: 1 }));
    const read = await store.get(sessionId(1));
    expect(read).toBeDefined();
    expect(Object.keys(read as object).sort()).toEqual(['createdAt', 'data', 'expiresAt']);
  });

  it('creates the directory (and its missing parents) with mode 0700 and files with mode 0600', async () => {
    const store = createStore();
    expect(existsSync(dir)).toBe(false);
    await store.set(sessionId(1), record({ a: 1 }));
    const unlock = await store.lock(sessionId(1), { ttlMs: 10_000, waitMs: 0 });

    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(sandbox, 'inner'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, `${sessionId(1)}.json`))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, `${sessionId(1)}.lock`))).mode & 0o777).toBe(0o600);
    await unlock();
  });

  it('reading from a directory that does not exist yet finds nothing and creates nothing', async () => {
    const store = createStore();
    expect(await store.get(sessionId(1))).toBeUndefined();
    expect(await store.prune()).toBe(0);
    expect(await store.destroyByOwner('nobody')).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it('recreates the directory when it is removed while the store is in use', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({ a: 1 }));
    await rm(dir, { recursive: true });
    await store.set(sessionId(2), record({ b: 2 }));
    expect(await store.get(sessionId(2))).toEqual(expect.objectContaining({ data: { b: 2 } }));
  });

  it('replaces a record and leaves no temporary file behind', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({ a: 1 }));
    await store.set(sessionId(1), record({ b: 2 }));
    expect((await store.get(sessionId(1)))?.data).toEqual({ b: 2 });
    expect(await readdir(dir)).toEqual([`${sessionId(1)}.json`]);
  });

  it('writes with fsync when asked to', async () => {
    const store = createStore({ fsync: true });
    await store.set(sessionId(1), record({ durable: true }));
    expect((await store.get(sessionId(1)))?.data).toEqual({ durable: true });
  });

  it('destroy deletes the file, and deleting a missing record is a no-op', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({ a: 1 }));
    await store.destroy(sessionId(1));
    await store.destroy(sessionId(1));
    await store.destroy(sessionId(2));
    expect(await store.get(sessionId(1))).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses bad options with SessionConfigError', () => {
    expect(() => new FileStore({ pruneIntervalMs: -1 })).toThrow(SessionConfigError);
    expect(() => new FileStore({ lockStaleMs: 0 })).toThrow(SessionConfigError);
    expect(() => new FileStore({ lockWaitMs: Number.NaN })).toThrow(/\[sess\] \[file\] lockWaitMs/);
    expect(() => new FileStore({ dir: '' })).toThrow(SessionConfigError);
  });

  it('resolves dir against the working directory and defaults to ./.sessions', () => {
    expect(new FileStore({ pruneIntervalMs: 0 }).directory).toBe(join(process.cwd(), '.sessions'));
    expect(new FileStore({ dir: 'relative/sessions', pruneIntervalMs: 0 }).directory).toBe(
      join(process.cwd(), 'relative', 'sessions'),
    );
  });
});

describe('FileStore with hostile IDs', () => {
  const hostile: Array<[string, unknown]> = [
    ['parent traversal', '../x'],
    ['deep traversal', '../../../../../../tmp/sess-escape-0000'],
    ['encoded traversal', '..%2f..%2fetc'],
    ['encoded dots', '%2e%2e'],
    ['dot', '.'],
    ['dot dot', '..'],
    ['NUL byte', 'session-00000000\0.json'],
    ['absolute path', '/etc/passwd'],
    ['backslash', 'a\\b'],
    ['backslash traversal', '..\\..\\session-000000000'],
    ['slash inside', 'session-0000/000000'],
    ['trailing newline', `${'a'.repeat(20)}\n`],
    ['1000 characters', 'a'.repeat(1000)],
    ['129 characters', 'a'.repeat(129)],
    ['15 characters', 'a'.repeat(15)],
    ['unicode', 'séssion-ïd-ünïcode-0000'],
    ['full-width solidus', `..\uff0f..\uff0f${'a'.repeat(16)}`],
    ['empty', ''],
    ['number', 1234567890123456789],
    ['object', { toString: () => '../x' }],
  ];

  it.each(hostile)('rejects %s with InvalidSessionIdError and writes nothing anywhere', async (_label, id) => {
    const store = createStore();
    const bad = id as string;
    const calls: Array<() => Promise<unknown>> = [
      () => store.get(bad),
      () => store.set(bad, record({ evil: true })),
      () => store.destroy(bad),
      () => store.touch(bad, Date.now() + 60_000),
      () => store.patch(bad, { set: { evil: true }, unset: [] }, Date.now() + 60_000),
      () => store.lock(bad, { ttlMs: 1_000, waitMs: 0 }),
    ];
    for (const call of calls) {
      const error = await call().then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(InvalidSessionIdError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/^\[sess\] \[file\] /);
    }
    // Nothing was created: not the directory, not a file beside it, not a file outside the sandbox.
    expect(await walk(sandbox)).toEqual([]);
    expect(existsSync('/etc/passwd.json')).toBe(false);
    expect(existsSync(join(tmpdir(), 'sess-escape-0000.json'))).toBe(false);
  });
});

describe('FileStore expiry', () => {
  it('never returns an expired record and deletes its file on the way', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({ a: 1 }));
    const path = await plant(`${sessionId(2)}.json`, { data: { a: 1 }, createdAt: 1, expiresAt: Date.now() - 1 });

    expect(await store.get(sessionId(2))).toBeUndefined();
    expect(existsSync(path)).toBe(false);
  });

  it('treats a record whose expiresAt has just been reached as expired', async () => {
    const store = createStore();
    await store.set(sessionId(9), record({}));
    await plant(`${sessionId(1)}.json`, { data: { a: 1 }, createdAt: 1, expiresAt: Date.now() });
    expect(await store.get(sessionId(1))).toBeUndefined();
  });

  it('does not keep a record set with an expiry in the past (and deletes the previous one)', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({ a: 1 }));
    await store.set(sessionId(1), record({ a: 2 }, -1_000));
    expect(await store.get(sessionId(1))).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('touch moves expiresAt and keeps data; touching a missing or expired record keeps it missing', async () => {
    const store = createStore();
    const stored = record({ a: 1 }, 1_000, 'owner-1');
    await store.set(sessionId(1), stored);
    const later = Date.now() + 120_000;
    await store.touch(sessionId(1), later);
    expect(await store.get(sessionId(1))).toEqual({ ...stored, expiresAt: later });

    await store.touch(sessionId(2), later);
    expect(await store.get(sessionId(2))).toBeUndefined();
    await plant(`${sessionId(3)}.json`, { data: { a: 1 }, createdAt: 1, expiresAt: Date.now() - 1 });
    await store.touch(sessionId(3), later);
    expect(await store.get(sessionId(3))).toBeUndefined();
    expect(existsSync(join(dir, `${sessionId(3)}.json`))).toBe(false);
  });

  it('touch or patch with an expiry in the past deletes the record', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({ a: 1 }));
    await store.set(sessionId(2), record({ a: 1 }));
    await store.touch(sessionId(1), Date.now() - 1);
    await store.patch(sessionId(2), { set: { b: 2 }, unset: [] }, Date.now() - 1);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('FileStore patch', () => {
  it('writes set keys, removes unset keys, moves expiresAt and keeps createdAt and owner', async () => {
    const store = createStore();
    const stored = record({ keep: 1, drop: 2, change: 3 }, 60_000, 'owner-1');
    await store.set(sessionId(1), stored);
    const later = Date.now() + 120_000;
    await store.patch(sessionId(1), { set: { change: 30, added: [1] }, unset: ['drop'] }, later);
    expect(await store.get(sessionId(1))).toEqual({
      data: { keep: 1, change: 30, added: [1] },
      createdAt: stored.createdAt,
      expiresAt: later,
      owner: 'owner-1',
    });
  });

  it('leaves a missing record missing', async () => {
    const store = createStore();
    await store.patch(sessionId(1), { set: { a: 1 }, unset: [] }, Date.now() + 60_000);
    expect(await store.get(sessionId(1))).toBeUndefined();
    expect(existsSync(join(dir, `${sessionId(1)}.json`))).toBe(false);
  });

  it('loses no key when many patches race, from two store instances on one directory', async () => {
    const first = createStore();
    const second = createStore();
    await first.set(sessionId(1), record({}));
    const expiresAt = Date.now() + 60_000;
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 === 0 ? first : second).patch(sessionId(1), { set: { [`key-${i}`]: i }, unset: [] }, expiresAt),
      ),
    );
    const data = (await first.get(sessionId(1)))?.data;
    expect(Object.keys(data ?? {}).length).toBe(60);
    for (let i = 0; i < 60; i += 1) expect(data?.[`key-${i}`]).toBe(i);
  });

  it('a touch racing patches never undoes one of them', async () => {
    const first = createStore();
    const second = createStore();
    await first.set(sessionId(1), record({}));
    const expiresAt = Date.now() + 60_000;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 3 === 0
          ? second.touch(sessionId(1), expiresAt + i)
          : first.patch(sessionId(1), { set: { [`key-${i}`]: i }, unset: [] }, expiresAt),
      ),
    );
    const data = (await second.get(sessionId(1)))?.data ?? {};
    expect(Object.keys(data).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => i)
        .filter((i) => i % 3 !== 0)
        .map((i) => `key-${i}`)
        .sort(),
    );
  });

  it('a destroy racing patches wins: no patch brings the record back', async () => {
    const first = createStore();
    const second = createStore();
    await first.set(sessionId(1), record({ a: 1 }));
    const expiresAt = Date.now() + 60_000;
    const patches = Array.from({ length: 20 }, (_, i) =>
      first.patch(sessionId(1), { set: { [`key-${i}`]: i }, unset: [] }, expiresAt),
    );
    const destroyed = second.destroy(sessionId(1));
    const late = Array.from({ length: 20 }, (_, i) =>
      second.patch(sessionId(1), { set: { [`late-${i}`]: i }, unset: [] }, expiresAt),
    );
    await Promise.all([...patches, destroyed, ...late]);
    expect(await first.get(sessionId(1))).toBeUndefined();
  });
});

describe('FileStore corrupt files', () => {
  it('treats truncated JSON as no session, reports it to onError and never throws', async () => {
    const reported: SessError[] = [];
    const store = createStore({ onError: (error) => reported.push(error) });
    await store.set(sessionId(9), record({ fine: true }));
    const path = await plant(`${sessionId(1)}.json`, '{"data":{"a":1},"createdAt":17');

    expect(await store.get(sessionId(1))).toBeUndefined();
    expect(reported).toHaveLength(1);
    expect(CorruptSessionFileError.isInstance(reported[0])).toBe(true);
    expect((reported[0] as CorruptSessionFileError).file).toBe(path);
    expect(reported[0]?.message).toMatch(/^\[sess\] \[file\] ignored the corrupt session file/);
  });

  it('ignores corrupt files silently without onError, and patch/touch leave them alone', async () => {
    const store = createStore();
    await store.set(sessionId(9), record({ fine: true }));
    await plant(`${sessionId(1)}.json`, '');
    await plant(`${sessionId(2)}.json`, '[1,2]');
    await plant(`${sessionId(3)}.json`, '{"data":[],"createdAt":1,"expiresAt":99999999999999}');
    await plant(`${sessionId(4)}.json`, '{"data":{},"createdAt":"yesterday","expiresAt":99999999999999}');
    await plant(`${sessionId(5)}.json`, '{"data":{},"createdAt":1,"expiresAt":99999999999999,"owner":7}');
    await plant(`${sessionId(6)}.json`, 'null');
    for (let n = 1; n <= 6; n += 1) {
      expect(await store.get(sessionId(n))).toBeUndefined();
      await store.patch(sessionId(n), { set: { a: 1 }, unset: [] }, Date.now() + 60_000);
      await store.touch(sessionId(n), Date.now() + 60_000);
      expect(await store.get(sessionId(n))).toBeUndefined();
    }
    expect(await store.get(sessionId(9))).toBeDefined();
  });

  it('a throwing onError hook does not fail the read', async () => {
    const store = createStore({
      onError: () => {
        throw new Error('hook failure');
      },
    });
    await store.set(sessionId(9), record({}));
    await plant(`${sessionId(1)}.json`, '{');
    expect(await store.get(sessionId(1))).toBeUndefined();
  });

  it('reports a session file it cannot read at all as StoreUnavailableError naming the store', async () => {
    const store = createStore();
    await store.set(sessionId(9), record({}));
    await rm(join(dir, `${sessionId(9)}.json`));
    // A directory where the session file should be: reading it fails with EISDIR.
    await (await import('node:fs/promises')).mkdir(join(dir, `${sessionId(9)}.json`));
    const error = await store.get(sessionId(9)).catch((rejection: unknown) => rejection);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/^\[file\] reading a session failed/);
  });
});

describe('FileStore prune, destroyByOwner, clear and close', () => {
  it('prune deletes expired and corrupt sessions, old temporary files and abandoned locks, and nothing else', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({ live: true }));
    await plant(`${sessionId(2)}.json`, { data: {}, createdAt: 1, expiresAt: Date.now() - 1 });
    await plant(`${sessionId(3)}.json`, '{"trunc');
    const old = new Date(Date.now() - 3_600_000);
    const oldTemporary = await plant(`${sessionId(4)}.json.0123456789abcdef.tmp`, '{"data":');
    await utimes(oldTemporary, old, old);
    await plant(`${sessionId(5)}.json.fedcba9876543210.tmp`, '{"data":');
    await plant(`${sessionId(6)}.lock`, { token: 'abandoned', expiresAt: Date.now() - 1 });
    await plant(`${sessionId(7)}.write.lock`, { token: 'abandoned', expiresAt: Date.now() - 1 });
    await plant(`${sessionId(8)}.lock`, { token: 'held', expiresAt: Date.now() + 60_000 });
    const oldGuard = await plant(`${sessionId(6)}.lock.break`, '');
    await utimes(oldGuard, old, old);
    await plant('notes.txt', 'not ours');
    await plant('README.json', '{"not":"a session"}');

    expect(await store.prune()).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(
      [
        `${sessionId(1)}.json`,
        `${sessionId(5)}.json.fedcba9876543210.tmp`,
        `${sessionId(8)}.lock`,
        'README.json',
        'notes.txt',
      ].sort(),
    );
    expect(await store.get(sessionId(1))).toBeDefined();
  });

  it('prunes on an interval once writing started, and close() stops the timer', async () => {
    const store = createStore({ pruneIntervalMs: 30 });
    await store.set(sessionId(1), record({ live: true }));
    const expired = await plant(`${sessionId(2)}.json`, { data: {}, createdAt: 1, expiresAt: Date.now() - 1 });
    await waitFor(async () => !existsSync(expired));

    await store.close();
    const after = await plant(`${sessionId(3)}.json`, { data: {}, createdAt: 1, expiresAt: Date.now() - 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(after)).toBe(true);
    expect(existsSync(join(dir, `${sessionId(1)}.json`))).toBe(true);
  });

  it('destroyByOwner deletes every record of one owner and counts the live ones', async () => {
    const store = createStore();
    await store.set(sessionId(1), record({}, 60_000, 'alice'));
    await store.set(sessionId(2), record({}, 60_000, 'alice'));
    await plant(`${sessionId(3)}.json`, { data: {}, createdAt: 1, expiresAt: Date.now() - 1, owner: 'alice' });
    await store.set(sessionId(4), record({}, 60_000, 'bob'));
    await store.set(sessionId(5), record({}));
    await plant(`${sessionId(6)}.json`, '{broken');

    expect(await store.destroyByOwner('alice')).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(['owners', `${sessionId(4)}.json`, `${sessionId(5)}.json`, `${sessionId(6)}.json`]);
    expect(await store.destroyByOwner('alice')).toBe(0);
  });

  it('clear deletes every session but leaves held locks and foreign files', async () => {
    const store = createStore();
    for (let n = 1; n <= 20; n += 1) await store.set(sessionId(n), record({ n }));
    const unlock = await store.lock(sessionId(1), { ttlMs: 60_000, waitMs: 0 });
    await plant('notes.txt', 'not ours');

    await store.clear();
    expect((await readdir(dir)).sort()).toEqual(['notes.txt', `${sessionId(1)}.lock`]);
    expect(await store.get(sessionId(2))).toBeUndefined();
    await unlock();
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('keeps working after close (close only stops the timer)', async () => {
    const store = createStore({ pruneIntervalMs: 1_000 });
    await store.set(sessionId(1), record({ a: 1 }));
    await store.close();
    await store.close();
    await store.set(sessionId(2), record({ b: 2 }));
    expect((await store.get(sessionId(2)))?.data).toEqual({ b: 2 });
  });
});

describe('FileStore directory permissions', () => {
  it('refuses to write into a directory other accounts can write to, saying how to fix it, and writes once fixed', async () => {
    const { chmod, mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
    await chmod(dir, 0o777);
    const store = createStore();
    const error = await store.set(sessionId(1), record({ a: 1 })).catch((caught: unknown) => caught);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toContain(`chmod go-w ${dir}`);
    expect(await readdir(dir)).toEqual([]);
    await chmod(dir, 0o700);
    await store.set(sessionId(1), record({ a: 1 }));
    expect((await store.get(sessionId(1)))?.data).toEqual({ a: 1 });
  });
});

describe('FileStore options', () => {
  it('refuses unknown names with the right one', () => {
    expect(() => new FileStore({ path: './x' } as never)).toThrow(/FileStore has no option `path`: the sessions directory is `dir`/);
    expect(() => new FileStore({ dir: './x', fsynch: true } as never)).toThrow(/did you mean `fsync`/);
  });
});
