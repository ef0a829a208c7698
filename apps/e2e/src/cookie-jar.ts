/** One cookie as a server set it. */
export interface StoredCookie {
  name: string;
  value: string;
  /** Attributes as sent, lower-cased names (`httponly`, `samesite`, `max-age`...); flags map to `''`. */
  attributes: Map<string, string>;
  /** Epoch ms after which the cookie is gone; `undefined` for a browser-session cookie. */
  expiresAt: number | undefined;
}

/** Parses one `Set-Cookie` header value. */
export function parseSetCookie(header: string, now = Date.now()): StoredCookie {
  const [pair = '', ...parts] = header.split(';');
  const equals = pair.indexOf('=');
  const name = pair.slice(0, equals).trim();
  const value = pair.slice(equals + 1).trim();
  const attributes = new Map<string, string>();
  for (const part of parts) {
    const index = part.indexOf('=');
    const key = (index === -1 ? part : part.slice(0, index)).trim().toLowerCase();
    attributes.set(key, index === -1 ? '' : part.slice(index + 1).trim());
  }
  let expiresAt: number | undefined;
  const maxAge = attributes.get('max-age');
  const expires = attributes.get('expires');
  // Max-Age wins over Expires (RFC 6265 5.3).
  if (maxAge !== undefined) expiresAt = now + Number(maxAge) * 1000;
  else if (expires !== undefined) expiresAt = Date.parse(expires);
  return { name, value, attributes, expiresAt };
}

/**
 * A small cookie jar for one host: keeps what `Set-Cookie` headers say, forgets expired cookies,
 * and writes the `Cookie` header. Enough for the sample apps (one host, path `/`).
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  /** Applies the `Set-Cookie` headers of a response. */
  store(setCookieHeaders: readonly string[]): void {
    for (const header of setCookieHeaders) {
      const cookie = parseSetCookie(header);
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now()) this.#cookies.delete(cookie.name);
      else this.#cookies.set(cookie.name, cookie);
    }
  }

  /** The value of a cookie, if the jar holds it. */
  get(name: string): string | undefined {
    return this.#live(name)?.value;
  }

  /** Puts a cookie in by hand (to replay an old one or to tamper with one). */
  set(name: string, value: string): void {
    this.#cookies.set(name, { name, value, attributes: new Map(), expiresAt: undefined });
  }

  /** Removes a cookie. */
  delete(name: string): void {
    this.#cookies.delete(name);
  }

  /** The `Cookie` request header, or `undefined` when the jar is empty. */
  header(): string | undefined {
    const pairs = [...this.#cookies.keys()].flatMap((name) => {
      const cookie = this.#live(name);
      return cookie ? [`${cookie.name}=${cookie.value}`] : [];
    });
    return pairs.length === 0 ? undefined : pairs.join('; ');
  }

  #live(name: string): StoredCookie | undefined {
    const cookie = this.#cookies.get(name);
    if (cookie?.expiresAt !== undefined && cookie.expiresAt <= Date.now()) {
      this.#cookies.delete(name);
      return undefined;
    }
    return cookie;
  }
}
