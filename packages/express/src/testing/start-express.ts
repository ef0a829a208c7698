/**
 * Starting a small Express app over real HTTP for this package's own tests, with a store whose
 * calls take 30 ms (a response that went out before its write ended would be seen), and closing
 * it after the test.
 */
import { CookieJar, listen, MapStore, TEST_SECRET, type TestServer } from '@sess/adapter-test-suite';
import { createSessions, type SessionsOptions, type SessionData, type SessionValues } from '@sess/core';
import type { ErrorRequestHandler, Express } from 'express';
import { afterEach } from 'vitest';
import { session, type SessionMiddleware } from '../index.js';

/** One started app. */
export interface StartedExpress {
  readonly jar: CookieJar;
  readonly store: MapStore;
  readonly url: string;
  /** Errors that reached the app's error handler, in order. */
  readonly errors: unknown[];
}

/** What `build` gets: the app, and the session middleware to mount where the test wants it. */
export interface AppParts {
  readonly app: Express;
  readonly sessions: SessionMiddleware;
  readonly store: MapStore;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/**
 * Starts `express()` as `build` sets it up, then an error handler that records the error and
 * answers its `status` (503 for a store failure) with the error's name, as apps usually do.
 */
export async function startExpress(
  express: () => Express,
  build: (parts: AppParts) => void,
  options: Partial<SessionsOptions<SessionValues>> = {},
  store = new MapStore(30),
): Promise<StartedExpress> {
  const app = express();
  const errors: unknown[] = [];
  build({ app, store, sessions: session(createSessions({ store, secret: TEST_SECRET, ...options })) });
  const onError: ErrorRequestHandler = (error: { status?: number; name?: string }, _request, response, _next) => {
    errors.push(error);
    response.status(error.status ?? 500).type('text/plain').send(String(error.name));
  };
  app.use(onError);
  const server = await listen(app);
  servers.push(server);
  return { jar: new CookieJar(server.url), store, url: server.url, errors };
}

/** Increments the session's `count` and returns the new value. */
export function increment(session: { get(key: 'count'): number | undefined; set(key: 'count', value: number): void }): number {
  const count = (session.get('count') ?? 0) + 1;
  session.set('count', count);
  return count;
}
