/**
 * Reads express-session's cookies and the records its (connect) store wrote, so that an app moves
 * to sess without logging anyone out: plug the result into `createSessions({ migrateFrom })`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fromCallback, SessionConfigError, storeFailure, type LegacySession, type LegacySessionSource, refuseUnknownOptions } from '@sess/core';

/**
 * The part of an express-session (connect) store the source uses: `get` to read a session and
 * `destroy` to retire it once carried over. Sessions are typed loosely on purpose: each store types
 * them its own way, and every one of them must fit.
 */
export interface ExpressSessionStore {
  /** Reads a session; calls back with `null`/`undefined` when there is none. */
  get(sid: string, callback: (error: any, session?: any) => void): unknown;
  /** Deletes a session. */
  destroy(sid: string, callback?: (error?: any) => void): unknown;
}

/** Options of {@link expressSessionSource}. */
export interface ExpressSessionSourceOptions {
  /**
   * express-session's `secret` option, exactly as the app had it: one string, or an array (every
   * one is tried, as express-session does).
   */
  secret: string | string[];
  /** The store express-session used (a `connect-redis` `RedisStore`, `connect-mongo`, ...). */
  store: ExpressSessionStore;
  /**
   * express-session's `name` option: the cookie it set.
   * @default 'connect.sid'
   */
  cookieName?: string;
  /**
   * What happens to the old record once its data is carried over. `'destroy'` deletes it, so that
   * the old cookie cannot bring the session back after a logout in sess (and a stolen old cookie is
   * worthless). `'keep'` leaves it until it expires, for a rolling deploy where instances still on
   * express-session serve the same users: switch back to `'destroy'` once every instance runs sess,
   * because until then a logout in sess is undone by the old cookie.
   * @default 'destroy'
   */
  afterMigration?: 'destroy' | 'keep';
  /**
   * Turns the old session's values into the new session's (rename keys, drop some). Return
   * `undefined` to refuse the session. Receives the values without express-session's `cookie`.
   * @default the values as they are
   */
  transform?: (data: Record<string, unknown>) => Record<string, unknown> | undefined;
  /**
   * The owner to record on the new session (for `sessions.destroyAll(owner)`), e.g.
   * `(data) => data.userId`.
   * @default no owner
   */
  owner?: (data: Record<string, unknown>) => string | undefined;
}

/** express-session signs `s:` + the ID; anything longer than this is not one of its cookies. */
const MAX_COOKIE_VALUE_LENGTH = 1024;

/** Calls a callback-style method of the old store; a failure becomes `StoreUnavailableError`. The core bounds the call with its store timeout. */
async function callStore<T>(what: string, call: (callback: (error?: unknown, value?: T) => void) => unknown): Promise<T | undefined> {
  try {
    return await fromCallback<T>(call);
  } catch (error) {
    throw storeFailure('migrate-express-session', `the express-session store's ${what}`, error, 'check its backend');
  }
}

/** Percent-decodes as express-session's cookie parser does: a value that does not decode stays as it is. */
function decodeCookieValue(value: string): string {
  let text = value;
  if (text.length > 1 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The session ID inside an express-session cookie value, or `undefined` when the value is not
 * signed by one of `secrets`. The scheme is cookie-signature's: `s:` + ID + `.` + the HMAC-SHA-256
 * of the ID, base64 without padding; compared in constant time.
 */
export function unsignExpressSessionCookie(rawValue: string, secrets: readonly string[]): string | undefined {
  if (rawValue.length > MAX_COOKIE_VALUE_LENGTH) return undefined;
  const value = decodeCookieValue(rawValue);
  if (!value.startsWith('s:')) return undefined;
  const signed = value.slice(2);
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const sid = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, ''));
    // Every secret is checked (no early exit), so timing does not tell which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) valid = true;
  }
  return valid ? sid : undefined;
}

/** When express-session's serialized cookie says the session ended, else `undefined`. */
function expiryOf(session: Record<string, unknown>): number | undefined {
  const cookie = session.cookie as { expires?: unknown } | undefined;
  if (typeof cookie !== 'object' || cookie === null || cookie.expires == null) return undefined;
  const time = new Date(cookie.expires as string | number | Date).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/**
 * A `LegacySessionSource` for `createSessions({ migrateFrom })`: a request with no valid sess cookie
 * but a valid express-session cookie gets that session's values in a new sess session, saved with a
 * new ID (and a sess cookie) at the end of the request.
 *
 * The cookie is verified with express-session's own scheme (`s:` prefix, HMAC-SHA-256 signature,
 * every secret tried), the record read through the old store's `get`, express-session's `cookie`
 * field dropped, and a session whose `cookie.expires` has passed refused. By default the old record
 * is then destroyed (see {@link ExpressSessionSourceOptions.afterMigration}).
 *
 * @example
 * ```ts
 * const sessions = createSessions({
 *   store: new RedisStore({ url: process.env.REDIS_URL }),
 *   secret: process.env.SESS_SECRET!,
 *   migrateFrom: expressSessionSource({ secret: process.env.OLD_SESSION_SECRET!, store: oldRedisStore }),
 * });
 * ```
 */
export function expressSessionSource(options: ExpressSessionSourceOptions): LegacySessionSource {
  refuseUnknownOptions('expressSessionSource()', options, ['secret', 'store', 'cookieName', 'afterMigration', 'transform', 'owner'], { timeoutMs: "the core's `storeTimeout` bounds every store call" });
  const secrets = (Array.isArray(options.secret) ? options.secret : [options.secret]).filter(
    (secret): secret is string => typeof secret === 'string',
  );
  if (secrets.length === 0 || secrets.some((secret) => secret.length === 0)) {
    throw new SessionConfigError(
      '[migrate-express-session] `secret` is required: pass the `secret` the app gave express-session (a string or an array)',
    );
  }
  if (!options.store || typeof options.store.get !== 'function' || typeof options.store.destroy !== 'function') {
    throw new SessionConfigError('[migrate-express-session] `store` must be the express-session store the app used (with get and destroy)');
  }
  const store = options.store;
  const cookieName = options.cookieName ?? 'connect.sid';
  const afterMigration = options.afterMigration ?? 'destroy';

  return {
    cookieName,
    async read(cookieValue) {
      const sid = unsignExpressSessionCookie(cookieValue, secrets);
      if (sid === undefined) return undefined;
      const stored = await callStore<unknown>('get', (callback) => store.get(sid, callback));
      if (typeof stored !== 'object' || stored === null) return undefined;
      const session = stored as Record<string, unknown>;
      const expires = expiryOf(session);
      if (expires !== undefined && expires <= Date.now()) return undefined;
      // JSON round trip: plain JSON-safe values whatever the store handed back (Dates, class instances).
      const values = JSON.parse(JSON.stringify(session)) as Record<string, unknown>;
      delete values.cookie;
      const data = options.transform ? options.transform(values) : values;
      if (data === undefined) return undefined;
      const legacy: LegacySession = { data };
      const owner = options.owner?.(data);
      if (typeof owner === 'string') legacy.owner = owner;
      if (afterMigration === 'destroy') await callStore('destroy', (callback) => store.destroy(sid, callback));
      return legacy;
    },
  };
}
