/**
 * How `@sess/adapter-test-suite`'s apps reach the suite app's Route Handler. The suite hands each
 * app a session interface and routes (functions, stores) in the test process; Next serves the
 * suite app in that same process, but its route bundle holds its own copy of every module, this one
 * included. What both copies share is `globalThis`: the apps sit there under a registered symbol of
 * this test app's own, and each request names its app in a header the test's server sets.
 */
import type { TestRoutes } from '@sess/adapter-test-suite';
import type { SessionInterface, SessionsOptions, SessionValues } from '@sess/core';

/** One app the suite asked for: what its `serve` received. */
export interface SuiteApp {
  /** Given to `nextSessions()` as it is, as a user passes it. */
  readonly sessionsOrOptions: SessionInterface<SessionValues> | SessionsOptions<SessionValues>;
  /** The routes to serve, and the answer of the error handling. */
  readonly routes: TestRoutes;
}

/** The request header naming the app (its key in {@link suiteApps}); the test's server sets it on every request. */
export const SUITE_APP_HEADER = 'x-sess-suite-app';

/** The key of the apps on `globalThis`: `Symbol.for`, so that the test's copy and the bundle's find the same. */
const APPS = Symbol.for('@sess/next test suite app: apps by key');

/** The apps being served, by key; the same map in the test process and in the route bundle. */
export function suiteApps(): Map<string, SuiteApp> {
  const shared = globalThis as { [APPS]?: Map<string, SuiteApp> };
  shared[APPS] ??= new Map();
  return shared[APPS];
}
