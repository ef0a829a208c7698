/** A Web `Response` as the core sees it, for the adapters of runtimes that answer with one. */
import type { SessionResponse } from './http-types.js';

/**
 * Writes the session's headers onto a handler's `Response`, or onto a copy of it when its headers
 * are immutable (`Response.redirect()`, a `fetch()` result): the copy, made at
 * the first refused write, keeps the status, the headers and the same body stream, so a streamed
 * body stays streamed. Writable headers are written in place: a copy would cost every response
 * its runtime's fast path (`@hono/node-server` sends a string body directly, but a copied body as
 * a stream).
 */
export class WebResponseHeaders implements SessionResponse {
  /** The response to send: the handler's, or its copy once a write was refused. */
  response: Response;

  constructor(response: Response) {
    this.response = response;
  }

  getHeader(name: string): string | undefined {
    return this.response.headers.get(name) ?? undefined;
  }

  setHeader(name: string, value: string): void {
    this.#write((headers) => headers.set(name, value));
  }

  appendHeader(name: string, value: string): void {
    this.#write((headers) => headers.append(name, value));
  }

  #write(write: (headers: Headers) => void): void {
    try {
      write(this.response.headers);
    } catch (error) {
      // Immutable headers refuse every write with a TypeError, the first one included: nothing was
      // written yet. Anything else is not ours to hide.
      if (!(error instanceof TypeError)) throw error;
      this.response = this.replace(this.response);
      write(this.response.headers);
    }
  }

  /**
   * The copy of `response` the headers go on once its own refused a write. An adapter whose
   * framework holds the response (Hono's `c.res`) overrides it to hand the copy over and write on
   * what the framework then holds.
   */
  protected replace(response: Response): Response {
    return copyOf(response);
  }
}

/**
 * A response like `response` with headers of its own. A fresh `Headers`, not `response` as the
 * `init`: node-server's `Response` would keep the original, immutable headers object.
 */
function copyOf(response: Response): Response {
  const { body, status, statusText, headers } = response;
  return new Response(body, { status, statusText, headers: new Headers(headers) });
}
