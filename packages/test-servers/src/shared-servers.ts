/**
 * The database servers the whole workspace tests against (Redis, PostgreSQL, MariaDB on loopback):
 * how to start each one, and a failure that says so when Redis is not there (a missing server is a
 * failure, never a skip).
 */
import { connect } from 'node:net';

/** URL of the shared Redis: `REDIS_URL`, else the local default. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The command that starts each shared server on a development machine or in CI, for failure messages. */
export const START_COMMANDS = {
  redis:
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  postgres: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  mysql: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
} as const;

/** A short random suffix (`<pid>_<6 characters>`), so that concurrent runs never share keys, tables or folders. */
export function uniqueSuffix(): string {
  return `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A key prefix no other test run uses: `sess-test-<label>-<pid>_<random>:`. */
export function uniquePrefix(label: string): string {
  return `sess-test-${label}-${uniqueSuffix()}:`;
}

/** The error to throw when Redis at `url` does not answer: it says how to start it. */
export function redisUnreachableError(url: string, cause: unknown): Error {
  return new Error(
    `Redis is not reachable at ${url} (${(cause as Error | undefined)?.message ?? String(cause)}). ` +
      `Start it with: ${START_COMMANDS.redis} (or set REDIS_URL).`,
    { cause },
  );
}

/** One RESP command, as bytes on the wire. */
const command = (...parts: string[]) => `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;

/**
 * Resolves when the Redis at `url` answers `PING` (after `AUTH` when the URL has a password) within
 * `timeoutMs`; otherwise rejects with {@link redisUnreachableError}. Speaks the protocol itself, so
 * it works whichever Redis client a package tests with.
 */
export async function requireRedis(url = REDIS_URL, timeoutMs = 2000): Promise<void> {
  const parsed = new URL(url);
  const auth = parsed.password === '' ? [] : [command('AUTH', ...(parsed.username ? [decodeURIComponent(parsed.username)] : []), decodeURIComponent(parsed.password))];
  try {
    await new Promise<void>((resolve, reject) => {
      const socket = connect(parsed.port === '' ? 6379 : Number(parsed.port), parsed.hostname.replace(/^\[|\]$/g, ''));
      let reply = '';
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      socket.once('error', reject);
      socket.once('connect', () => socket.write([...auth, command('PING')].join('')));
      socket.on('data', (chunk: Buffer) => {
        reply += chunk.toString('latin1');
        if (reply.startsWith('-')) socket.destroy(new Error(reply.trim()));
        else if (reply.includes('+PONG')) {
          socket.destroy();
          resolve();
        }
      });
      socket.once('close', () => reject(new Error(`the connection closed before PONG (${JSON.stringify(reply.slice(0, 80))})`)));
    });
  } catch (error) {
    throw redisUnreachableError(url, error);
  }
}
