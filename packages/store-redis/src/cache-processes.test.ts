/**
 * The read cache across real processes: two app processes (`fixtures/store-app.mjs`, each a
 * RedisStore with `cache: true` behind node:http) share one Redis, and every write to one is checked
 * by the next request to the other. Each request is sent only after the previous one answered, as a
 * user's browser does across a load balancer.
 * The children import the built package (`dist/index.js`): build it first (turbo does).
 * `SESS_COHERENCE_OPERATIONS` sets the number of requests (4,000 by default, a few seconds;
 * `SESS_COHERENCE_OPERATIONS=10000 pnpm exec vitest run src/cache-processes.test.ts` for the full run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomStoreId } from '@sess/store-test-suite';
import { REDIS_URL, requireRedis, uniquePrefix } from '@sess/test-servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const operations = Number(process.env.SESS_COHERENCE_OPERATIONS ?? 4000);
const prefix = uniquePrefix('cache-processes');
const children: ChildProcess[] = [];
const ports: number[] = [];

/** One keep-alive-free HTTP request to an app process; resolves with its JSON body. */
function call(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path, method: 'POST' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${response.statusCode} ${body}`))));
    });
    sent.on('error', reject);
    sent.end();
  });
}

function startApp(): Promise<number> {
  const child = spawn(process.execPath, [join(here, 'fixtures', 'store-app.mjs'), REDIS_URL, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port) resolve(Number(port));
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`app exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  await requireRedis();
  // The children run the build, so a missing or stale build would test other code than src/.
  const built = join(here, '..', 'dist', 'index.js');
  if (!existsSync(built)) throw new Error('dist/index.js is missing: run `pnpm --filter @sess/store-redis build` first');
  for (const name of readdirSync(here)) {
    if (name.endsWith('.ts') && !name.endsWith('.test.ts') && statSync(join(here, name)).mtimeMs > statSync(built).mtimeMs) {
      throw new Error(`dist/ is older than src/${name}: run \`pnpm --filter @sess/store-redis build\` again`);
    }
  }
  ports.push(...(await Promise.all([startApp(), startApp()])));
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  const raw = new Redis(REDIS_URL);
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length > 0) await raw.del(...keys);
  await raw.quit();
});

describe('the read cache across two app processes', () => {
  it(`shows every change, destroy and revoke of one process to the next request to the other (${operations} requests)`, { timeout: 120_000 }, async () => {
    // Sessions 0 and 1 belong to owner a, 2 and 3 to owner b.
    const ids = Array.from({ length: 4 }, () => randomStoreId());
    const ownerOf = (index: number) => (index < 2 ? 'a' : 'b');
    const expected: Array<number | null> = [null, null, null, null];
    // A seeded generator (mulberry32): the same sequence every run, so a failure can be replayed.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % 1_000_003) % n;
    };
    const stale: string[] = [];
    let requests = 0;
    let reads = 0;
    let hits = 0;
    const check = async (port: number, index: number, after: string) => {
      const got = (await call(port, `/get/${ids[index]}`)) as { record: { data: { v: number } } | null; cached: boolean };
      requests += 1;
      reads += 1;
      if (got.cached) hits += 1;
      const value = got.record === null ? null : got.record.data.v;
      if (value !== expected[index]) stale.push(`${after}: read ${value} from session ${index}, expected ${expected[index]}`);
    };

    for (let step = 1; requests < operations; step++) {
      const [writer, reader] = step % 2 === 0 ? [ports[0]!, ports[1]!] : [ports[1]!, ports[0]!];
      const index = random(4);
      const kind = random(10);
      let what: string;
      if (kind < 4) {
        await call(writer, `/set/${ids[index]}?v=${step}&owner=${ownerOf(index)}`);
        expected[index] = step;
        what = 'set';
      } else if (kind < 7) {
        await call(writer, `/patch/${ids[index]}?v=${step}`);
        if (expected[index] !== null) expected[index] = step;
        what = 'patch';
      } else if (kind < 8) {
        await call(writer, `/touch/${ids[index]}`);
        what = 'touch';
      } else if (kind < 9) {
        await call(writer, `/destroy/${ids[index]}`);
        expected[index] = null;
        what = 'destroy';
      } else {
        await call(writer, `/revoke/${ownerOf(index)}`);
        for (let other = 0; other < 4; other++) if (ownerOf(other) === ownerOf(index)) expected[other] = null;
        what = 'revoke';
      }
      requests += 1;
      const after = `step ${step} (${what} of session ${index})`;
      await check(reader, index, after);
      await check(reader, (index + 1 + random(3)) % 4, after);
      await check(writer, index, after);
    }

    expect(stale).toEqual([]);
    // The cache really served: the unchanged session read at each step is a hit once both apps saw it.
    expect(hits / reads).toBeGreaterThan(0.25);
    console.log(`${requests} requests, ${reads} reads, ${hits} from the cache, ${stale.length} stale`);
  });
});
