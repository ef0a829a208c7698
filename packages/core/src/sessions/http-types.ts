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
