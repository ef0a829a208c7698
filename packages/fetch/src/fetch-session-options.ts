/**
 * What only the fetch adapter needs besides the options of `createSessions`, checked once at
 * construction.
 */
import { refuseUnknownOptions, type CsrfError, type LockTimeoutError, type StoreUnavailableError } from '@sess/core';

/**
 * Options of `withSession` and `sessionMiddleware`. `A` is what the runtime passes after the
 * request (`[env, ctx]` on Workers, `[server]` on Bun, `[info]` on Deno), handed on to `ip`.
 */
export interface FetchSessionOptions<A extends unknown[] = []> {
  /**
   * The client's address, needed only when sessions are bound to it (`bindTo: { ip: true }`). A
   * `Request` does not carry it: read your runtime's, e.g. `(request, server) => server.requestIP(request)?.address`
   * on Bun, `(request, info) => info.remoteAddr.hostname` on Deno.
   * @default undefined (no address)
   */
  ip?: (request: Request, ...args: A) => string | undefined;
  /**
   * The answer when the store fails (`StoreUnavailableError`), a session's lock is not free in time
   * (`LockTimeoutError`) or a cross-site request is refused (`CsrfError`), while opening, saving or
   * during the handler (a lazy `load()`, a missing CSRF token). Runtimes turn a thrown error into a
   * 500, so the adapter answers itself.
   * @default the error's own `getResponse()`: 503 with `Retry-After: 1`, or 403; messages that say nothing about the store or the request
   */
  onSessionError?: (error: StoreUnavailableError | LockTimeoutError | CsrfError, request: Request) => Response | Promise<Response>;
  /**
   * The answer for an error the handler threw. The session is saved as for any answer and its
   * headers go on this one, so that what the handler changed before failing (a `regenerate()`
   * after a login, say) reaches the browser. Without it the error is thrown on to the runtime or
   * framework after the session was saved: a thrown `Response` gets the session's headers, any
   * other error has no response to carry them.
   * @default undefined (thrown on)
   */
  onError?: (error: unknown, request: Request) => Response | Promise<Response>;
}

const OPTION_NAMES = ['ip', 'onSessionError', 'onError'] as const;

/** Refuses a misspelled or foreign option name at construction, with a hint. */
export function checkFetchSessionOptions(where: string, options: object | undefined): void {
  refuseUnknownOptions(where, options, OPTION_NAMES);
}
