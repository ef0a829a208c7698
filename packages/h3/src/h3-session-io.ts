/**
 * An h3 event's request and response as the core sees them, through h3's own helpers so that they
 * hold wherever h3 runs its Node-like request and response (Node's server, Nitro's presets).
 */
import { SessionConfigError, type SessionRequest, type SessionResponse } from '@sess/core';
import {
  appendResponseHeader,
  getRequestHeader,
  getRequestHost,
  getRequestIP,
  getRequestProtocol,
  getResponseHeader,
  setResponseHeader,
  type H3Event,
} from 'h3';

/**
 * The request as the core sees it. Getters, because the core reads `secure`, `ip` and the user
 * agent only to write a cookie or check a binding.
 */
export class H3SessionRequest implements SessionRequest {
  readonly cookie: string | undefined;
  readonly method: string;
  readonly #event: H3Event;
  readonly #ip: ((event: H3Event) => string | undefined) | undefined;

  constructor(event: H3Event, ip: ((event: H3Event) => string | undefined) | undefined) {
    this.#event = event;
    this.#ip = ip;
    this.cookie = getRequestHeader(event, 'cookie');
    this.method = event.method;
  }

  get origin(): string | undefined {
    return getRequestHeader(this.#event, 'origin');
  }

  get secFetchSite(): string | undefined {
    return getRequestHeader(this.#event, 'sec-fetch-site');
  }

  /** `X-Forwarded-Host` when present, like `secure` believes `X-Forwarded-Proto`: the two make the app's origin. */
  get host(): string {
    return getRequestHost(this.#event, { xForwardedHost: true });
  }

  /** The path the client asked for (before any router or `useBase` prefix was taken off), without the query. */
  get path(): string {
    const request = this.#event.node.req as { originalUrl?: string; url?: string };
    const url = request.originalUrl ?? request.url ?? '/';
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }

  header(name: string): string | undefined {
    return getRequestHeader(this.#event, name);
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
    return getRequestHeader(this.#event, 'user-agent');
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
