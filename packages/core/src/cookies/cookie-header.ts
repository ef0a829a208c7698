/**
 * Reading the `Cookie` header and writing `Set-Cookie`. Written here rather than taken from the
 * `cookie` package because the core must stay free of dependencies and Node built-ins, it needs every
 * value of a repeated name (a cookie injected by a sibling subdomain must not shadow the real one),
 * and sess's own values are base64url, so no percent-decoding is ever needed.
 */
import type { ResolvedCookieOptions } from './cookie-options.js';

/** At most this many same-named cookies are considered; more is an attack or a broken client. */
const MAX_CANDIDATES = 4;

/** Every value of cookie `name` in a `Cookie` header, in order (at most four). */
export function readCookie(header: string | null | undefined, name: string): string[] {
  const values: string[] = [];
  if (!header) return values;
  let start = 0;
  // The next '=' at or after `start`, found once and reused until passed: searching from every
  // pair would scan the same stretch again for each ';' (quadratic in a header of semicolons).
  let eq = -1;
  while (start < header.length && values.length < MAX_CANDIDATES) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    if (eq < start) {
      eq = header.indexOf('=', start);
      if (eq === -1) break;
    }
    if (eq < end && header.slice(start, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      values.push(value);
    }
    start = end + 1;
  }
  return values;
}

/** The last date formatted by {@link httpDate}, by whole second: most cookies of a busy second share it. */
let lastSecond = Number.NaN;
let lastDate = '';

/** `time` (epoch ms) as an HTTP date such as `Sun, 22 Nov 2026 04:00:00 GMT` (whole seconds, as the format has). */
function httpDate(time: number): string {
  const second = Math.floor(time / 1000);
  if (second !== lastSecond) {
    lastDate = new Date(second * 1000).toUTCString();
    lastSecond = second;
  }
  return lastDate;
}

/** A `Set-Cookie` value. `maxAge` in seconds; `undefined` makes a browser-session cookie, `0` deletes. */
export function serializeCookie(
  value: string,
  options: ResolvedCookieOptions,
  secure: boolean,
  maxAge: number | undefined,
  now: number,
): string {
  let cookie = `${options.name}=${value}; Path=${options.path}`;
  if (options.domain) cookie += `; Domain=${options.domain}`;
  if (maxAge !== undefined) {
    cookie += `; Max-Age=${maxAge}; Expires=${httpDate(maxAge > 0 ? now + maxAge * 1000 : 0)}`;
  }
  if (options.httpOnly) cookie += '; HttpOnly';
  if (secure) cookie += '; Secure';
  cookie += `; SameSite=${options.sameSite === 'lax' ? 'Lax' : options.sameSite === 'strict' ? 'Strict' : 'None'}`;
  if (options.partitioned) cookie += '; Partitioned';
  return cookie;
}
