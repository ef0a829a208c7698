import { CookieJar } from './cookie-jar.js';

/** What a request sends besides its method and URL. */
export interface VisitOptions {
  /** A value sent as a JSON body (`Content-Type: application/json`). */
  json?: unknown;
  /** Fields sent as an urlencoded form body. */
  form?: Record<string, string>;
  /** A raw body (with `headers['content-type']` to say what it is). */
  body?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** A response, read whole. */
export interface VisitResponse {
  status: number;
  headers: Headers;
  /** Every `Set-Cookie` header. */
  setCookies: string[];
  text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = any>(): T;
  /** Milliseconds from sending to having read the whole body. */
  elapsedMs: number;
}

/**
 * One visitor (one browser, as far as cookies go) talking to the apps over real HTTP: each request
 * sends the jar's cookies and stores what comes back. Redirects are not followed, so tests see 303s.
 */
export class Visitor {
  /** The visitor's cookies. */
  readonly jar = new CookieJar();

  /** Sends a request to `baseUrl + path`. */
  async request(baseUrl: string, method: string, path: string, options: VisitOptions = {}): Promise<VisitResponse> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    } else if (options.form !== undefined) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const cookie = this.jar.header();
    if (cookie !== undefined) headers.cookie = cookie;
    const started = performance.now();
    const response = await fetch(new URL(path, baseUrl), { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    const elapsedMs = performance.now() - started;
    const setCookies = response.headers.getSetCookie();
    this.jar.store(setCookies);
    return {
      status: response.status,
      headers: response.headers,
      setCookies,
      text,
      elapsedMs,
      json() {
        return JSON.parse(text);
      },
    };
  }

  /** `GET`. */
  get(baseUrl: string, path: string, options?: VisitOptions): Promise<VisitResponse> {
    return this.request(baseUrl, 'GET', path, options);
  }

  /** `POST`. */
  post(baseUrl: string, path: string, options?: VisitOptions): Promise<VisitResponse> {
    return this.request(baseUrl, 'POST', path, options);
  }

  /** `DELETE`. */
  delete(baseUrl: string, path: string, options?: VisitOptions): Promise<VisitResponse> {
    return this.request(baseUrl, 'DELETE', path, options);
  }
}
