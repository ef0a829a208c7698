/** Checks options once, at construction, and fills in defaults: mistakes fail at start-up. */
import type { Codec } from '../session/codec.js';
import { taggedCodec } from '../session/tagged-codec.js';
import type { ResolvedCookieOptions } from '../cookies/cookie-options.js';
import { resolveCsrf, type ResolvedCsrf } from '../csrf/csrf-options.js';
import { SessionConfigError } from '../errors.js';
import { refuseUnknownOptions, warnIfMilliseconds } from './option-names.js';
import { MAX_COOKIE_CHUNKS } from '../sessions/cookie-chunks.js';
import type { SessionsOptions } from './sessions-options.js';

/** Options with every default applied. */
export interface ResolvedOptions<T extends object> {
  secrets: string[];
  cookie: ResolvedCookieOptions;
  /** Most cookies of one cookie session (1: no chunking). */
  cookieChunks: number;
  idleMs: number;
  absoluteMs: number;
  touchAfterMs: number;
  locking: { ttlMs: number; waitMs: number } | undefined;
  lazy: boolean;
  initial: () => Partial<T>;
  hashIds: boolean;
  codec: Codec;
  storeTimeoutMs: number;
  onEvent: SessionsOptions<T>['onEvent'];
  bindTo: { ip: boolean; userAgent: boolean } | undefined;
  deviceAddress: boolean;
  migrateFrom: SessionsOptions<T>['migrateFrom'];
  /** `undefined` when `csrf: false`. */
  csrf: ResolvedCsrf | undefined;
}

const MIN_SECRET_BYTES = 32;
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HOW_TO_MAKE_A_SECRET = 'generate one with: openssl rand -base64 32';

function positiveSeconds(name: string, value: number | undefined, fallback: number): number {
  const seconds = value ?? fallback;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new SessionConfigError(`\`${name}\` must be a positive number of seconds, not ${String(value)}`);
  }
  return seconds * 1000;
}

function resolveSecrets(secret: SessionsOptions<object>['secret'] | undefined): string[] {
  const secrets = typeof secret === 'string' ? [secret] : [...(secret ?? [])];
  if (secrets.length === 0 || secrets.some((item) => typeof item !== 'string')) {
    throw new SessionConfigError(`a \`secret\` is required (a string of at least ${MIN_SECRET_BYTES} bytes); ${HOW_TO_MAKE_A_SECRET}`);
  }
  const encoder = new TextEncoder();
  secrets.forEach((item, index) => {
    if (encoder.encode(item).length < MIN_SECRET_BYTES) {
      throw new SessionConfigError(
        `secret #${index + 1} is shorter than ${MIN_SECRET_BYTES} bytes, too short to sign sessions safely; ${HOW_TO_MAKE_A_SECRET}`,
      );
    }
  });
  return secrets;
}

/** Every option name of `createSessions`, and of its nested objects. */
const OPTION_NAMES = ['store', 'secret', 'cookie', 'cookieChunks', 'idleTimeout', 'absoluteTimeout', 'touchAfter', 'locking', 'lazy', 'initial', 'hashIds', 'codec', 'storeTimeout', 'onEvent', 'bindTo', 'deviceAddress', 'migrateFrom', 'csrf'] as const;
const COOKIE_OPTION_NAMES = ['name', 'path', 'domain', 'secure', 'httpOnly', 'sameSite', 'partitioned'] as const;
const LOCKING_OPTION_NAMES = ['ttlMs', 'waitMs'] as const;
const BIND_OPTION_NAMES = ['ip', 'userAgent'] as const;

function resolveCookie(options: SessionsOptions<object>['cookie']): ResolvedCookieOptions {
  refuseUnknownOptions('createSessions({ cookie })', options, COOKIE_OPTION_NAMES);
  const cookie: ResolvedCookieOptions = {
    name: options?.name ?? 'sid',
    path: options?.path ?? '/',
    domain: options?.domain,
    secure: options?.secure ?? 'auto',
    httpOnly: options?.httpOnly ?? true,
    sameSite: options?.sameSite ?? 'lax',
    partitioned: options?.partitioned ?? false,
  };
  if (!COOKIE_NAME.test(cookie.name)) throw new SessionConfigError(`"${cookie.name}" is not a valid cookie name`);
  if (/[;\r\n]/.test(cookie.path) || (cookie.domain !== undefined && /[;\r\n\s]/.test(cookie.domain))) {
    throw new SessionConfigError('cookie `path` and `domain` must not contain ";", spaces or line breaks');
  }
  if (!['strict', 'lax', 'none'].includes(cookie.sameSite)) {
    throw new SessionConfigError(`cookie \`sameSite\` must be 'strict', 'lax' or 'none', not ${String(cookie.sameSite)}`);
  }
  // Browsers match the prefixes without regard to case (RFC 6265bis), so `__host-sid` is one too.
  const lowerName = cookie.name.toLowerCase();
  const hostPrefixed = lowerName.startsWith('__host-');
  const prefixed = hostPrefixed || lowerName.startsWith('__secure-');
  if (prefixed && cookie.secure !== true) {
    throw new SessionConfigError(`a cookie named "${cookie.name}" needs \`cookie.secure: true\` (browsers drop it otherwise)`);
  }
  if (hostPrefixed && (cookie.path !== '/' || cookie.domain !== undefined)) {
    throw new SessionConfigError(`a "__Host-" cookie needs \`path: '/'\` and no \`domain\``);
  }
  if (cookie.sameSite === 'none' && cookie.secure === false) {
    throw new SessionConfigError("`sameSite: 'none'` needs a secure cookie (browsers drop it otherwise)");
  }
  if (cookie.partitioned && cookie.secure === false) {
    throw new SessionConfigError('a partitioned cookie needs a secure cookie');
  }
  return cookie;
}

