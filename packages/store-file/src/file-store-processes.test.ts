/**
 * Several real processes on one directory: a writer killed with SIGKILL mid-write, concurrent
 * patches from child processes, and a process that must exit although its prune timer is set.
 * The children import the built package (`dist/index.js`): build it first (turbo does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from './file-store.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => join(here, 'fixtures', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const children = new Set<ChildProcess>();
let sandbox: string;

beforeAll(async () => {
  sandbox = await mkdtemp(join(tmpdir(), 'sess-store-file-processes-'));
  // The children run the build, so a missing or stale build would test other code than src/.
  const built = await stat(join(here, '..', 'dist', 'index.js')).catch(() => undefined);
  if (!built) throw new Error('dist/index.js is missing: run `pnpm --filter @sess/store-file build` before these tests');
  for (const name of await readdir(here)) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    if ((await stat(join(here, name))).mtimeMs > built.mtimeMs) {
      throw new Error(`dist/ is older than src/${name}: run \`pnpm --filter @sess/store-file build\` again`);
    }
  }
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(sandbox, { recursive: true, force: true });
});

/** Starts `node <fixture> ...args`, collecting its output. */
function start(name: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [fixture(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Resolves once the child printed `line`; rejects with its output if it exits first. */
function waitForLine(started: ReturnType<typeof start>, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (started.output().split('\n').includes(line)) {
        started.child.stdout?.off('data', check);
        resolve();
      }
    };
    started.child.stdout?.on('data', check);
    started.child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${line}":\n${started.output()}`)));
    check();
  });
}

/** The exit code of the child, once it exits. */
function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('FileStore across processes', () => {
  it('leaves only complete session files when a writer is killed with SIGKILL mid-write', { timeout: 60_000 }, async () => {
    const dir = join(sandbox, 'killed');
    // The same lockStaleMs as the writer: processes sharing a directory should agree on it.
    const store = new FileStore({ dir, pruneIntervalMs: 0, lockStaleMs: 500 });
    const ids = Array.from({ length: 40 }, (_, n) => `killed-writer-${String(n).padStart(4, '0')}`);

    for (const delayMs of [0, 7, 23, 51, 97]) {
      const writer = start('session-writer.mjs', [dir]);
      await waitForLine(writer, 'ready');
      await sleep(delayMs);
      writer.child.kill('SIGKILL');
      await exitCode(writer.child);

      const names = await readdir(dir);
      for (const name of names) {
        if (name.endsWith('.json')) {
          // Every session file parses, whatever instant the writer died at...
          const content = JSON.parse(await readFile(join(dir, name), 'utf8'));
          expect(content).toEqual({
            data: expect.objectContaining({ n: expect.any(Number), round: expect.any(Number) }),
            createdAt: expect.any(Number),
            expiresAt: expect.any(Number),
          });
        } else {
          // ...and anything else is a temporary file, or a lock (or lock-break guard) the writer held.
          expect(name).toMatch(/^killed-writer-\d{4}\.(json\.[0-9a-f]{16}\.tmp|write\.lock|write\.lock\.break)$/);
        }
      }
      expect(names.filter((name) => name.endsWith('.json')).sort()).toEqual(ids.map((id) => `${id}.json`));
      // get ignores leftovers: every session reads back.
      for (const [n, id] of ids.entries()) expect((await store.get(id))?.data.n).toBe(n);
    }

    // prune keeps young temporary files (a live writer may be about to rename them)...
    const temporaries = (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
    await store.prune();
    for (const name of temporaries) expect((await readdir(dir)).includes(name)).toBe(true);
    // ...and deletes them once old, along with the writer's abandoned locks.
    const old = new Date(Date.now() - 3_600_000);
    for (const name of temporaries) await utimes(join(dir, name), old, old);
    await sleep(600); // the writer's locks and guards are abandoned after lockStaleMs (500 ms)
    expect(await store.prune()).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(ids.map((id) => `${id}.json`));

    for (const id of ids) await store.patch(id, { set: { after: true }, unset: [] }, Date.now() + 60_000);
    for (const id of ids) expect((await store.get(id))?.data.after).toBe(true);
    await store.close();
  });

  it('loses no key when two processes and this one patch the same session at once', { timeout: 60_000 }, async () => {
    const dir = join(sandbox, 'patched');
    const id = 'patched-session-0001';
    const first = new FileStore({ dir, pruneIntervalMs: 0, lockWaitMs: 30_000 });
    const second = new FileStore({ dir, pruneIntervalMs: 0, lockWaitMs: 30_000 });
    const now = Date.now();
    await first.set(id, { data: { base: true }, createdAt: now, expiresAt: now + 3_600_000 });

    const count = 40;
    const patchers = ['child-a', 'child-b'].map((prefix) => start('session-patcher.mjs', [dir, id, prefix, String(count)]));
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        Promise.all([
          first.patch(id, { set: { [`parent-a-${i}`]: i }, unset: [] }, now + 3_600_000),
          second.patch(id, { set: { [`parent-b-${i}`]: i }, unset: [] }, now + 3_600_000),
        ]),
      ),
    );
    for (const patcher of patchers) {
      expect(await exitCode(patcher.child), patcher.output()).toBe(0);
      expect(patcher.output()).toContain('done');
    }

    const data = (await first.get(id))?.data ?? {};
    const expected: Record<string, unknown> = { base: true };
    for (const prefix of ['child-a', 'child-b', 'parent-a', 'parent-b']) {
      for (let i = 0; i < count; i += 1) expected[`${prefix}-${i}`] = i;
    }
    expect(data).toEqual(expected);
    expect(await readdir(dir)).toEqual([`${id}.json`]);
    await Promise.all([first.close(), second.close()]);
  });

  it('does not keep a process alive with its prune timer', { timeout: 30_000 }, async () => {
    const dir = join(sandbox, 'idle');
    const idle = start('idle-store.mjs', [dir]);
    // Without unref() the 60 s timer would hold the process and this test would time out.
    expect(await exitCode(idle.child), idle.output()).toBe(0);
    expect(idle.output()).toBe('written\n');
    expect(await readdir(dir)).toEqual(['idle-store-session-0001.json']);
  });
});
