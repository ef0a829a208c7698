/**
 * The shape of session data. Augment it to type your sessions everywhere at once; the keys declared
 * here then are the only keys (see {@link SessionValues}):
 *
 * ```ts
 * declare module '@sess/core' {
 *   interface SessionData { user: string; cart: string[] }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SessionData {}

/**
 * The data type sessions have when none is given: the keys declared in {@link SessionData}, and
 * only those (a misspelled key is a compile error), or any string key with `unknown` values while
 * nothing is declared.
 */
export type SessionValues = keyof SessionData extends never ? Record<string, unknown> : SessionData;

/** A flash message (Flask's `flash`): shown once, then gone. */
export interface Flash {
  /** The text to show. */
  message: string;
  /** A free-form category, such as `message`, `error` or `success`. @default 'message' */
  category: string;
}

/** Per-session expiry settings, as `Session.setExpiry` and `Session.permanent` leave them. */
export interface ExpirySettings {
  /** Idle timeout of this session in seconds, instead of the default. */
  idle?: number;
  /** A fixed end (epoch ms): the session is not renewed past it. */
  until?: number;
  /** A browser-session cookie: no `Max-Age`, gone when the browser closes. */
  browser?: boolean;
}

/** Keys the core keeps inside session data for its own use; user code cannot set them. */
export const FLASH_KEY = '__flash';
/** See {@link FLASH_KEY}. */
export const EXPIRY_KEY = '__expiry';
/** See {@link FLASH_KEY}. */
export const BIND_KEY = '__bind';
/** See {@link FLASH_KEY}: the secret behind `session.csrfToken()`. */
export const CSRF_KEY = '__csrf';
/** See {@link FLASH_KEY}: the device a server-side session was made on ({@link DeviceInfo}). */
export const DEVICE_KEY = '__device';

/** What the session registry keeps about the device of a session, inside its data, from its creation. */
export interface DeviceInfo {
  /** A short label derived from the User-Agent, such as "Firefox on Linux". */
  label: string;
  /** The client address, truncated (IPv4 /24, IPv6 /48), when `deviceAddress` is on. */
  address?: string;
}
