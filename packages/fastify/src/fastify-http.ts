/**
 * A Fastify request and reply as the core sees them: a `SessionRequest` and a `SessionResponse`.
 */
import type { ServerResponse } from 'node:http';
import type { SessionRequest, SessionResponse } from '@sess/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The request as the core sees it. Getters, because Fastify derives `protocol` and `ip` from its
 * `trustProxy` setting, work the core rarely needs; a class, because V8 builds object literals with
 * accessors on a slow path that costs more than the work they save.
 */
export class RequestView implements SessionRequest {
  readonly cookie: string | undefined;
  readonly method: string;
  readonly #request: FastifyRequest;
  /**
   * `request.headers` when the session opens, for what opening reads: Fastify's getter, which
   * builds a new object on each call once a hook has replaced the headers.
   */
  readonly #headers: FastifyRequest['headers'];

  constructor(request: FastifyRequest) {
    this.#request = request;
    this.#headers = request.headers;
    // Node joins several Cookie headers with '; ' already.
    this.cookie = this.#headers.cookie;
    this.method = request.method;
  }

  get origin(): string | undefined {
    return this.#headers.origin;
  }

  get secFetchSite(): string | undefined {
    return this.header('sec-fetch-site');
  }

  /**
   * The host and port the client addressed: Fastify 5's `request.host`, Fastify 4's
   * `request.hostname` (which still had the port); both take `X-Forwarded-Host` only where
   * `trustProxy` trusts the peer, as `protocol` does for `secure`.
   */
  get host(): string | undefined {
    const request = this.#request as FastifyRequest & { host?: string };
    return request.host ?? request.hostname;
  }

  get path(): string {
    const url = this.#request.url;
    const query = url.indexOf('?');
    return query === -1 ? url : url.slice(0, query);
  }

  header(name: string): string | undefined {
    const value = this.#headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  get secure(): boolean {
    return this.#request.protocol === 'https';
  }

  get ip(): string | undefined {
    return this.#request.ip;
  }

  get userAgent(): string | undefined {
    // Read when a session is saved, after the routes: the headers as they are then.
    return this.#request.headers['user-agent'];
  }
}

/** The response as the core sees it: the headers of the reply, which Fastify writes after `onSend`. */
export class ReplySessionResponse implements SessionResponse {
  readonly #reply: FastifyReply;

  constructor(reply: FastifyReply) {
    this.#reply = reply;
  }

  getHeader(name: string): string | undefined {
    return headerText(this.#reply.getHeader(name));
  }

  setHeader(name: string, value: string): void {
    // Fastify's `header()` adds to an existing Set-Cookie rather than replacing it.
    if (isSetCookie(name)) this.#reply.removeHeader(name);
    this.#reply.header(name, value);
  }

  appendHeader(name: string, value: string): void {
    const reply = this.#reply;
    const current = isSetCookie(name) ? undefined : reply.getHeader(name);
    if (current === undefined) reply.header(name, value);
    // As Node's appendHeader: one more line of the same header.
    else reply.header(name, Array.isArray(current) ? [...current, value] : [String(current), value]);
  }
}

/** The response as the core sees it once the reply is hijacked: Node's own response. */
export class HijackedSessionResponse implements SessionResponse {
  readonly #response: ServerResponse;

  constructor(response: ServerResponse) {
    this.#response = response;
  }

  getHeader(name: string): string | undefined {
    return headerText(this.#response.getHeader(name));
  }

  setHeader(name: string, value: string): void {
    this.#response.setHeader(name, value);
  }

  appendHeader(name: string, value: string): void {
    this.#response.appendHeader(name, value);
  }
}

function isSetCookie(name: string): boolean {
  return name.length === 10 && name.toLowerCase() === 'set-cookie';
}

function headerText(value: number | string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
