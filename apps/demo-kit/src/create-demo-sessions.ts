import { createSessions, type SessionData,
  type SessionValues, type SessionInterface } from '@sess/core';
import { createDemoStore } from './create-demo-store.js';
import type { DemoConfig } from './demo-config.js';
import './demo-data.js';

/**
 * Milliseconds the core waits for any store call before answering `StoreUnavailableError`. Under
 * 2 s so that a request needing a dead store gets its 503 within 2 s, as the contract asks.
 */
export const STORE_TIMEOUT_MS = 1500;

/**
 * Creates the app's session interface from its configuration: the chosen store, the secrets, the
 * cookie, both timeouts and optional locking. Configuration mistakes (a short secret...) throw here.
 */
export async function createDemoSessions(config: DemoConfig): Promise<SessionInterface<SessionValues>> {
  const store = await createDemoStore(config);
  return createSessions<SessionData>({
    store,
    secret: config.secrets,
    cookie: { name: config.cookieName, secure: config.cookieSecure },
    idleTimeout: config.idleTimeout,
    absoluteTimeout: config.absoluteTimeout,
    locking: config.locking,
    storeTimeout: STORE_TIMEOUT_MS,
    // The origin check (on by default, spelled out here): a POST or DELETE that another site's page
    // makes the browser send is refused with 403 before the route runs, same-site subdomains included.
    csrf: { allowSameSite: false },
    onEvent: (event) => {
      // Rejected cookies and corrupt records are normal on the internet; keep a trace for the developer.
      if (event.type !== 'secret-rotated') console.info(`[${config.appName}] session event: ${event.type}`);
    },
  });
}
