/** A Web `Request` as the core sees it. */
import type { SessionRequest } from '@sess/core';

/**
 * The request of one session run. Getters, because the core reads `secure`, `ip` and the user
 * agent only to write a cookie or check a binding; a class, because V8 builds object literals with
 * accessors on a slow path that costs more than the work they save.
 */
export class FetchSessionRequest<A extends unknown[]> implements SessionRequest {
  readonly cookie: string | undefined;
  readonly #request: Request;
  readonly #args: A;
  readonly #ip: ((request: Request, ...args: A) => string | undefined) | undefined;

  constructor(request: Request, args: A, ip: ((request: Request, ...args: A) => string | undefined) | undefined) {
    this.#request = request;
    this.#args = args;
    this.#ip = ip;
    this.cookie = request.headers.get('Cookie') ?? undefined;
  }

  get secure(): boolean {
    return this.#request.url.startsWith('https:');
  }

  get ip(): string | undefined {
    return this.#ip?.(this.#request, ...this.#args);
  }

  get userAgent(): string | undefined {
    return this.#request.headers.get('User-Agent') ?? undefined;
  }
}
