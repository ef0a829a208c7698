/**
 * Koa 2 and 3 middleware: opens the session before the downstream middleware runs and saves it
 * after they are done, before Koa sends the response.
 */
import {
  toSessionInterface,
  type Session,
  type SessionData,
  type SessionInterface,
  type SessionRequest,
  type SessionResponse,
  type SessionsOptions,
} from '@sess/core';
import type { ExtendableContext, Middleware } from 'koa';

declare module 'koa' {
  // ExtendableContext is part of every context type, also an app's own `Koa<State, Context>`,
  // and exists under the same name in @types/koa 2 and 3.
  interface ExtendableContext {
    /** The session of this request, opened by `@sess/koa`'s `session()` middleware. */
    session: Session<SessionData>;
  }
}

/**
 * Sessions for Koa 2 and 3. Pass the session interface made by `createSessions`, or its options (the
 * middleware then creates one). `ctx.session` is then available in every later middleware.
 *
 * Saving happens when the downstream middleware have finished (`try { await next() } finally
 * { save }`), before Koa writes the response, so the client's next request always sees the change.
 * A store failure is thrown as `StoreUnavailableError` for Koa's error handling to answer.
 */
export function session(sessionsOrOptions: SessionInterface<SessionData> | SessionsOptions<SessionData>): Middleware {
  const sessions = toSessionInterface(sessionsOrOptions);
  return async (context, next) => {
    const opened = await sessions.open(new KoaSessionRequest(context));
    context.session = opened;
    try {
      await next();
    } catch (error) {
      // Still save (it also releases the session's lock), but the handler's error is the one to report.
      await sessions.save(opened, new KoaSessionResponse(context)).catch(() => undefined);
      throw error;
    }
    // A read-only request is saved on the spot: no promise to wait for.
    const response = new KoaSessionResponse(context);
    const pending = sessions.commit(opened, response);
    if (pending !== undefined) await pending;
  };
}

/**
 * The request as the core sees it. Getters, because Koa derives `secure` and `ip` from headers and
 * proxy settings, work the core rarely needs; a class, because V8 builds object literals with
 * accessors on a slow path that costs more than the work they save.
 */
class KoaSessionRequest implements SessionRequest {
  readonly cookie: string | undefined;
  readonly #context: ExtendableContext;

  constructor(context: ExtendableContext) {
    this.#context = context;
    this.cookie = context.get('Cookie') || undefined;
  }

  get secure(): boolean {
    return this.#context.secure;
  }

  get ip(): string {
    return this.#context.ip;
  }

  get userAgent(): string | undefined {
    return this.#context.get('User-Agent') || undefined;
  }
}

/** The response as the core sees it: its headers. */
class KoaSessionResponse implements SessionResponse {
  readonly #context: ExtendableContext;

  constructor(context: ExtendableContext) {
    this.#context = context;
  }

  getHeader(name: string): string | undefined {
    const value: unknown = this.#context.response.get(name);
    if (value === undefined || value === '') return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  setHeader(name: string, value: string): void {
    this.#context.set(name, value);
  }

  appendHeader(name: string, value: string): void {
    this.#context.append(name, value);
  }
}
