/**
 * `node dist/invalidation-lag.js`: how long after a writer's acknowledgement another connection of
 * the same process receives the news of the write, for the two ways a read cache could be told:
 * Redis's tracking invalidations (RESP2, on `__redis__:invalidate`, as `@sess/store-redis`'s `cache`
 * option uses) and PostgreSQL's `LISTEN`/`NOTIFY`. Measured from the acknowledgement to the listener's
 * callback, `BENCH_WRITES` writes one after the other. The README's "Why no PostgreSQL read cache"
 * reads these numbers.
 */
import pg from 'pg';
import { Redis } from 'ioredis';

const WRITES = Number(process.env.BENCH_WRITES ?? 2000);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9';
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const KEY = `sess-bench:lag:${process.pid}`;

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!.toFixed(3);

/** Runs `write` WRITES times, each after `before`; the listener calls `heard.next` when it hears of the write. */
async function measure(name: string, before: () => Promise<unknown>, write: () => Promise<unknown>, heard: { next?: () => void }): Promise<void> {
  const lags: number[] = [];
  let early = 0;
  for (let index = 0; index < WRITES; index++) {
    await before();
    let at: bigint | undefined;
    const arrived = new Promise<void>((resolve) => (heard.next = () => ((at = process.hrtime.bigint()), resolve())));
    await write();
    const acknowledged = process.hrtime.bigint();
    if (at !== undefined) early++;
    await arrived;
    lags.push(at! > acknowledged ? Number(at! - acknowledged) / 1e6 : 0);
  }
  console.log(`| ${name} | ${early} of ${WRITES} | ${quantile(lags, 0.5)} ms | ${quantile(lags, 0.99)} ms | ${quantile(lags, 1)} ms |`);
}

console.log('| news of a write | heard before the ack | lag after the ack, p50 | p99 | max |');
console.log('| --- | --: | --: | --: | --: |');

const reader = new Redis(REDIS_URL, { protocol: 2 } as never);
const listener = new Redis(REDIS_URL, { protocol: 2 } as never);
const writer = new Redis(REDIS_URL);
const redisHeard: { next?: () => void } = {};
const id = await listener.client('ID');
await listener.subscribe('__redis__:invalidate');
listener.on('messageBuffer', () => redisHeard.next?.());
await reader.client('TRACKING', 'on', 'REDIRECT', String(id));
// Each write follows a read of the key by the tracked connection, as a cache miss does.
await measure('Redis tracking invalidation', () => reader.get(KEY), () => writer.set(KEY, 'x'), redisHeard);
await writer.del(KEY);
reader.disconnect();
listener.disconnect();
writer.disconnect();

const pgListener = new pg.Client({ connectionString: DATABASE_URL });
const pgWriter = new pg.Client({ connectionString: DATABASE_URL });
await Promise.all([pgListener.connect(), pgWriter.connect()]);
const pgHeard: { next?: () => void } = {};
await pgListener.query('LISTEN sess_bench_lag');
pgListener.on('notification', () => pgHeard.next?.());
await measure('PostgreSQL NOTIFY', async () => undefined, () => pgWriter.query("SELECT pg_notify('sess_bench_lag', 'k')"), pgHeard);
await Promise.all([pgListener.end(), pgWriter.end()]);
