/** The handler's `Response` as the core sees it, changed only through a copy. */
import type { SessionResponse } from '@sess/core';

/**
 * Writes the session's headers onto a copy of the handler's response, made at the first write:
 * the headers of `Response.redirect()`, `Response.json()` in some runtimes and a `fetch()` result
 * are immutable, and a response the app keeps and returns again (a `const notFound = new
 * Response(null, { status: 404 })`) must not carry one visitor's cookie to the next. The copy
 * takes the same body stream, so a streamed body stays streamed.
 */
export class ResponseHeaders implements SessionResponse {
  /** The response to send: the handler's, or its copy once a header was written. */
  response: Response;
  #copied = false;

  constructor(response: Response) {
    this.response = response;
  }

  getHeader(name: string): string | undefined {
    return this.response.headers.get(name) ?? undefined;
  }

  setHeader(name: string, value: string): void {
    this.#writable().set(name, value);
  }

  appendHeader(name: string, value: string): void {
    this.#writable().append(name, value);
  }

  #writable(): Headers {
    if (!this.#copied) {
      this.#copied = true;
      // A status below 200 (a WebSocket upgrade's 101) cannot be given to `new Response`, and the
      // response is this request's own: its headers are written in place.
      // A fresh `Headers`, not the response as `init`: node-server's `Response` would keep the
      // original (immutable) headers object.
      const { body, status, statusText, headers } = this.response;
      if (status >= 200) this.response = new Response(body, { status, statusText, headers: new Headers(headers) });
    }
    return this.response.headers;
  }
}

/** Where the headers of a session go when the handler threw: there is no response to put them on. */
export const NO_RESPONSE: SessionResponse = {
  getHeader: () => undefined,
  setHeader: () => {},
  appendHeader: () => {},
};
