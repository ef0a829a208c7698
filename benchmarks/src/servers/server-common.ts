/**
 * What every benchmark server shares: the counters of store round trips, the wrappers that count
 * them, and the start-up handshake with the runner (over the IPC channel of the child process).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Store round trips made since the server started, by operation (`store.get`, `redis.evalsha`...). */
const counters: Record<string, number> = {};

/** Counts one round trip of kind `operation`. */
export function count(operation: string): void {
  counters[operation] = (counters[operation] ?? 0) + 1;
}

/** The secret every target signs or encrypts with (≥ 32 bytes, as each library asks). */
export const SECRET = 'benchmark-secret-that-is-long-enough-0123456789';

/** Idle timeout of every target's sessions, in seconds: the same for all so that no one does less work. */
export const IDLE_SECONDS = 1800;

/** Redis URL of the benches: their own database index, so that nothing else's keys are near. */
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/9';

/** Every Redis key a bench writes starts with this, and the runner deletes only keys under it. */
export const REDIS_PREFIX = process.env.BENCH_REDIS_PREFIX ?? 'sess-bench:';

/** Methods of a sess `Store` (and of express-session's) that reach the backing store. */
export const STORE_METHODS = ['get', 'set', 'patch', 'touch', 'destroy', 'lock'] as const;

/** Methods of a hono-sessions store that reach the backing store. */
export const HONO_SESSIONS_METHODS = ['getSessionById', 'createSession', 'persistSessionData', 'deleteSession'] as const;

/**
 * Wraps the store-facing `methods` of `store` (those it has: optional methods stay absent, so
 * capability checks see the same object) in counters named `store.<method>`.
 */
export function countingStore<S extends object>(store: S, methods: readonly string[] = STORE_METHODS): S {
  const target = store as Record<string, unknown>;
  // A store's synchronous methods (`Store.sync`, MemoryStore's) are round trips of the same kinds.
  if (typeof target.sync === 'object' && target.sync !== null) countingStore(target.sync, methods);
  for (const method of methods) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    const name = `store.${method}`;
    target[method] = function (this: unknown, ...args: unknown[]) {
      count(name);
      return (original as (...rest: unknown[]) => unknown).apply(this, args);
    };
  }
  return store;
}

/** Counts every command an ioredis client sends (scripts included) as `redis.<command>`. */
export function countRedisCommands(client: { sendCommand: (...args: any[]) => unknown }): void {
  const original = client.sendCommand;
  client.sendCommand = function (this: unknown, command: { name: string }, ...rest: unknown[]) {
    count(`redis.${command.name}`);
    return original.call(this, command, ...rest);
  };
}

const cleanups: Array<() => Promise<unknown>> = [];

/** Registers work to do before the server exits (deleting the records a bench wrote). */
export function onShutdown(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}

/**
 * The Redis key prefix of this target: the benches' prefix plus the target's ID, so that one
 * target's clean-up never deletes another's sessions.
 */
export function redisPrefix(): string {
  return `${REDIS_PREFIX}${(process.env.BENCH_TARGET ?? storeKind()).replace(/[^A-Za-z0-9-]/g, '-')}:`;
}

/** Which store a sess target runs on, from the `BENCH_STORE` environment variable. */
export function storeKind(): string {
  return process.env.BENCH_STORE ?? 'memory';
}

/**
 * Announces the listening port to the runner and answers its requests for the counters. Call it
 * once the server listens.
 */
export function ready(server: Server): void {
  const { port } = server.address() as AddressInfo;
  // The denominator of the store counts: requests the server handled, including any still in
  // flight when the load generator stopped counting.
  server.on('request', () => count('http.requests'));
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') {
      // CPU time of the server process (user + system, µs): divided by the requests handled it gives
      // a cost per request that other jobs on a shared machine disturb far less than req/s.
      const cpu = process.cpuUsage();
      process.send?.({ type: 'stats', counters: { ...counters, 'cpu.micros': cpu.user + cpu.system } });
    }
    if (message.type === 'shutdown') {
      void Promise.allSettled(cleanups.map((cleanup) => cleanup())).then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`listening on http://127.0.0.1:${port}`);
}

/** Listens on a free loopback port and reports it. */
export function listen(server: Server): void {
  server.listen(0, '127.0.0.1', () => ready(server));
}

