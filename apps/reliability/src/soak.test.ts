/**
 * Soak: the Express sample app on Redis (a redis-server this test owns) serves a long, bounded run
 * of requests over loopback with keep-alive and several concurrent clients: reads, increments, page
 * renders, flash messages, carts, and whole visits that log in and out (new sessions created and
 * destroyed all along). Heap after a full GC (measured by a preloaded probe, see heap-probe.mjs),
 * resident memory (/proc/<pid>/status) and open file descriptors (/proc/<pid>/fd) are sampled; after
 * warm-up they must stay within fixed bounds, and every request must succeed.
 *
 * CI runs 20,000 requests; `pnpm --filter reliability soak` runs 200,000 (`SOAK_REQUESTS`).
 */
import { fileURLToPath } from 'node:url';
import { RedisServer } from '@sess/test-servers';
import { afterAll, describe, expect, it } from 'vitest';
import { DemoProcess } from './demo-process.js';
import { sleep } from './servers.js';
import { Visitor, type Answer } from './visitor.js';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 20_000);
const CONCURRENCY = 16;
const SAMPLES = 20;
/** The first quarter of the run fills caches, pools and JIT code: growth is measured after it. */
const WARM_UP_SHARE = 0.25;
/** Most the heap after GC may grow from the end of warm-up to the end of the run. */
const HEAP_BOUND_BYTES = 2 * 1024 * 1024;
/** Most resident memory may grow over the same span (allocator noise included). */
const RSS_BOUND_BYTES = 48 * 1024 * 1024;
/** Most open file descriptors may grow: a leaked socket or file per visit would exceed it at once. */
const FD_BOUND = 8;

const HEAP_PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url));
const PROBE_LINE = /\[heap-probe\] heap-after-gc (\d+)/g;

/** One measurement of the app process. */
interface Measurement {
  requests: number;
  heapAfterGc: number;
  rss: number;
  fds: number;
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs a full GC in the app (SIGUSR2 to the preloaded probe) and reads its heap, RSS and fds. */
async function measure(app: DemoProcess, requests: number): Promise<Measurement> {
  const before = [...app.output().matchAll(PROBE_LINE)].length;
  app.signal('SIGUSR2');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = [...app.output().matchAll(PROBE_LINE)];
    if (lines.length > before) {
      return { requests, heapAfterGc: Number(lines.at(-1)![1]), rss: app.rss(), fds: app.openFileDescriptors() };
    }
    if (Date.now() > deadline) throw new Error(`the heap probe did not answer within 10 s\n${app.output().slice(-2000)}`);
    await sleep(10);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe('soak on Redis', () => {
  it(`serves ${REQUESTS} requests with flat heap, memory and file descriptors`, { timeout: 120_000 + REQUESTS * 5 }, async () => {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.close());
    const app = await DemoProcess.start({
      environment: { SESSION_STORE: 'redis', REDIS_URL: redis.url },
      nodeArguments: ['--expose-gc', '--import', HEAP_PROBE],
    });
    cleanups.push(() => app.stop());

    let sent = 0;
    const failures: string[] = [];
    const check = (what: string, answer: Answer, status = 200) => {
      if (answer.status !== status && failures.length < 20) failures.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    };
    /** Claims the next request of the run; false once the bound is reached. */
    const claim = (count: number) => {
      if (sent + count > REQUESTS) return false;
      sent += count;
      return true;
    };

    // A client that keeps one session for most of its requests and, every 40th round, makes a whole
    // visit of a new user who logs in and out (a session created, regenerated and destroyed).
    const client = async (worker: number) => {
      const regular = new Visitor(app.url);
      for (let round = 0; ; round += 1) {
        if (round % 40 === 39) {
          if (!claim(5)) return;
          const visit = new Visitor(app.url);
          check('login', await visit.request('POST', '/login', { username: `soak-${worker}-${round}` }));
          check('add to cart', await visit.request('POST', '/api/cart', { item: 'apple' }));
          check('page', await visit.request('GET', '/'));
          check('read', await visit.request('GET', '/api/session'));
          check('logout', await visit.request('POST', '/logout'));
          continue;
        }
        if (!claim(1)) return;
        switch (round % 8) {
          case 0:
          case 1:
          case 2:
            check('read', await regular.request('GET', '/api/session'));
            break;
          case 3:
          case 4:
            check('increment', await regular.request('POST', '/api/counter'));
            break;
          case 5:
            check('queue flash', await regular.request('POST', '/api/flash', { message: `round ${round}` }));
            break;
          case 6:
            check('page', await regular.request('GET', '/'));
            break;
          default:
            // Alternately adds an item and empties the cart, so that the session stays small.
            if (round % 16 === 7) check('add to cart', await regular.request('POST', '/api/cart', { item: `item ${round}` }));
            else check('clear cart', await regular.request('DELETE', '/api/cart'));
        }
      }
    };

    const measurements: Measurement[] = [await measure(app, 0)];
    const started = performance.now();
    const load = Promise.all(Array.from({ length: CONCURRENCY }, (_, worker) => client(worker)));
    let finished = false;
    void load.finally(() => (finished = true));
    for (let next = 1; next < SAMPLES && !finished; next += 1) {
      while (sent < (REQUESTS * next) / SAMPLES && !finished) await sleep(20);
      measurements.push(await measure(app, sent));
    }
    await load;
    const seconds = (performance.now() - started) / 1000;
    measurements.push(await measure(app, sent));

    expect(sent).toBe(REQUESTS);
    expect(failures).toEqual([]);
    expect(app.alive).toBe(true);

    const afterWarmUp = measurements.filter((measurement) => measurement.requests >= REQUESTS * WARM_UP_SHARE);
    const first = afterWarmUp.slice(0, 3);
    const last = afterWarmUp.slice(-3);
    const growth = (pick: (measurement: Measurement) => number) => median(last.map(pick)) - median(first.map(pick));
    const heapGrowth = growth((measurement) => measurement.heapAfterGc);
    const rssGrowth = growth((measurement) => measurement.rss);
    const fdGrowth = growth((measurement) => measurement.fds);

    const table = measurements
      .map(({ requests, heapAfterGc, rss, fds }) =>
        [String(requests).padStart(8), megabytes(heapAfterGc).padStart(9), megabytes(rss).padStart(9), String(fds).padStart(4)].join('  '),
      )
      .join('\n');
    console.info(
      `soak: ${REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round(REQUESTS / seconds)} requests/s, ${CONCURRENCY} clients)\n` +
        `requests  heap/GC        RSS   fds\n${table}\n` +
        `after warm-up: heap after GC ${megabytes(heapGrowth)} (bound ${megabytes(HEAP_BOUND_BYTES)}), ` +
        `RSS ${megabytes(rssGrowth)} (bound ${megabytes(RSS_BOUND_BYTES)}), fds ${fdGrowth} (bound ${FD_BOUND})`,
    );

    expect(heapGrowth, 'heap after GC growth after warm-up, bytes').toBeLessThanOrEqual(HEAP_BOUND_BYTES);
    expect(rssGrowth, 'RSS growth after warm-up, bytes').toBeLessThanOrEqual(RSS_BOUND_BYTES);
    expect(fdGrowth, 'open file descriptor growth after warm-up').toBeLessThanOrEqual(FD_BOUND);
  });
});
