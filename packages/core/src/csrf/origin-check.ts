/**
 * The origin check: browsers say where an unsafe request comes from (`Sec-Fetch-Site`, `Origin`),
 * and a request another site made the browser send is refused before the session is opened. One
 * rule for every adapter, which only passes the headers and the app's own host along.
 */
import type { SessionRequest } from '../sessions/http-types.js';
import type { ResolvedCsrf } from './csrf-options.js';

/** Why a request was refused as a cross-site request forgery. */
export type CsrfRefusal =
  /** The browser marked it `Sec-Fetch-Site: cross-site` and its origin is not allowed. */
  | 'cross-site'
  /** `Sec-Fetch-Site: same-site` (another subdomain) from an origin that is not allowed. */
  | 'same-site'
  /** An `Origin` header that is neither the app's own origin nor an allowed one. */
  | 'origin'
  /** Tokens are required and the request carried none. */
  | 'token-missing'
  /** The token does not belong to this session (forged, stale, or from before a logout). */
  | 'token-invalid';

/**
 * Whether a request's method may change something: POST, PUT, PATCH and DELETE. Methods outside
 * the four (WebDAV's, custom ones) count as unsafe too; only GET, HEAD, OPTIONS and TRACE are safe.
 */
export function isUnsafeMethod(method: string | undefined): boolean {
  switch (method) {
    case 'POST':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return true;
    case undefined:
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
    case 'TRACE':
      return false;
    default:
      return !/^(get|head|options|trace)$/i.test(method);
  }
}

/** Whether the checks apply to `request`: an unsafe method, not left alone by `skip`. */
export function isGuarded(request: SessionRequest, csrf: ResolvedCsrf): boolean {
  return isUnsafeMethod(request.method) && (csrf.skip === undefined || csrf.skip(request) !== true);
}

/**
 * Why the origin check refuses `request`, or `undefined` when it is served. Call only for guarded
 * requests ({@link isGuarded}). An allowed `Origin` is served whatever `Sec-Fetch-Site` says;
 * otherwise the browser's `Sec-Fetch-Site` decides when present, else the `Origin` header compared
 * with the app's own origin; a request with neither header (no browser sent it) is served.
 */
export function refusedOrigin(request: SessionRequest, csrf: ResolvedCsrf): CsrfRefusal | undefined {
  const origin = request.origin ?? undefined;
  if (origin !== undefined && csrf.allowedOrigins.size > 0 && csrf.allowedOrigins.has(origin.toLowerCase())) return undefined;
  switch (request.secFetchSite?.toLowerCase()) {
    case 'same-origin':
    case 'none': // typed into the address bar, a bookmark: no other site was involved
      return undefined;
    case 'cross-site':
      return 'cross-site';
    case 'same-site':
      return csrf.allowSameSite || (origin !== undefined && isOwnOrigin(origin, request)) ? undefined : 'same-site';
    default:
      return origin === undefined || isOwnOrigin(origin, request) ? undefined : 'origin';
  }
}

/** Whether `origin` is the app's own: the scheme `secure` says, and the host (and port) it was reached at. */
function isOwnOrigin(origin: string, request: SessionRequest): boolean {
  const host = request.host;
  if (host === undefined || host === '') return false;
  const secure = request.secure === true;
  const scheme = secure ? 'https://' : 'http://';
  // Browsers send origins in lower case without the default port, and so do most Host headers.
  if (origin.length === scheme.length + host.length && origin.startsWith(scheme) && origin.endsWith(host)) return true;
  if (origin.length < scheme.length || origin.slice(0, scheme.length).toLowerCase() !== scheme) return false;
  return withoutDefaultPort(origin.slice(scheme.length).toLowerCase(), secure) === withoutDefaultPort(host.toLowerCase(), secure);
}

/** `host:port` without the scheme's default port, as browsers write origins. */
function withoutDefaultPort(host: string, secure: boolean): string {
  const port = secure ? ':443' : ':80';
  return host.endsWith(port) ? host.slice(0, -port.length) : host;
}
