/**
 * The load generator: autocannon's programmatic API, one session (cookie jar) per connection,
 * plus the session set-up before measuring and the correctness check after.
 */
import autocannon from 'autocannon';
import { CookieJar, setCookieOf } from './cookie-jar.js';
import type { ServerProcess } from './server-process.js';

/** One of the two endpoints every target serves. */
export interface Endpoint {
  /** `POST /api/counter`: read, increment, save. `GET /api/session`: read only. */
  name: 'POST /api/counter' | 'GET /api/session';
  method: 'POST' | 'GET';
  path: string;
}

/** The endpoints, in the order each round runs them. */
export const ENDPOINTS: readonly Endpoint[] = [
  { name: 'POST /api/counter', method: 'POST', path: '/api/counter' },
  { name: 'GET /api/session', method: 'GET', path: '/api/session' },
];

/** What one measured run gave. */
export interface Measurement {
  /** Mean requests per second over the run (2xx responses only). */
  requestsPerSecond: number;
  /** Latency percentiles in ms. */
  p50: number;
  p99: number;
  /** 2xx responses. */
  ok: number;
  /** Everything that was not a 2xx response: errors, timeouts, other statuses. */
  failed: number;
  /**
   * CPU time (user + system) the server process spent per request it handled, in µs; set by the
   * runner from the server's counters. Other jobs on the machine move it far less than req/s.
   */
  cpuMicrosPerRequest: number;
}

/** One request of a client with a fresh jar, returning the JSON count. */
async function request(base: string, endpoint: Pick<Endpoint, 'method' | 'path'>, jar: CookieJar): Promise<number> {
  const cookie = jar.toHeader();
  const response = await fetch(base + endpoint.path, { method: endpoint.method, headers: cookie ? { cookie } : {} });
  jar.update(response.headers.getSetCookie());
  const text = await response.text();
  if (!response.ok) throw new Error(`${endpoint.method} ${endpoint.path} answered ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { count?: unknown };
  if (typeof body.count !== 'number') throw new Error(`${endpoint.method} ${endpoint.path} answered no count: ${text.slice(0, 300)}`);
  return body.count;
}

/** Creates one session per connection (one `POST /api/counter` each, so every count starts at 1). */
export async function createVisitors(server: ServerProcess, connections: number): Promise<CookieJar[]> {
  const jars = Array.from({ length: connections }, () => new CookieJar());
  await Promise.all(
    jars.map(async (jar) => {
      const count = await request(server.url, { method: 'POST', path: '/api/counter' }, jar);
      if (count !== 1) throw new Error(`a new visitor's first POST /api/counter gave count ${count}, expected 1`);
      if (jar.toHeader() === '') throw new Error('a new visitor got no cookie from POST /api/counter');
    }),
  );
  return jars;
}

/** The sum of every session's count, read through `GET /api/session` with each jar. */
export async function totalCount(server: ServerProcess, jars: readonly CookieJar[]): Promise<number> {
  const counts = await Promise.all(jars.map((jar) => request(server.url, { method: 'GET', path: '/api/session' }, jar)));
  const lost = counts.filter((count) => count < 1).length;
  if (lost > 0) throw new Error(`${lost} of ${counts.length} sessions were lost (count 0)`);
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Puts `endpoint` of `server` under load for `seconds`, each connection with its own jar (which
 * follows `Set-Cookie`, as a browser does).
 */
export async function measure(server: ServerProcess, jars: readonly CookieJar[], endpoint: Endpoint, seconds: number): Promise<Measurement> {
  let next = 0;
  const result = await autocannon({
    url: server.url + endpoint.path,
    connections: jars.length,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    method: endpoint.method,
    setupClient(client) {
      const jar = jars[next++ % jars.length]!;
      const withCookie = (cookie: string) => ({ cookie });
      const ownRequest = {
        method: endpoint.method,
        path: endpoint.path,
        headers: withCookie(jar.toHeader()),
        onResponse(_status: number, _body: string, _context: unknown, headers: Record<string, string | string[]>) {
          if (jar.update(setCookieOf(headers))) client.setHeaders(withCookie(jar.toHeader()));
        },
      };
      (client as unknown as { setRequests(requests: unknown[]): void }).setRequests([ownRequest]);
    },
  });
  const ok = result['2xx'];
  return {
    requestsPerSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    cpuMicrosPerRequest: Number.NaN,
  };
}
