/**
 * Store outages under load. The Express sample app runs on Redis (a redis-server this test owns,
 * with an fsynced append-only file), PostgreSQL and MariaDB (behind a TCP proxy this test owns)
 * while a steady load of readers and writers hits it. The store is then frozen (nothing answers)
 * and later killed or cut (connections drop, new ones are refused). Throughout: every request
 * answers 200 or a 503 JSON error within 2 s, the process stays up, and once the store is back the
 * same process serves again; every session saved before the outages still holds its exact data.
 */
import { RedisServer, START_COMMANDS, TcpProxy } from '@sess/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { DemoProcess } from './demo-process.js';
import { requireServer, SERVER_URLS, serverAddress, sleep, type Backend } from './servers.js';
import { Visitor, type Answer, type SessionView } from './visitor.js';

/** The contract's limit for a request that needs a store that is down. */
const ANSWER_LIMIT_MS = 2000;
const SAVED_SESSIONS = 12;
const READERS = 6;
const WRITERS = 6;
const LOAD_MS = 1500;
const OUTAGE_MS = 3500;
/** Upper bound on each worker's requests: the load loop is bounded even if a stop is missed. */
const MAX_REQUESTS_PER_WORKER = 20_000;

/** A store server the test can take away in two ways and bring back. */
interface Outages {
  environment: Record<string, string>;
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  takeDown(): Promise<void>;
  bringBack(): Promise<void>;
  close(): Promise<void>;
}

async function redisOutages(): Promise<Outages> {
  const server = await RedisServer.start({ appendOnly: true });
  return {
    environment: { SESSION_STORE: 'redis', REDIS_URL: server.url },
    freeze: async () => server.freeze(),
    thaw: async () => server.thaw(),
    takeDown: () => server.kill(),
    bringBack: () => server.restart(),
    close: () => server.close(),
  };
}

async function proxiedOutages(backend: 'postgres' | 'mysql'): Promise<Outages> {
  await requireServer(backend);
  const proxy = new TcpProxy(serverAddress(backend));
  await proxy.start();
  const url = new URL(SERVER_URLS[backend]);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return {
    environment: { SESSION_STORE: backend, DATABASE_URL: url.toString() },
    freeze: () => proxy.freeze(),
    thaw: () => proxy.restore(),
    takeDown: () => proxy.cut(),
    bringBack: () => proxy.restore(),
    close: () => proxy.close(),
  };
}

/** One answer of the load: when it was sent and answered (epoch ms), and by which worker. */
interface Sample extends Answer {
  startedAt: number;
  endedAt: number;
  worker: string;
}

