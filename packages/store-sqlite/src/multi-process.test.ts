import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';

// The workers import the built package (dist/index.js), so that these tests run what is published.
const worker = fileURLToPath(new URL('./fixtures/sqlite-worker.mjs', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'sess-sqlite-processes-'));
const hour = 60 * 60 * 1000;
const newId = () => randomUUID().replaceAll('-', '');

beforeAll(() => {
  const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  if (!existsSync(built)) {
    throw new Error(`${built} is missing: run \`pnpm --filter @sess/store-sqlite build\` before these tests`);
  }
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A worker process, with its stdout split into lines as they arrive. */
interface Worker {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  /** Resolves once the worker printed `line`. */
  waitFor(line: string): Promise<void>;
  /** Resolves with the exit code and signal once the process ended and its stdout is drained. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(...args: string[]): Worker {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  let partial = '';
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    // A line without its newline yet is kept for the next chunk (and dropped if the process dies).
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((candidate) => candidate.line === line)) waiter.resolve();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    lines,
    exited,
    waitFor: (line) =>
      new Promise<void>((resolve, reject) => {
        if (lines.includes(line)) return resolve();
        waiters.push({ line, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`worker ${args[0]} ended (code ${code}, signal ${signal}) before printing "${line}": ${errors}`)),
        );
      }),
  };
}

describe('crash safety', () => {
  it('keeps every write a killed process reported as committed, in an intact file', async () => {
    const path = join(folder, 'crash.db');
    const patchedId = newId();
    const writer = startWorker('crash', path, patchedId);
    await writer.waitFor('ready');
    // Let it write for a while, then kill it without warning in the middle of its loop.
    while (writer.lines.filter((line) => line.startsWith('patch ')).length < 400) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    writer.child.kill('SIGKILL');
    expect((await writer.exited).signal).toBe('SIGKILL');

    const reported = writer.lines.filter((line) => line !== 'ready').map((line) => line.split(' '));
    expect(reported.length).toBeGreaterThanOrEqual(800);

    const database = new Database(path);
    try {
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      database.close();
    }
    const store = new SqliteStore({ path, pruneIntervalMs: 0 });
    try {
      const patched = (await store.get(patchedId))!.data;
      let lastPatch = -1;
      for (const [kind, id, counterText] of reported) {
        const counter = Number(counterText);
        if (kind === 'set') {
          expect((await store.get(id!))?.data, `set #${counter}`).toEqual({
            counter,
            nested: { counter, list: [counter, String(counter)] },
          });
        } else {
          expect(id).toBe(patchedId);
          expect(patched[`key_${counter}`], `patch #${counter}`).toEqual({ counter });
          lastPatch = counter;
        }
      }
      // A patch that committed just before the kill may not have been reported yet, never the reverse.
      expect(patched.last).toBeGreaterThanOrEqual(lastPatch);
      expect(patched.start).toBe(true);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('several processes on one file', () => {
  it('keeps every key when processes patch different keys of one session at the same time', async () => {
    const path = join(folder, 'concurrent-patch.db');
    const store = new SqliteStore({ path, pruneIntervalMs: 0 });
    const id = newId();
    const count = 300;
    try {
      await store.set(id, { data: { initial: true }, createdAt: Date.now(), expiresAt: Date.now() + hour });
      const workers = [startWorker('patch', path, id, 'first_', String(count)), startWorker('patch', path, id, 'second_', String(count))];
      await Promise.all(workers.map((started) => started.waitFor('ready')));
      for (const started of workers) started.child.stdin.write('go\n');
      // The parent patches its own keys while both workers run.
      for (let index = 0; index < count; index += 1) {
        await store.patch(id, { set: { [`parent_${index}`]: index }, unset: [] }, Date.now() + hour);
        if (index % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(workers.map((started) => started.waitFor('done')));
      for (const started of workers) expect((await started.exited).code).toBe(0);

      const data = (await store.get(id))!.data;
      expect(data.initial).toBe(true);
      for (const prefix of ['first_', 'second_', 'parent_']) {
        for (let index = 0; index < count; index += 1) expect(data[`${prefix}${index}`], `${prefix}${index}`).toBe(index);
      }
      expect(Object.keys(data)).toHaveLength(3 * count + 1);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('makes read-modify-write safe across processes with lock()', async () => {
    const path = join(folder, 'lock.db');
    const store = new SqliteStore({ path, pruneIntervalMs: 0 });
    const id = newId();
    const count = 40;
    try {
      await store.set(id, { data: { counter: 0 }, createdAt: Date.now(), expiresAt: Date.now() + hour });
      const workers = [startWorker('lock', path, id, String(count)), startWorker('lock', path, id, String(count))];
      await Promise.all(workers.map((started) => started.waitFor('ready')));
      for (const started of workers) started.child.stdin.write('go\n');
      await Promise.all(workers.map((started) => started.waitFor('done')));
      for (const started of workers) expect((await started.exited).code).toBe(0);
      expect((await store.get(id))?.data).toEqual({ counter: 2 * count });
    } finally {
      await store.close();
    }
  }, 60_000);
});
