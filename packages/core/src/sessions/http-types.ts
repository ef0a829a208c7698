/**
 * What the core needs from a framework: a request to read the cookie from and a response to write
 * headers to. An adapter is little more than these two translations.
 */

/** The parts of an HTTP request the core reads. */
export interface SessionRequest {
  /** The raw `Cookie` header, if any (every value, joined with `; ` when a framework splits them). */
  cookie: string | null | undefined;
  /** Whether the request arrived over HTTPS (used by `secure: 'auto'`). */
  secure?: boolean;
  /** The client's address (used only when binding sessions to client traits). */
  ip?: string;
  /** The `User-Agent` header (used only when binding sessions to client traits). */
  userAgent?: string;
  /**
   * The request method, upper-case as received (`POST`). The CSRF checks guard the unsafe ones;
   * without it a request counts as safe, so every adapter passes it.
   */
  method?: string;
  /** The `Origin` header, if any (CSRF origin check). */
  origin?: string | null;
  /** The `Sec-Fetch-Site` header, if any (CSRF origin check). */
  secFetchSite?: string | null;
  /**
   * The host and port the client addressed (`app.example.com`, `127.0.0.1:3001`): the `Host`
   * header, or `X-Forwarded-Host` where the framework trusts its proxy, like `secure`. With
   * `secure` it makes the app's own origin for the CSRF origin check.
   */
  host?: string;
  /** The URL path without the query string, for `csrf.skip` rules. */
  path?: string;
  /** The value of a request header (lower-case name), for the CSRF token header. */
  header?(name: string): string | undefined;
  /**
   * The request body when the framework already parsed it (Express's `req.body`, Koa's
   * `ctx.request.body`), for the CSRF token's form field; `undefined` otherwise.
   */
  body?: unknown;
}

/** The parts of an HTTP response the core writes. */
export interface SessionResponse {
  /** The current value of a response header, if set. */
  getHeader(name: string): string | undefined;
  /** Sets (replaces) a response header. */
  setHeader(name: string, value: string): void;
  /** Adds one more value of a header that may repeat (`Set-Cookie`). */
  appendHeader(name: string, value: string): void;
}
