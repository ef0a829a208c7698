/**
 * An h3 event's request and response as the core sees them. The request's headers are read from
 * `event.node.req.headers`, where h3's own helpers read them wherever h3 runs its Node-like request
 * (Node's server, Nitro's presets), by h3's rule; the response's go through h3's helpers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SessionConfigError, type SessionRequest, type SessionResponse } from '@sess/core';
import { appendResponseHeader, getRequestHost, getRequestIP, getRequestProtocol, getResponseHeader, setResponseHeader, type H3Event } from 'h3';

/** `getRequestHost`'s options: `X-Forwarded-Host` counts, as `X-Forwarded-Proto` does for `secure`. */
const FORWARDED_HOST = { xForwardedHost: true } as const;

/**
 * One request header as h3's `getRequestHeader` gives it: a header Node keeps as a list joined with
 * `, `, its empty entries left out. (h3's helper copies every header of the request into a new
 * object on each call; this reads the one asked for.)
 */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.filter(Boolean).join(', ') : value;
}

/**
 * The request as the core sees it. Getters, because the core reads `secure`, `ip` and the user
 * agent only to write a cookie or check a binding, and the CSRF headers only for unsafe methods.
 */
export class H3SessionRequest implements SessionRequest {
  readonly cookie: string | undefined;
  readonly method: string;
  readonly #event: H3Event;
  readonly #headers: IncomingHttpHeaders;
  readonly #ip: ((event: H3Event) => string | undefined) | undefined;

  constructor(event: H3Event, ip: ((event: H3Event) => string | undefined) | undefined) {
    this.#event = event;
    this.#ip = ip;
    this.#headers = event.node.req.headers;
    this.cookie = headerValue(this.#headers, 'cookie');
    this.method = event.method;
  }

  get origin(): string | undefined {
    return headerValue(this.#headers, 'origin');
  }

  get secFetchSite(): string | undefined {
    return headerValue(this.#headers, 'sec-fetch-site');
  }

  /** `X-Forwarded-Host` when present, like `secure` believes `X-Forwarded-Proto`: the two make the app's origin. */
  get host(): string {
    return getRequestHost(this.#event, FORWARDED_HOST);
  }

  /** The path the client asked for (before any router or `useBase` prefix was taken off), without the query. */
  get path(): string {
    const request = this.#event.node.req as { originalUrl?: string; url?: string };
    const url = request.originalUrl ?? request.url ?? '/';
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }

  header(name: string): string | undefined {
    return headerValue(this.#headers, name.toLowerCase());
  }

  /**
   * From h3's `getRequestProtocol`, which believes `X-Forwarded-Proto` (as Nitro behind its hosts'
   * proxies needs): a client that lies only gets a `Secure` cookie its own browser withholds.
   */
  get secure(): boolean {
    return getRequestProtocol(this.#event) === 'https';
  }

  get ip(): string | undefined {
    return this.#ip === undefined ? getRequestIP(this.#event) : this.#ip(this.#event);
  }

  get userAgent(): string | undefined {
    return headerValue(this.#headers, 'user-agent');
  }
}

/** The response as the core sees it: the headers of `event.node.res`, while they are not sent. */
export class H3SessionResponse implements SessionResponse {
  readonly #event: H3Event;

  constructor(event: H3Event) {
    this.#event = event;
  }

  getHeader(name: string): string | undefined {
    const value = getResponseHeader(this.#event, name);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  setHeader(name: string, value: string): void {
    // Vary and Cache-Control of a response already sent are lost, as they would be without sessions.
    if (this.#sent()) return;
    setResponseHeader(this.#event, name, value);
  }

  appendHeader(name: string, value: string): void {
    if (this.#sent()) {
      throw new SessionConfigError(
        'the response was sent before the session was saved, so its cookie cannot reach the browser: ' +
          '`await saveSession(event)` before `sendRedirect`, `sendStream` or `send`, or return the value instead',
      );
    }
    appendResponseHeader(this.#event, name, value);
  }

  #sent(): boolean {
    return this.#event.node.res.headersSent;
  }
}
