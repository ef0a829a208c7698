/** A Web `Request` as the core sees it. */
import type { SessionRequest } from '@sess/core';

/**
 * The request of one session run. Getters, because the core reads most of these only to write a
 * cookie, check a binding or check a cross-site POST; a class, because V8 builds object literals
 * with accessors on a slow path that costs more than the work they save.
 */
export class FetchSessionRequest<A extends unknown[]> implements SessionRequest {
  readonly cookie: string | undefined;
  readonly method: string;
  readonly #request: Request;
  readonly #args: A;
  readonly #ip: ((request: Request, ...args: A) => string | undefined) | undefined;
  #url: URL | undefined;

  constructor(request: Request, args: A, ip: ((request: Request, ...args: A) => string | undefined) | undefined) {
    this.#request = request;
    this.#args = args;
    this.#ip = ip;
    this.cookie = request.headers.get('Cookie') ?? undefined;
    this.method = request.method;
  }

  get secure(): boolean {
    return this.#request.url.startsWith('https:');
  }

  get ip(): string | undefined {
    return this.#ip?.(this.#request, ...this.#args);
  }

  get userAgent(): string | undefined {
    return this.header('User-Agent');
  }

  get origin(): string | undefined {
    return this.header('Origin');
  }

  get secFetchSite(): string | undefined {
    return this.header('Sec-Fetch-Site');
  }

  /** The host of the request's URL, which also gives `secure` its scheme. */
  get host(): string {
    return this.#parsedUrl().host;
  }

  get path(): string {
    return this.#parsedUrl().pathname;
  }

  header(name: string): string | undefined {
    return this.#request.headers.get(name) ?? undefined;
  }

  #parsedUrl(): URL {
    return (this.#url ??= new URL(this.#request.url));
  }
}
