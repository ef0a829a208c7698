import type { CsrfRefusal } from '../csrf/origin-check.js';

/** Something that happened while opening or saving a session, for logs and metrics. */
export type SessionEvent =
  | { type: 'cookie-rejected'; reason: 'malformed' | 'bad-signature' | 'undecryptable' }
  /** `ended`: ended by another request (a logout) while this one ran; nothing was written back. */
  | { type: 'session-missing'; reason: 'unknown' | 'expired' | 'ended' }
  | { type: 'session-corrupt'; error: unknown }
  | { type: 'session-unbound'; trait: 'ip' | 'userAgent' }
  | { type: 'secret-rotated' }
  | { type: 'session-migrated' }
  | { type: 'lock-release-failed'; error: unknown }
  /** Saving after a failed handler failed too; the handler's error is the one the framework reports. */
  | { type: 'save-failed'; error: unknown }
  /**
   * An unsafe request refused as a possible cross-site request forgery (403, `CsrfError`);
   * `origin` is its `Origin` header, when the origin check refused it.
   */
  | { type: 'csrf-refused'; reason: CsrfRefusal; origin?: string };