/** Validates `options` and applies defaults; throws `SessionConfigError` on any mistake. */
export function resolveOptions<T extends object>(options: SessionsOptions<T>): ResolvedOptions<T> {
  if (!options || typeof options !== 'object') throw new SessionConfigError('createSessions() needs an options object');
  refuseUnknownOptions('createSessions()', options, OPTION_NAMES);
  if (typeof options.locking === 'object') refuseUnknownOptions('createSessions({ locking })', options.locking, LOCKING_OPTION_NAMES);
  if (typeof options.bindTo === 'object') refuseUnknownOptions('createSessions({ bindTo })', options.bindTo, BIND_OPTION_NAMES);
  // Seconds that look like milliseconds: 20 days of idle time, 400 days of life.
  warnIfMilliseconds('idleTimeout', options.idleTimeout, 7 * 86400);
  warnIfMilliseconds('absoluteTimeout', options.absoluteTimeout, 400 * 86400);
  if (options.store === undefined || (options.store !== 'cookie' && typeof options.store?.get !== 'function')) {
    throw new SessionConfigError("`store` must be a Store (such as `new MemoryStore()`) or 'cookie'");
  }
  if (options.migrateFrom && options.store === 'cookie') {
    throw new SessionConfigError('`migrateFrom` works with server-side stores only, not with cookie sessions');
  }
  const cookieChunks = options.cookieChunks ?? 1;
  if (!Number.isInteger(cookieChunks) || cookieChunks < 1 || cookieChunks > MAX_COOKIE_CHUNKS) {
    throw new SessionConfigError(`\`cookieChunks\` must be an integer from 1 to ${MAX_COOKIE_CHUNKS}, not ${String(options.cookieChunks)}`);
  }
  if (cookieChunks > 1 && options.store !== 'cookie') {
    throw new SessionConfigError("`cookieChunks` is for cookie sessions (`store: 'cookie'`): with a store the cookie holds only the session ID");
  }
  const idleMs = positiveSeconds('idleTimeout', options.idleTimeout, 1800);
  const absoluteMs = positiveSeconds('absoluteTimeout', options.absoluteTimeout, 86400);
  const touchAfterMs =
    options.touchAfter === undefined
      ? Math.min(60_000, idleMs / 10)
      : options.touchAfter === 0
        ? 0
        : positiveSeconds('touchAfter', options.touchAfter, 0);
  const locking =
    options.locking === true || typeof options.locking === 'object'
      ? {
          ttlMs: (typeof options.locking === 'object' && options.locking.ttlMs) || 10_000,
          waitMs: (typeof options.locking === 'object' && options.locking.waitMs) || 5_000,
        }
      : undefined;
  const initial = options.initial;
  const storeTimeoutMs = options.storeTimeout ?? 2000;
  if (!Number.isFinite(storeTimeoutMs) || storeTimeoutMs <= 0) {
    throw new SessionConfigError('`storeTimeout` must be a positive number of milliseconds');
  }
  return {
    secrets: resolveSecrets(options.secret),
    cookie: resolveCookie(options.cookie),
    cookieChunks,
    idleMs,
    absoluteMs,
    touchAfterMs,
    locking,
    lazy: options.lazy ?? false,
    initial: typeof initial === 'function' ? initial : initial === undefined ? () => ({}) : () => structuredClone(initial),
    hashIds: options.hashIds ?? true,
    codec: options.codec ?? taggedCodec,
    storeTimeoutMs,
    onEvent: options.onEvent,
    bindTo: options.bindTo ? { ip: options.bindTo.ip ?? false, userAgent: options.bindTo.userAgent ?? false } : undefined,
    deviceAddress: options.deviceAddress === true,
    migrateFrom: options.migrateFrom,
    csrf: resolveCsrf(options.csrf),
  };
}