/** The samples sent and answered entirely between `from` and `to`. */
const within = (samples: Sample[], from: number, to: number) => samples.filter((sample) => sample.startedAt >= from && sample.endedAt <= to);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each<Backend>(['redis', 'postgres', 'mysql'])('%s outage under load', (backend) => {
  it('answers every request within 2 s, stays up, serves again afterwards and keeps every saved session', { timeout: 90_000 }, async () => {
    const outages = backend === 'redis' ? await redisOutages() : await proxiedOutages(backend);
    cleanups.push(() => outages.close());
    const app = await DemoProcess.start({ environment: outages.environment, hint: `Start ${backend} with: ${START_COMMANDS[backend]}` });
    cleanups.push(() => app.stop());
    const pid = app.pid;

    // Sessions saved before any outage, each with its own count and cart.
    const saved: Array<{ visitor: Visitor; expected: SessionView }> = [];
    for (let index = 0; index < SAVED_SESSIONS; index += 1) {
      const visitor = new Visitor(app.url);
      const item = `saved-${backend}-${index}`;
      expect((await visitor.request('POST', '/api/cart', { item })).status).toBe(200);
      for (let count = 0; count <= index % 3; count += 1) expect((await visitor.request('POST', '/api/counter')).status).toBe(200);
      saved.push({ visitor, expected: { user: null, count: (index % 3) + 1, cart: [item] } });
    }

    let stopped = false;
    const samples: Sample[] = [];
    const problems: string[] = [];

    // Readers re-read the saved sessions: a 200 must show their exact data, never an empty session.
    const reader = async (worker: number) => {
      for (let request = 0; !stopped && request < MAX_REQUESTS_PER_WORKER; request += 1) {
        const { visitor, expected } = saved[(worker + request) % saved.length]!;
        const startedAt = Date.now();
        const answer = await visitor.request('GET', '/api/session');
        samples.push({ ...answer, startedAt, endedAt: Date.now(), worker: `reader ${worker}` });
        if (answer.status === 200 && JSON.stringify(answer.body) !== JSON.stringify(expected)) {
          problems.push(`reader ${worker}: ${JSON.stringify(answer.body)} instead of ${JSON.stringify(expected)}`);
        }
      }
    };
    // Writers increment their own session: a count never goes back, nor beyond what was attempted.
    const writerCounts: Array<{ confirmed: number; attempted: number; visitor: Visitor }> = [];
    const writer = async (worker: number) => {
      const state = { confirmed: 0, attempted: 0, visitor: new Visitor(app.url) };
      writerCounts.push(state);
      for (let request = 0; !stopped && request < MAX_REQUESTS_PER_WORKER; request += 1) {
        const startedAt = Date.now();
        state.attempted += 1;
        const answer = await state.visitor.request('POST', '/api/counter');
        samples.push({ ...answer, startedAt, endedAt: Date.now(), worker: `writer ${worker}` });
        if (answer.status !== 200) continue;
        const { count } = answer.body as { count: number };
        if (count <= state.confirmed || count > state.attempted) {
          problems.push(`writer ${worker}: count ${count} after ${state.confirmed} confirmed of ${state.attempted} attempted`);
        }
        state.confirmed = count;
      }
    };
    const load = Promise.all([
      ...Array.from({ length: READERS }, (_, worker) => reader(worker)),
      ...Array.from({ length: WRITERS }, (_, worker) => writer(worker)),
    ]);

    /** Waits until a read of a saved session answers 200 again, up to 20 s. */
    const waitForRecovery = async (label: string) => {
      const probe = saved[0]!.visitor;
      const deadline = Date.now() + 20_000;
      let last: Answer | undefined;
      for (;;) {
        last = await probe.request('GET', '/api/session');
        if (last.status === 200) return;
        if (Date.now() > deadline) {
          throw new Error(`${backend}: no 200 within 20 s after the ${label} ended; last answer ${JSON.stringify(last)}\n${app.output().slice(-3000)}`);
        }
        await sleep(100);
      }
    };

    try {
      const rounds = [
        ['freeze', outages.freeze, outages.thaw],
        ['crash', outages.takeDown, outages.bringBack],
      ] as const;
      for (const [label, takeAway, bringBack] of rounds) {
        const roundStart = Date.now();
        await sleep(LOAD_MS);
        const outageStart = Date.now();
        await takeAway();
        await sleep(OUTAGE_MS / 2);
        const health = await new Visitor(app.url).request('GET', '/healthz');
        expect(health.status, `${label}: /healthz during the outage`).toBe(503);
        expect(health.durationMs).toBeLessThan(ANSWER_LIMIT_MS);
        await sleep(OUTAGE_MS / 2);
        const outageEnd = Date.now();
        await bringBack();
        await waitForRecovery(label);
        const recovered = Date.now();
        await sleep(LOAD_MS);
        const roundEnd = Date.now();

        const failedBefore = within(samples, roundStart, outageStart).filter((sample) => sample.status !== 200);
        expect(failedBefore.map((sample) => `${sample.worker}: ${sample.status}`), `${label}: every request before the outage succeeds`).toEqual([]);
        const outage = within(samples, outageStart, outageEnd);
        expect(outage.filter((sample) => sample.status === 503).length, `${label}: the outage was felt`).toBeGreaterThan(0);
        const after = within(samples, recovered, roundEnd);
        expect(after.length).toBeGreaterThan(0);
        expect(
          after.filter((sample) => sample.status !== 200).map((sample) => `${sample.worker}: ${sample.status} ${JSON.stringify(sample.body)}`),
          `${label}: every request after recovery succeeds`,
        ).toEqual([]);
        expect(app.alive, `${label}: the app is still running`).toBe(true);
        expect(app.pid).toBe(pid);
        const slowestInOutage = Math.round(Math.max(...outage.map((sample) => sample.durationMs)));
        console.info(
          `[${backend}] ${label}: ${outage.length} requests during the outage, ${outage.filter((sample) => sample.status === 503).length} answered 503 ` +
            `(slowest ${slowestInOutage} ms); serving again ${recovered - outageEnd} ms after the store came back`,
        );
      }
    } finally {
      stopped = true;
      await load;
    }

    // Every answer, in every phase: 200, or a 503 JSON error; all within the limit.
    const isJsonError = (sample: Sample) =>
      sample.contentType.includes('application/json') && typeof (sample.body as { error?: unknown }).error === 'string';
    const wrong = samples.filter((sample) => !(sample.status === 200 || (sample.status === 503 && isJsonError(sample))));
    expect(wrong.map((sample) => `${sample.worker}: ${sample.status} ${JSON.stringify(sample.body)}`)).toEqual([]);
    const slowest = Math.max(...samples.map((sample) => sample.durationMs));
    expect(slowest, 'slowest answer, ms').toBeLessThan(ANSWER_LIMIT_MS);
    expect(problems).toEqual([]);
    expect(samples.filter((sample) => sample.status === 503).length).toBeGreaterThan(0);

    // Every session saved before the outages still holds its exact data, in the same process.
    for (const { visitor, expected } of saved) {
      const answer = await visitor.request('GET', '/api/session');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(expected);
    }
    // And every writer's last confirmed increment is kept.
    for (const { confirmed, attempted, visitor } of writerCounts) {
      const answer = await visitor.request('GET', '/api/session');
      expect(answer.status).toBe(200);
      const { count } = answer.body as SessionView;
      expect(count).toBeGreaterThanOrEqual(confirmed);
      expect(count).toBeLessThanOrEqual(attempted);
    }
    expect(app.alive).toBe(true);
    console.info(
      `[${backend}] ${samples.length} requests: ${samples.filter((sample) => sample.status === 503).length} answered 503, slowest ${Math.round(slowest)} ms`,
    );
  });
});
