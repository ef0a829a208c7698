/**
 * Test support (not exported): serving an Express app on a loopback port, real HTTP requests with
 * explicit cookies, and the shared Redis.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { createClient } from 'redis';

/** URL of the shared Redis. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other run uses. */
export function uniquePrefix(label: string): string {
  return `sess-test-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}:`;
}

/** A connected node-redis client (what connect-redis takes); fails with instructions when Redis is down. */
export async function connectRedis(): Promise<ReturnType<typeof createClient>> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${(error as Error).message}). Start it with: ` +
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log ' +
        '(or set REDIS_URL).',
      { cause: error },
    );
  }
  return client;
}

/** A running app on 127.0.0.1 and a way to stop it. */
export interface RunningApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `app` on a free loopback port. */
export async function serve(app: Express): Promise<RunningApp> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A response's status, JSON body and the `name=value` pairs of its Set-Cookie headers. */
export interface Answer {
  status: number;
  body: unknown;
  cookies: Map<string, string>;
}

/** Sends one request with exactly the cookies given (`name=value` pairs). */
export async function request(url: string, options: { method?: string; cookies?: string[] } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.cookies && options.cookies.length > 0) headers.cookie = options.cookies.join('; ');
  const response = await fetch(url, { method: options.method ?? 'GET', headers, redirect: 'manual' });
  const cookies = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]!;
    const equals = pair.indexOf('=');
    cookies.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, cookies };
}
