/**
 * Starting an adapter's app for one test and closing it afterwards: what the suite does for every
 * scenario, exported so that an adapter's framework-specific tests start their apps the same way.
 */
import { createSessions, MemoryStore, type SessionData,
  type SessionValues, type SessionsOptions, type Store } from '@sess/core';
import { afterEach } from 'vitest';
import { CookieJar } from './cookie-jar.js';
import type { ServeAdapter, TestRoute } from './serve-adapter.js';
import { errorAnswer, STANDARD_ROUTES } from './standard-routes.js';

/** The secret the suite's apps sign with. */
export const TEST_SECRET = 'a test secret that is long enough to sign cookies';

/** One app started by an {@link AppStarter}. */
export interface StartedApp<S extends Store> {
  /** A fresh cookie jar on the app (a new visitor). */
  readonly jar: CookieJar;
  /** The store behind the app's sessions. */
  readonly store: S;
  /** Base URL of the app. */
  readonly url: string;
  /** Every error the app's error handler received, in order. */
  readonly errors: unknown[];
}

/**
 * Starts `serve`'s app with `createSessions({ store, secret, ...options })` and `routes` (the
 * standard routes unless given); the app and the store are closed after the current test.
 */
export type AppStarter = <S extends Store = MemoryStore>(
  options?: Partial<SessionsOptions<SessionValues>>,
  store?: S,
  routes?: readonly TestRoute[],
) => Promise<StartedApp<S>>;

/**
 * An {@link AppStarter} for `serve`. Call it at the top of a test file or `describe` block: it
 * registers the `afterEach` hook that closes what the tests started.
 */
export function createAppStarter(serve: ServeAdapter): AppStarter {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async <S extends Store = MemoryStore>(
    options: Partial<SessionsOptions<SessionValues>> = {},
    store?: S,
    routes: readonly TestRoute[] = STANDARD_ROUTES,
  ) => {
    const used = store ?? (new MemoryStore() as Store as S);
    cleanups.push(async () => void (await used.close?.()));
    const errors: unknown[] = [];
    const server = await serve(createSessions({ store: used, secret: TEST_SECRET, ...options }), {
      list: routes,
      onError: (error) => {
        errors.push(error);
        return errorAnswer(error);
      },
    });
    cleanups.push(() => server.close());
    return { jar: new CookieJar(server.url), store: used, url: server.url, errors };
  };
}
