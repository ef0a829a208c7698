import type { SessionInterface } from './base-sessions.js';
import { CookieSessions } from './cookie-sessions.js';
import { resolveOptions } from './resolve-options.js';
import { ServerSessions } from './server-sessions.js';
import type { SessionData } from './session-data.js';
import type { SessionsOptions } from './sessions-options.js';

/**
 * Creates the session interface an adapter uses: server-side sessions over `options.store`, or
 * encrypted cookie sessions with `store: 'cookie'`. Options are checked here, so a missing or short
 * secret fails at start-up with a `SessionConfigError`, not at the first request.
 *
 * ```ts
 * const sessions = createSessions({ store: new MemoryStore(), secret: process.env.SESSION_SECRET! });
 * ```
 */
export function createSessions<T extends object = SessionData>(options: SessionsOptions<T>): SessionInterface<T> {
  const resolved = resolveOptions(options);
  return options.store === 'cookie' ? new CookieSessions<T>(resolved) : new ServerSessions<T>(options.store, resolved);
}

/**
 * For adapters: a session interface given either ready-made or as `createSessions` options, so that
 * `session(sessions)` and `session({ store, secret })` both work. The result always has `commit`:
 * an implementation of the interface without one gets `save` in its place.
 */
export function toSessionInterface<T extends object = SessionData>(
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
): Required<SessionInterface<T>> {
  const candidate = sessionsOrOptions as Partial<SessionInterface<T>>;
  if (typeof candidate.open !== 'function' || typeof candidate.save !== 'function') {
    return createSessions(sessionsOrOptions as SessionsOptions<T>) as Required<SessionInterface<T>>;
  }
  const sessions = sessionsOrOptions as SessionInterface<T>;
  if (typeof sessions.commit === 'function') return sessions as Required<SessionInterface<T>>;
  // Delegating rather than extending: an implementation's methods may use its private fields.
  return {
    get cookieName() {
      return sessions.cookieName;
    },
    open: (request) => sessions.open(request),
    save: (session, response) => sessions.save(session, response),
    commit: (session, response) => sessions.save(session, response),
    release: (session) => sessions.release(session),
    destroyAll: (owner) => sessions.destroyAll(owner),
    ping: () => sessions.ping(),
    close: () => sessions.close(),
  };
}
