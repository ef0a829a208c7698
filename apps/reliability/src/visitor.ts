/**
 * One browser, reduced to what the tests need: it keeps the session cookie the app sets, sends JSON
 * and times every answer. A request that gets no answer within `timeoutMs` is reported, not thrown.
 */

/** What one request got. */
export interface Answer {
  /** HTTP status; `0` when no answer came (connection refused or reset, or the timeout ran out). */
  status: number;
  /** The parsed JSON body, the text when it is not JSON, or the network error's message. */
  body: unknown;
  /** The response's `Content-Type`. */
  contentType: string;
  /** Milliseconds from sending to the end of the body. */
  durationMs: number;
}

/** A client of one sample app with its own cookie jar (one cookie: the session). */
export class Visitor {
  /** The `name=value` of the session cookie, once the app set one. */
  cookie: string | undefined;

  /**
   * @param base the app's URL
   * @param timeoutMs how long to wait for an answer before reporting none
   */
  constructor(
    readonly base: string,
    readonly timeoutMs = 5000,
  ) {}

  /** Sends `method path` with `Accept: application/json` and `body` as JSON when given. */
  async request(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookie !== undefined) headers.cookie = this.cookie;
    const started = performance.now();
    try {
      const response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      for (const line of response.headers.getSetCookie()) this.#keep(line);
      const contentType = response.headers.get('content-type') ?? '';
      let parsed: unknown = text;
      if (contentType.includes('json')) {
        try {
          parsed = JSON.parse(text);
        } catch {
          // left as text: the caller's assertion on the body shows it
        }
      }
      return { status: response.status, body: parsed, contentType, durationMs: performance.now() - started };
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      return { status: 0, body: `${(error as Error).message}${cause ? ` (${cause.message})` : ''}`, contentType: '', durationMs: performance.now() - started };
    }
  }

  #keep(line: string): void {
    const [pair = ''] = line.split(';');
    if (/;\s*max-age=0(;|$)/i.test(line)) this.cookie = undefined;
    else this.cookie = pair.trim();
  }
}

/** What `GET /api/session` answers. */
export interface SessionView {
  user: string | null;
  count: number;
  cart: string[];
}
