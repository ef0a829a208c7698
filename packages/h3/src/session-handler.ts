/**
 * h3 1 event handlers with sessions (the h3 of Nuxt 3 and 4 and Nitro 2): the session is opened
 * before the handler runs, put on `event.context.session`, and saved when the handler has returned
 * its value, before h3 sends it.
 */
import {
  SessError,
  SessionConfigError,
  SessionRun,
  toSessionInterface,
  type Session,
  type SessionInterface,
  type SessionsOptions,
  type SessionValues,
} from '@sess/core';
import { createError, defineEventHandler, type EventHandler, type EventHandlerRequest, type H3Event, type H3EventContext } from 'h3';
import { H3SessionRequest, H3SessionResponse } from './h3-session-io.js';

/** `event.context` of a handler made by {@link createSessionHandler}: h3's context with the session. */
export interface SessionContext<T extends object = SessionValues> extends H3EventContext {
  /** The session of this request, opened by the handler's `@sess/h3` wrapper. */
  session: Session<T>;
}

/**
 * The event a session handler receives: h3's `H3Event` whose `context.session` is typed with the
 * app's own session data, without a global declaration.
 */
export type SessionEvent<T extends object = SessionValues, Request extends EventHandlerRequest = EventHandlerRequest> = H3Event<Request> & {
  context: SessionContext<T>;
};

/** Options of {@link createSessionHandler} beyond those of `createSessions`. */
export interface SessionHandlerOptions {
  /**
   * The client's address, needed only when sessions are bound to it (`bindTo: { ip: true }`).
   * @default h3's `getRequestIP(event)`: the socket's address (`X-Forwarded-For` is not trusted)
   */
  ip?: (event: H3Event) => string | undefined;
}

/**
 * Wraps one h3 handler with sessions; made by {@link createSessionHandler}. Use it where
 * `defineEventHandler` would go: `export default defineSessionHandler(async (event) => …)`.
 */
export type DefineSessionHandler<T extends object = SessionValues> = <Request extends EventHandlerRequest = EventHandlerRequest, Response = unknown>(
  handler: (event: SessionEvent<T, Request>) => Response,
) => EventHandler<Request, Response>;

/**
 * The key under which an event keeps the run of its open session, for a nested wrapped handler and
 * {@link saveSession}. A property of the event rather than an entry of a `WeakMap`: a `WeakMap`
 * entry per request keeps the request's objects alive through young-generation collections.
 */
const RUN = Symbol('@sess/h3 run');

/** An event as the wrapper sees it: with the run of its session once the session is open. */
type RunCarrier = H3Event & { [RUN]?: SessionRun<SessionValues> };

/**
 * Sessions for h3. Pass the session interface made by `createSessions`, or its options (a session
 * interface is then created once, here). Returns the wrapper for handlers, conventionally named
 * `defineSessionHandler` (in Nitro and Nuxt, export it from `server/utils/` to have it auto-imported).
 *
 * The session is saved when the handler's promise settles, before h3 sends the value it returned,
 * so the client's next request always sees the change; also when the handler threw (the session's
 * headers are then on h3's error response). A store failure rejects with `StoreUnavailableError`
 * wrapped in h3's error (`statusCode` 503, the sess error as `cause`), which h3 answers or hands to
 * the app's `onError`. A handler that sends its
 * response itself (`sendRedirect`, `sendStream`, `send`) must `await saveSession(event)` first.
 */
export function createSessionHandler<T extends object = SessionValues>(
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
  options: SessionHandlerOptions = {},
): DefineSessionHandler<T> {
  const sessions = toSessionInterface(sessionsOrOptions);
  const ip = options.ip;
  return <Request extends EventHandlerRequest, Response>(handler: (event: SessionEvent<T, Request>) => Response) =>
    defineEventHandler<Request, Response>((async (event: H3Event<Request>) => {
      const sessionEvent = event as SessionEvent<T, Request>;
      const carrier = event as RunCarrier;
      // A wrapped handler called from another one (or the same wrapper twice) shares its session.
      if (carrier[RUN] !== undefined) return handler(sessionEvent);
      let run: SessionRun<T>;
      try {
        run = await SessionRun.open(sessions, new H3SessionRequest(event, ip), () => clientLeft(event));
      } catch (error) {
        toH3Error(error);
      }
      carrier[RUN] = run as unknown as SessionRun<SessionValues>;
      sessionEvent.context.session = run.session;
      let result: Awaited<Response>;
      try {
        result = await handler(sessionEvent);
      } catch (error) {
        await run.saveAfterFailure(new H3SessionResponse(event));
        throw error;
      }
      const pending = run.save(new H3SessionResponse(event));
      if (pending !== undefined) {
        try {
          await pending;
        } catch (error) {
          toH3Error(error);
        }
      }
      return result;
    }) as unknown as EventHandler<Request, Response>);
}

/**
 * Saves the session of `event` now, for a handler that sends its response itself (`sendRedirect`,
 * `sendStream`, `send`, `event.node.res.end`), which h3 does before the handler returns:
 * `await saveSession(event); return sendRedirect(event, '/')`. The session cannot change afterwards.
 * Rejects like the save after the handler (`StoreUnavailableError`); a second call does nothing.
 */
export async function saveSession(event: H3Event): Promise<void> {
  const run = (event as RunCarrier)[RUN];
  if (run === undefined) {
    throw new SessionConfigError(
      'saveSession(event): this event has no session: call it inside a handler made by createSessionHandler(…)',
    );
  }
  try {
    await run.save(new H3SessionResponse(event));
  } catch (error) {
    toH3Error(error);
  }
}

/**
 * Whether the client went away before the answer: its response was torn down before it ended. (A
 * response the handler ended itself is finished and torn down too, but its session is still saved.)
 */
function clientLeft(event: H3Event): boolean {
  const response = event.node.res;
  return response.destroyed === true && response.writableEnded !== true;
}

/**
 * Rethrows a failure of the session itself as h3's error, with the sess error as its `cause`
 * (h3 would otherwise keep only the driver's error below it) and its status: 503 for
 * `StoreUnavailableError` and `LockTimeoutError`, 403 for `CsrfError`, so that h3's and Nitro's
 * error handlers answer it.
 */
function toH3Error(error: unknown): never {
  if (!SessError.isInstance(error)) throw error;
  const status = (error as { statusCode?: unknown }).statusCode;
  throw createError({
    statusCode: typeof status === 'number' ? status : 500,
    message: error.message,
    cause: error,
  });
}
