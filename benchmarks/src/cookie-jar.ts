/**
 * The cookies of one simulated browser: updated from each response's `Set-Cookie`, sent back in
 * `Cookie`. Cookie sessions change their value on writes, so a client must follow them as a
 * browser does, or the count it sees would not persist.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  private header = '';

  /** Applies `Set-Cookie` values; returns whether the `Cookie` header changed. */
  update(setCookies: string | readonly string[] | undefined): boolean {
    if (setCookies === undefined) return false;
    let changed = false;
    for (const setCookie of typeof setCookies === 'string' ? [setCookies] : setCookies) {
      const end = setCookie.indexOf(';');
      const pair = end === -1 ? setCookie : setCookie.slice(0, end);
      const equals = pair.indexOf('=');
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expired = /;\s*max-age=0\b/i.test(setCookie) || value === '';
      if (expired) changed = this.cookies.delete(name) || changed;
      else if (this.cookies.get(name) !== value) {
        this.cookies.set(name, value);
        changed = true;
      }
    }
    if (changed) this.header = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return changed;
  }

  /** The `Cookie` request header. */
  toHeader(): string {
    return this.header;
  }
}

/** The `Set-Cookie` values of an autocannon headers object, whatever the case of its key. */
export function setCookieOf(headers: Record<string, string | string[]>): string | string[] | undefined {
  for (const key in headers) {
    if (key.length === 10 && key.toLowerCase() === 'set-cookie') return headers[key];
  }
  return undefined;
}
