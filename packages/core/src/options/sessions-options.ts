import type { Codec } from '../session/codec.js';
import type { CookieOptions } from '../cookies/cookie-options.js';
import type { CsrfOptions } from '../csrf/csrf-options.js';
import type { LegacySessionSource } from '../store/legacy-source.js';
import type { SessionEvent } from '../session/session-event.js';
import type { Store } from '../store/store.js';

/** Options of {@link createSessions}. */
export interface SessionsOptions<T extends object> {
  /**
   * Where sessions live: a {@link Store} (server-side sessions: the cookie holds only a signed random
   * ID) or `'cookie'` (client-side sessions: the data itself in an AES-256-GCM encrypted cookie).
   */
  store: Store | 'cookie';
  /**
   * One secret or several, each at least 32 bytes. The first signs (or encrypts); all verify, so a
   * new secret can be put first and the old one kept until every user has been back once.
   */
  secret: string | readonly string[];
  /** Cookie name and attributes. */
  cookie?: CookieOptions;
  /**
   * Cookie sessions only (`store: 'cookie'`): most cookies one session may span. Past one cookie
   * (4096 bytes with its attributes) the encrypted value is cut into `name.0`, `name.1`, … (each
   * slice authenticated with the whole, so none can be moved, swapped or dropped); past this many,
   * saving throws `CookieTooLargeError`. An integer from 1 to 10; 1 keeps every session in one cookie.
   * Mind the server's header limit: the request's `Cookie` header carries all of them (Node accepts
   * 16 KB of headers, nginx 8 KB per header line by default).
   * @default 1
   */
  cookieChunks?: number;
  /** Seconds without a request after which a session is dead. @default 1800 */
  idleTimeout?: number;
  /** Seconds after creation after which a session is dead, however active. @default 86400 */
  absoluteTimeout?: number;
  /**
   * Seconds that must pass before a request that changed nothing extends the idle deadline again
   * (one store `touch` and one `Set-Cookie` then). Keeps read-only traffic from writing on every hit.
   * @default min(60, idleTimeout / 10)
   */
  touchAfter?: number;
  /**
   * Let requests of one session wait for each other (a queue, not a rejection): in-process always,
   * across processes when the store has `lock`.
   * @default false
   */
  locking?: boolean | { ttlMs?: number; waitMs?: number };
  /**
   * Do not read the store until a handler calls `await session.load()`: requests that never look at
   * the session cost nothing.
   * @default false
   */
  lazy?: boolean;
  /** Data of a new session: an object (copied) or a function returning a fresh one. @default {} */
  initial?: Partial<T> | (() => Partial<T>);
  /** Give stores a SHA-256 hash of the ID instead of the ID. @default true */
  hashIds?: boolean;
  /**
   * How values become JSON for the store. The default brings back `Date`, `Map`, `Set` and `BigInt`;
   * `jsonCodec` stores plain JSON only and refuses the rest at `set`.
   * @default taggedCodec
   */
  codec?: Codec;
  /** Milliseconds a store call may take before it fails with `StoreUnavailableError`. @default 2000 */
  storeTimeout?: number;
  /** Called for events worth logging: rejected cookies, missing or corrupt records, secret rotation. */
  onEvent?: (event: SessionEvent) => void;
  /**
   * End a session when the client's address or user agent changes (web.py's `ignore_change_of_ip`
   * turned around). Off by default: addresses change on mobile networks and behind proxies.
   * @default false
   */
  bindTo?: false | { ip?: boolean; userAgent?: boolean };
  /**
   * Keep the client's address, truncated (IPv4 to its /24, IPv6 to its /48), with each new
   * server-side session, for the device list (`sessions.list`). Off by default: an address is
   * personal data, and the device label usually tells sessions apart.
   * @default false
   */
  deviceAddress?: boolean;
  /**
   * Takes over sessions of the library an app is leaving: a request without a valid sess cookie
   * but with the old library's cookie gets that session's data in a new sess session (new ID, saved
   * at the end of the request). Server-side sessions only.
   * @default undefined
   */
  migrateFrom?: LegacySessionSource;
  /**
   * Cross-site request forgery protection. Unsafe requests (POST, PUT, PATCH, DELETE) that another
   * site's page made the browser send are refused with a 403 `CsrfError` before the handler runs
   * (the origin check); `token: true` requires a synchronizer token (`session.csrfToken()`) too.
   * `false` turns the protection off.
   * @default {} (the origin check on, tokens off)
   */
  csrf?: false | CsrfOptions;
}
