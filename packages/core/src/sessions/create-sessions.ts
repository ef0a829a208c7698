import type { SessionInterface } from './base-sessions.js';
import { CookieSessions } from './cookie-sessions.js';
import { SessionConfigError } from '../errors.js';
import { resolveOptions } from '../options/resolve-options.js';
import { ServerSessions } from './server-sessions.js';
import type { SessionValues } from '../session/session-data.js';
import type { SessionsOptions } from '../options/sessions-options.js';

/**
 * Creates the session interface an adapter uses: server-side sessions over `options.store`, or
 * encrypted cookie sessions with `store: 'cookie'`. Options are checked here, so a missing or short
 * secret fails at start-up with a `SessionConfigError`, not at the first request.
 *
 * ```ts
 * const sessions = createSessions({ store: new MemoryStore(), secret: process.env.SESSION_SECRET! });
 * ```
 */
export function createSessions<T extends object = SessionValues>(options: SessionsOptions<T>): SessionInterface<T> {
  const resolved = resolveOptions(options);
  return options.store === 'cookie' ? new CookieSessions<T>(resolved) : new ServerSessions<T>(options.store, resolved);
}

/**
 * For adapters: a session interface given either ready-made or as `createSessions` options, so that
 * `session(sessions)` and `session({ store, secret })` both work.
 */
export function toSessionInterface<T extends object = SessionValues>(
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
): SessionInterface<T> {
  if (typeof sessionsOrOptions !== 'object' || sessionsOrOptions === null) {
    throw new SessionConfigError(
      `session() needs the sessions made by createSessions({ store, secret }), or those options; it was given ${sessionsOrOptions === null ? 'null' : typeof sessionsOrOptions}`,
    );
  }
  const candidate = sessionsOrOptions as Partial<SessionInterface<T>>;
  if (typeof candidate.open === 'function' && typeof candidate.save === 'function') return sessionsOrOptions as SessionInterface<T>;
  return createSessions(sessionsOrOptions as SessionsOptions<T>);
}
