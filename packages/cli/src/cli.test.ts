/**
 * The built `sess` executable, spawned as an operator runs it, against the real servers: PostgreSQL,
 * MySQL/MariaDB, Redis, and SQLite and file stores in a temporary folder.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSessions, type Session, type SessionResponse, type Store } from '@sess/core';
import { FileStore } from '@sess/store-file';
import { MysqlStore, mysqlSchema } from '@sess/store-mysql';
import { PostgresStore, postgresSchema } from '@sess/store-postgres';
import { RedisStore } from '@sess/store-redis';
import { SqliteStore, sessionTableSchema } from '@sess/store-sqlite';
import { REDIS_URL, requireRedis, uniquePrefix } from '@sess/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const SECRET = 'the cli test secret: long enough to sign cookies';
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `sess` with `args`; never rejects. */
function sess(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const folder = mkdtempSync(join(tmpdir(), 'sess-cli-'));
const suffix = Math.random().toString(36).slice(2, 10);
const table = `sess_cli_${suffix}`;

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm --filter @sess/cli build\` first`);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('sess, called wrongly', () => {
  it('lists the commands with --help (and with no arguments)', async () => {
    for (const args of [['--help'], ['-h'], []]) {
      const run = await sess(args);
      expect(run.code).toBe(0);
      for (const command of ['prune', 'stats', 'list', 'revoke', 'schema']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it.each([
    [['frobnicate', '--store', 'file:/tmp/x'], /unknown command "frobnicate"/],
    [['stats'], /--store URL is required/],
    [['stats', '--store', 'mongodb://localhost'], /is not a store URL; use one of/],
    [['stats', '--store', 'file:'], /names no folder/],
    [['list', '--store', 'file:/tmp/x'], /list needs --owner NAME/],
    [['stats', '--store', 'file:/tmp/x', '--owner', 'ada'], /stats takes no --owner/],
    [['stats', '--store', 'file:/tmp/x', '--colour'], /Unknown option '--colour'/],
    [['stats', '--store', 'file:/tmp/x', '--prefix', 'a:'], /--prefix is for Redis stores only/],
    [['schema', '--store', 'redis://127.0.0.1:6379'], /redis stores need no schema/],
    [['list', '--store', 'file:/tmp/x', '--owner', 'ada'], /set SESSION_SECRET/],
    [['list', '--store', 'sqlite:/tmp/x.db', '--owner', 'x'.repeat(300)], /an owner is a string of 1 to 255 characters/],
  ])('refuses %j with exit code 2 and a clear message', async (args, message) => {
    const run = await sess(args, args[0] === 'list' && args[4] !== 'ada' ? { SESSION_SECRET: SECRET } : {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a secret too short to be the app’s with exit code 2', async () => {
    const run = await sess(['list', '--store', `sqlite:${join(folder, 'none.db')}`, '--owner', 'ada'], { SESSION_SECRET: 'short' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('shorter than 32 bytes');
  });

  it('exits 1 with the store’s reason when the store does not answer', async () => {
    const run = await sess(['prune', '--store', 'postgres://postgres@127.0.0.1:1/test']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^sess: prune failed: \[postgres\]/);
  });
});

/** A response that keeps the cookie the session set. */
class Response implements SessionResponse {
  readonly headers = new Map<string, string>();
  cookie = '';
  getHeader(name: string) {
    return this.headers.get(name.toLowerCase());
  }
  setHeader(name: string, value: string) {
    this.headers.set(name.toLowerCase(), value);
  }
  appendHeader(name: string, value: string) {
    if (name.toLowerCase() === 'set-cookie') this.cookie = value.slice(0, value.indexOf(';'));
  }
}

/** Logs `owner` in from a browser with `userAgent`; returns the cookie (name=value). */
async function login(store: Store, owner: string, userAgent: string): Promise<string> {
  const sessions = createSessions({ store, secret: SECRET });
  const session: Session = await sessions.open({ cookie: undefined, userAgent });
  session.set('user', owner);
  session.owner = owner;
  const response = new Response();
  await sessions.save(session, response);
  return response.cookie;
}

interface Case {
  name: string;
  url: string;
  extra: string[];
  create: () => Store | Promise<Store>;
  schema?: string;
  prunes: boolean;
}

const CASES: Case[] = [
  { name: 'postgres', url: POSTGRES_URL, extra: ['--table', table], create: () => new PostgresStore({ url: POSTGRES_URL, tableName: table, pruneIntervalMs: 0 }), schema: postgresSchema(table), prunes: true },
  { name: 'mysql', url: MYSQL_URL, extra: ['--table', table], create: () => new MysqlStore({ url: MYSQL_URL, tableName: table, pruneIntervalMs: 0 }), schema: mysqlSchema(table), prunes: true },
  {
    name: 'redis',
    url: REDIS_URL,
    extra: ['--prefix', `${uniquePrefix('cli')}`],
    create: async () => {
      await requireRedis();
      return new RedisStore({ url: REDIS_URL, prefix: CASES[2]!.extra[1]! });
    },
    prunes: false,
  },
  { name: 'sqlite', url: `sqlite:${join(folder, 'sessions.db')}`, extra: [], create: () => new SqliteStore({ path: join(folder, 'sessions.db'), pruneIntervalMs: 0 }), schema: sessionTableSchema(), prunes: true },
  { name: 'file', url: `file:${join(folder, 'sessions')}`, extra: [], create: () => new FileStore({ dir: join(folder, 'sessions'), pruneIntervalMs: 0 }), prunes: true },
];

describe.each(CASES)('sess on $name', (testCase) => {
  let store: Store;
  const env = { SESSION_SECRET: SECRET };
  const args = (command: string, ...rest: string[]) => [command, '--store', testCase.url, ...testCase.extra, ...rest];

  beforeAll(async () => {
    store = await testCase.create();
  });
  afterAll(async () => {
    await store.clear?.();
    if (testCase.name === 'postgres' || testCase.name === 'mysql') {
      const drop = testCase.name === 'postgres' ? `DROP TABLE IF EXISTS "${table}"` : `DROP TABLE IF EXISTS \`${table}\``;
      if (testCase.name === 'postgres') {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(drop);
        await client.end();
      } else {
        const { createConnection } = await import('mysql2/promise');
        const connection = await createConnection({ uri: MYSQL_URL });
        await connection.query(drop);
        await connection.end();
      }
    }
    await store.close?.();
  });

  it('counts, lists, revokes one and then all of a user’s sessions, and never prints an ID', async () => {
    const cookies = [await login(store, 'ada', FIREFOX)];
    await new Promise((resolve) => setTimeout(resolve, 5));
    cookies.push(await login(store, 'ada', IPHONE), await login(store, 'grace', FIREFOX));
    const storeIds = (await store.listByOwner!('ada')).map(({ id }) => id);
    expect(storeIds).toHaveLength(2);

    const stats = await sess(args('stats', '--json'));
    expect(stats.stderr).toBe('');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toEqual({ store: testCase.name, live: 3 });

    const list = await sess(args('list', '--owner', 'ada'), env);
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('Safari on iPhone');
    expect(lines[1]).toContain('Firefox on Linux');
    const printed = list.stdout + list.stderr;
    for (const id of storeIds) expect(printed).not.toContain(id);
    for (const cookie of cookies) expect(printed).not.toContain(cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf('.')));

    const handle = lines[1]!.split(/\s+/)[0]!;
    const wrong = await sess(args('revoke', '--owner', 'grace', '--handle', handle), env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('grace has no live session with that handle');
    const one = await sess(args('revoke', '--owner', 'ada', '--handle', handle), env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe('ended 1 session of ada\n');
    expect((await store.listByOwner!('ada')).map(({ record }) => record.data.__device)).toEqual([{ label: 'Safari on iPhone' }]);

    const all = await sess(args('revoke', '--owner', 'ada'));
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toBe('ended 1 session of ada\n');
    expect(await store.listByOwner!('ada')).toEqual([]);
    expect(await store.listByOwner!('grace')).toHaveLength(1);
    expect((await sess(args('list', '--owner', 'ada'), env)).stdout).toBe('ada has no live session\n');
  });

  it(testCase.prunes ? 'prunes expired sessions and keeps live ones' : 'says there is nothing to prune', async () => {
    const id = 'cli-expiring-session-0001';
    await store.set(id, { data: { n: 1 }, createdAt: Date.now(), expiresAt: Date.now() + 200 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const run = await sess(args('prune'));
    expect(run.code, run.stderr).toBe(0);
    if (testCase.prunes) expect(run.stdout).toMatch(/^pruned [1-9]\d* expired sessions?\n$/);
    else expect(run.stdout).toBe('redis expires sessions by itself: nothing to prune\n');
    expect(await store.listByOwner!('grace')).toHaveLength(1);
  });

  if (testCase.schema !== undefined) {
    it('prints the SQL of the store’s table, as the store package makes it', async () => {
      const run = await sess(args('schema'));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(testCase.schema);
    });
  }
});
