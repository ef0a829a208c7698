/**
 * Next's request and response as the core sees them: the request's headers from `next/headers`
 * (or a proxy's `NextRequest`), and the response's cookies through `cookies()`, the only way Next
 * lets Route Handlers and Server Actions set one.
 */
import type { SessionRequest, SessionResponse } from '@sess/core';
import type { cookies } from 'next/headers';

/** What Next's `cookies()` resolves to, in the parts this adapter uses. */
export type NextCookieStore = Awaited<ReturnType<typeof cookies>>;

/** The request headers, as `headers()` or a `NextRequest` gives them. */
export interface HeaderSource {
  get(name: string): string | null;
}

/** How the client's address is found, for sessions bound to it (`bindTo: { ip: true }`). */
export type AddressOf = (headers: HeaderSource) => string | undefined;

/**
 * The request as the core sees it. `secure` from `X-Forwarded-Proto`, which Next's server sets
 * from the connection when no proxy did: a client that lies only gets a `Secure` cookie its own
 * browser withholds.
 */
export class NextSessionRequest implements SessionRequest {
  readonly cookie: string | null;
  readonly method: string;
  readonly path: string | undefined;
  readonly #headers: HeaderSource;
  readonly #ip: AddressOf | undefined;

  /**
   * @param method - the request's method; a Server Action's is always `POST`.
   * @param path - the URL path, when known (a Server Action does not see it).
   */
  constructor(headers: HeaderSource, ip: AddressOf | undefined, method: string, path: string | undefined) {
    this.#headers = headers;
    this.#ip = ip;
    this.cookie = headers.get('cookie');
    this.method = method;
    this.path = path;
  }

  get origin(): string | null {
    return this.#headers.get('origin');
  }

  get secFetchSite(): string | null {
    return this.#headers.get('sec-fetch-site');
  }

  /**
   * `X-Forwarded-Host`, which Next's server sets from `Host` when no proxy did, like the scheme of
   * `secure`: the two make the app's origin for the CSRF check.
   */
  get host(): string | undefined {
    return firstValue(this.#headers.get('x-forwarded-host') ?? this.#headers.get('host'));
  }

  header(name: string): string | undefined {
    return this.#headers.get(name) ?? undefined;
  }

  get secure(): boolean {
    return firstValue(this.#headers.get('x-forwarded-proto')) === 'https';
  }

  get ip(): string | undefined {
    return this.#ip?.(this.#headers);
  }

  get userAgent(): string | undefined {
    return this.#headers.get('user-agent') ?? undefined;
  }
}

/** The first of a header's comma-separated values (the one the client's nearest proxy wrote). */
function firstValue(header: string | null): string | undefined {
  return header?.split(',')[0]?.trim() || undefined;
}

/**
 * The response as the core sees it, for Route Handlers and Server Actions: `Set-Cookie` goes to
 * `cookies().set()` (Next puts it on the response, the redirect of `redirect()` included); the
 * other headers (`Vary`, `Cache-Control`) are kept for a Route Handler's own `Response`.
 */
export class CookieStoreResponse implements SessionResponse {
  /** Headers other than `Set-Cookie` the core set, for the Route Handler's response. */
  readonly headers = new Map<string, string>();
  readonly #cookies: NextCookieStore;
  readonly #sent: Headers | undefined;

  /** @param sent - the headers of the response the handler returned, if any (read for `getHeader`). */
  constructor(cookies: NextCookieStore, sent?: Headers) {
    this.#cookies = cookies;
    this.#sent = sent;
  }

  getHeader(name: string): string | undefined {
    return this.headers.get(name.toLowerCase()) ?? this.#sent?.get(name) ?? undefined;
  }

  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), value);
  }

  appendHeader(name: string, value: string): void {
    if (name.toLowerCase() !== 'set-cookie') {
      const current = this.getHeader(name);
      this.setHeader(name, current === undefined ? value : `${current}, ${value}`);
      return;
    }
    const { name: cookieName, value: cookieValue, ...options } = parseSetCookie(value);
    this.#cookies.set(cookieName, cookieValue, options);
  }
}

/** A `Set-Cookie` value as the attributes `cookies().set()` takes. */
interface CookieAttributes {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
  partitioned?: boolean;
}

/**
 * Reads back the `Set-Cookie` value the core wrote (`name=value; Path=/; Max-Age=…; Expires=…;
 * HttpOnly; Secure; SameSite=Lax; Partitioned`), so that Next writes the same cookie.
 */
export function parseSetCookie(header: string): CookieAttributes {
  const [pair = '', ...attributes] = header.split('; ');
  const equals = pair.indexOf('=');
  const cookie: CookieAttributes = { name: pair.slice(0, equals), value: pair.slice(equals + 1) };
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).toLowerCase();
    const value = at === -1 ? '' : attribute.slice(at + 1);
    if (key === 'path') cookie.path = value;
    else if (key === 'domain') cookie.domain = value;
    else if (key === 'max-age') cookie.maxAge = Number(value);
    else if (key === 'expires') cookie.expires = new Date(value);
    else if (key === 'httponly') cookie.httpOnly = true;
    else if (key === 'secure') cookie.secure = true;
    else if (key === 'samesite') cookie.sameSite = value.toLowerCase() as CookieAttributes['sameSite'];
    else if (key === 'partitioned') cookie.partitioned = true;
  }
  return cookie;
}

