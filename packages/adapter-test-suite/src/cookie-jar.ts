/**
 * A browser's cookie handling, reduced to what session tests need: send back what the server set,
 * forget a cookie the server expires.
 */
export class CookieJar {
  /** Cookie values by name. */
  readonly cookies = new Map<string, string>();

  /** @param base the server's base URL, such as `http://127.0.0.1:3000` */
  constructor(private readonly base: string) {}

  /** `fetch` a path of the server with this jar's cookies; stores the response's `Set-Cookie`s. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('Cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      const maxAge = attributes.map((attribute) => attribute.trim()).find((attribute) => /^max-age=/i.test(attribute));
      if (maxAge !== undefined && Number(maxAge.slice('max-age='.length)) <= 0) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(pair.indexOf('=') + 1).trim());
    }
    return response;
  }

  /** A jar holding the same cookies, to replay them later. */
  copy(): CookieJar {
    const copy = new CookieJar(this.base);
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}
