/**
 * Reaching the database servers the tests need, and failing with the command that starts one when
 * it is not there (a missing server is a failure, never a skip).
 */
import { canConnect, START_COMMANDS } from '@sess/test-servers';

/** The three network backends the reliability tests run against. */
export type Backend = 'redis' | 'postgres' | 'mysql';

/** Where each shared server listens, from `REDIS_URL` / `POSTGRES_URL` / `MYSQL_URL` or the defaults. */
export const SERVER_URLS: Record<Backend, string> = {
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgres: process.env.POSTGRES_URL ?? 'postgres://127.0.0.1:5432/test',
  mysql: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

const DEFAULT_PORTS: Record<Backend, number> = { redis: 6379, postgres: 5432, mysql: 3306 };

/** Host and port of a backend's shared server. */
export function serverAddress(backend: Backend): { host: string; port: number } {
  const url = new URL(SERVER_URLS[backend]);
  return { host: url.hostname, port: url.port === '' ? DEFAULT_PORTS[backend] : Number(url.port) };
}

/** Fails with the start command when the shared server of `backend` does not accept connections. */
export async function requireServer(backend: Backend): Promise<void> {
  const { host, port } = serverAddress(backend);
  try {
    await canConnect(host, port);
  } catch (error) {
    throw new Error(
      `${backend} is not reachable at ${SERVER_URLS[backend]} (${(error as Error).message}). Start it with: ${START_COMMANDS[backend]}`,
    );
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
