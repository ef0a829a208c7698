/**
 * Taking over sessions written by another library, so that an app can switch to sess without
 * logging anyone out. A source reads the other library's cookie and record; the core turns what it
 * finds into a new sess session, saved with a new ID at the end of the request.
 */
import type { SessionRequest } from '../sessions/http-types.js';

/** A session found in another library's format. */
export interface LegacySession {
  /** The values to carry over (already plain JSON-safe data). */
  data: Record<string, unknown>;
  /** The owner to record, if the old session knew one. */
  owner?: string;
}

/** Reads sessions of another library (see `@sess/migrate-express-session`). */
export interface LegacySessionSource {
  /** Name of the other library's cookie, e.g. `connect.sid`. */
  readonly cookieName: string;
  /** Path the other library's cookie was set with, to expire it once taken over. @default '/' */
  readonly cookiePath?: string;
  /** Domain the other library's cookie was set with, if any. @default undefined */
  readonly cookieDomain?: string;
  /**
   * The session behind one value of that cookie, or `undefined` when the value is forged, unknown
   * or expired. Must verify the value's signature itself; `request` gives the whole `Cookie` header
   * for libraries that sign in a second cookie (koa-session's `.sig`).
   */
  read(cookieValue: string, request: SessionRequest): Promise<LegacySession | undefined>;
}
