/** A response and a cookie jar small enough to drive the session interfaces directly in tests. */
import type { SessionInterface } from '../sessions/base-sessions.js';
import type { SessionResponse } from '../sessions/http-types.js';
import type { Session } from '../session/session.js';

/** A `SessionResponse` over a header map, remembering every `Set-Cookie`. */
export class TestResponse implements SessionResponse {
  readonly headers = new Map<string, string>();
  readonly setCookies: string[] = [];

  getHeader(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }

  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), value);
  }

  appendHeader(name: string, value: string): void {
    if (name.toLowerCase() === 'set-cookie') this.setCookies.push(value);
    else this.headers.set(name.toLowerCase(), value);
  }
}

/** One browser: keeps the session cookie between requests. */
export class Browser {
  cookie: string | undefined;

  constructor(private readonly sessions: SessionInterface<Record<string, unknown>>) {}

  /** Opens the session, runs `handler`, saves, and keeps the cookie the response set. */
  async request<R>(
    handler: (session: Session<Record<string, unknown>>) => R | Promise<R>,
  ): Promise<{ result: R; response: TestResponse }> {
    const header = this.cookie === undefined ? undefined : `${this.sessions.cookieName}=${this.cookie}`;
    const session = await this.sessions.open({ cookie: header });
    const result = await handler(session);
    const response = new TestResponse();
    await this.sessions.save(session, response);
    for (const cookie of response.setCookies) {
      const value = cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));
      this.cookie = /Max-Age=0/.test(cookie) ? undefined : value;
    }
    return { result, response };
  }
}
