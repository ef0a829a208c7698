/**
 * The options of cross-site request forgery protection (`createSessions({ csrf })`), checked once at
 * construction like every other option.
 */
import { SessionConfigError } from '../errors.js';
import { refuseUnknownOptions } from '../options/option-names.js';
import type { SessionRequest } from '../sessions/http-types.js';

/** Synchronizer tokens: where a submitted token is looked for before the handler runs. */
export interface CsrfTokenOptions {
  /** The request header that carries the token (fetch and XHR clients). @default 'x-csrf-token' */
  header?: string;
  /**
   * The form field that carries it, read from a body the framework already parsed before the
   * session middleware ran (Express's `req.body`, Koa's `ctx.request.body`). Otherwise the handler
   * calls `session.verifyCsrfToken(value)` itself. @default '_csrf'
   */
  field?: string;
}

/**
 * Cross-site request forgery protection. The origin check is on unless `csrf: false`; synchronizer
 * tokens are on with `token`.
 */
export interface CsrfOptions {
  /**
   * Origins besides the app's own whose unsafe requests are served, such as
   * `'https://admin.example.com'` (scheme, host and port; no path).
   * @default []
   */
  allowedOrigins?: readonly string[];
  /**
   * Serve unsafe requests that browsers mark `Sec-Fetch-Site: same-site` (another subdomain of the
   * same site) from any origin. Only when every subdomain is trusted.
   * @default false
   */
  allowSameSite?: boolean;
  /**
   * Requests the checks leave alone, such as webhooks posted by other servers:
   * `(request) => request.path?.startsWith('/webhooks/') === true`.
   * @default undefined (none)
   */
  skip?: (request: SessionRequest) => boolean;
  /**
   * Require a synchronizer token (`session.csrfToken()`) on unsafe requests as well, for apps that
   * must also protect old browsers (no `Origin` or `Sec-Fetch-Site`) or use `SameSite=None` cookies.
   * @default false
   */
  token?: boolean | CsrfTokenOptions;
}

/** {@link CsrfOptions} with every default applied; `undefined` when the protection is off. */
export interface ResolvedCsrf {
  /** Allowed origins besides the app's own, normalized (`https://a.example`). */
  allowedOrigins: ReadonlySet<string>;
  allowSameSite: boolean;
  skip: ((request: SessionRequest) => boolean) | undefined;
  /** Where tokens are read from, when tokens are required. */
  token: { header: string; field: string } | undefined;
}

const CSRF_OPTION_NAMES = ['allowedOrigins', 'allowSameSite', 'skip', 'token'] as const;
const TOKEN_OPTION_NAMES = ['header', 'field'] as const;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** An origin as browsers send it in `Origin`: lower-case scheme and host, no default port, no path. */
function normalizeOrigin(origin: unknown): string {
  if (typeof origin !== 'string') {
    throw new SessionConfigError(`csrf \`allowedOrigins\` takes origin strings such as 'https://app.example.com', not ${typeof origin}`);
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new SessionConfigError(`csrf \`allowedOrigins\` has "${origin}", which is not an origin such as 'https://app.example.com'`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || origin.replace(/\/$/, '').toLowerCase() !== url.origin) {
    throw new SessionConfigError(
      `csrf \`allowedOrigins\` has "${origin}": give the scheme, host and port only, as browsers send it in \`Origin\` (such as '${url.origin === 'null' ? 'https://app.example.com' : url.origin}')`,
    );
  }
  return url.origin;
}

/** Validates the `csrf` option and applies defaults; throws `SessionConfigError` on any mistake. */
export function resolveCsrf(options: CsrfOptions | boolean | undefined): ResolvedCsrf | undefined {
  if (options === false) return undefined;
  if (options === undefined || options === true) return { allowedOrigins: new Set(), allowSameSite: false, skip: undefined, token: undefined };
  if (typeof options !== 'object' || options === null) {
    throw new SessionConfigError('`csrf` takes an options object, or `false` to turn the protection off');
  }
  refuseUnknownOptions('createSessions({ csrf })', options, CSRF_OPTION_NAMES);
  if (options.allowedOrigins !== undefined && !Array.isArray(options.allowedOrigins)) {
    throw new SessionConfigError('csrf `allowedOrigins` takes an array of origins');
  }
  if (options.skip !== undefined && typeof options.skip !== 'function') {
    throw new SessionConfigError('csrf `skip` takes a function of the request that returns true for requests to leave alone');
  }
  if (options.allowSameSite !== undefined && typeof options.allowSameSite !== 'boolean') {
    throw new SessionConfigError(`csrf \`allowSameSite\` takes true or false, not ${JSON.stringify(options.allowSameSite)}`);
  }
  const token = options.token;
  if (token !== undefined && typeof token !== 'boolean' && (typeof token !== 'object' || token === null)) {
    throw new SessionConfigError('csrf `token` takes true, false, or `{ header, field }`');
  }
  if (typeof token === 'object' && token !== null) refuseUnknownOptions('createSessions({ csrf: { token } })', token, TOKEN_OPTION_NAMES);
  const header = (typeof token === 'object' && token?.header) || 'x-csrf-token';
  const field = (typeof token === 'object' && token?.field) || '_csrf';
  if (!HEADER_NAME.test(header)) throw new SessionConfigError(`csrf token \`header\` "${header}" is not a valid header name`);
  return {
    allowedOrigins: new Set((options.allowedOrigins ?? []).map(normalizeOrigin)),
    allowSameSite: options.allowSameSite === true,
    skip: options.skip,
    token: token === true || (typeof token === 'object' && token !== null) ? { header: header.toLowerCase(), field } : undefined,
  };
}
