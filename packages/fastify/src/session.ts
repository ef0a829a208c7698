/**
 * Fastify 4 and 5 plugin: opens the session in an `onRequest` hook and saves it in an `onSend` hook,
 * before Fastify writes the reply's headers, so a store failure still reaches the error handler.
 */
import {
  missingSessionError,
  SessionConfigError,
  SessionRun,
  toSessionInterface,
  type Session,
  type SessionValues,
  type SessionInterface,
  type SessionsOptions,
} from '@sess/core';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { HijackedSessionResponse, ReplySessionResponse, RequestView } from './fastify-http.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The session of this request, opened by `@sess/fastify`'s plugin in the scope the plugin was
     * registered in (and the scopes inside it); `undefined` in other scopes.
     */
    session: Session<SessionValues>;
  }
}

/**
 * The plugin made by {@link session}, with the typed way to read a request's session when the app's
 * sessions have their own type `T` rather than the program-wide `SessionData`.
 */
export type SessionPlugin<T extends object = SessionValues> = FastifyPluginAsync & {
  /**
   * The session of `request`, typed as this plugin's sessions: `sessions.of(request).get('cart')`.
   * Throws `SessionConfigError` for a request this plugin did not open a session for (a route of
   * another scope).
   */
  of(request: FastifyRequest): Session<T>;
};

/** The key under which a request keeps its session's run (a decoration of the app's own requests). */
const RUN = Symbol('@sess/fastify run');

/** What the plugin keeps per request. */
class RequestRun {
  /** An error reached Fastify's error handling (`onError`): the save then never replaces it. */
  failed = false;

  constructor(
    readonly run: SessionRun<SessionValues>,
    readonly reply: FastifyReply,
    /** The plugin that opened the session. */
    readonly owner: object,
  ) {}
}

/** The slot of a request whose session is being opened, or could not be opened. */
const OPENING = 'opening';

/** A Fastify request with the plugin's own slot: `null` until the plugin's `onRequest` hook runs. */
interface RunCarrier {
  [RUN]: RequestRun | typeof OPENING | null;
}

/** The plugin's state of `request`, once its session is open. */
function stateOf(request: FastifyRequest): RequestRun | undefined {
  const state = (request as unknown as Partial<RunCarrier>)[RUN];
  return state instanceof RequestRun ? state : undefined;
}

/**
 * `request.session`: the open session; `undefined` in an error handler after the session could not
 * be opened; an error that says what to do when read before the plugin's hook ran (an `onRequest`
 * hook added before the plugin was registered).
 */
function readSession(this: FastifyRequest): Session<SessionValues> | undefined {
  const state = (this as unknown as RunCarrier)[RUN];
  if (state instanceof RequestRun) return state.run.session;
  if (state === OPENING) return undefined;
  throw missingSessionError('request.session', 'app.register(session(…)) before the hooks and routes that use it');
}

/**
 * Sessions for Fastify 4 and 5, as a plugin: `await app.register(session(sessions))`. Pass the
 * session interface made by `createSessions`, or its options (the plugin then creates one).
 * `request.session` (typed by `SessionData`), or `plugin.of(request)` (typed by `T`), is then
 * available in the routes of the scope the plugin is registered in and of the scopes inside it;
 * routes of other scopes never open a session.
 *
 * The core's CSRF checks run when the session opens, in `onRequest`: a refused cross-site request
 * goes to the error handler as a `CsrfError` (403) before the body is read or the route runs. The
 * body is not parsed yet at that moment, so a form's `_csrf` token is verified by the route
 * (`request.session.verifyCsrfToken(...)`); the `X-CSRF-Token` header is checked on opening.
 *
 * Saving happens in `onSend`, after the route (and the error handler, when something failed) made
 * the reply, before Fastify writes its headers: the client's next request always sees the change,
 * and a store failure goes to the error handler (a `StoreUnavailableError`, status 503) in place of
 * the reply. Nothing is saved for a client that went away before the answer, nor for a hijacked
 * reply (`reply.hijack()`), unless the route calls {@link saveSession} first.
 */
export function session<T extends object = SessionValues>(
  sessionsOrOptions: SessionInterface<T> | SessionsOptions<T>,
): SessionPlugin<T> {
  // `request.session` has one declared type for the whole program; `T` types the plugin's argument
  // (and `FastifySessionRequest<T>` the routes that read it).
  const sessions = toSessionInterface(sessionsOrOptions) as unknown as SessionInterface<SessionValues>;
  const mayLock = sessions.locking !== false;

  const plugin = async (instance: FastifyInstance): Promise<void> => {
    // Registered in a scope inside another that has it already: one decoration serves both (the
    // second plugin's `onRequest` then refuses to open a second session for one request).
    if (!instance.hasRequestDecorator('session')) instance.decorateRequest('session', { getter: readSession } as never);
    if (!instance.hasRequestDecorator(RUN)) instance.decorateRequest(RUN as never, null as never);

    // A callback hook rather than an `async` one: Fastify then calls `done` directly instead of
    // waiting on one more promise per request.
    instance.addHook('onRequest', (request, reply, done) => {
      const carrier = request as unknown as RunCarrier;
      if (carrier[RUN] !== null) {
        done(new SessionConfigError('the session plugin ran twice for one request: register it once, in the outermost scope that needs it'));
        return;
      }
      const raw = reply.raw;
      carrier[RUN] = OPENING;
      SessionRun.open(sessions, new RequestView(request), () => raw.destroyed).then((run) => {
        carrier[RUN] = new RequestRun(run, reply, plugin);
        // Only a lock needs the client's leaving noticed at once; otherwise the save checks for it.
        // The same listener releases the lock of a hijacked reply that was never saved.
        if (mayLock && !run.ended) raw.once('close', () => run.abandon());
        done();
      }, (error: unknown) => {
        // As Fastify does for an `async` hook: a rejection without a reason still fails the request.
        done((error || new Error(`the session could not be opened: ${String(error)}`)) as Error);
      });
    });

    instance.addHook('onError', (request, _reply, _error, done) => {
      const state = stateOf(request);
      if (state !== undefined) state.failed = true;
      done();
    });

    instance.addHook('onSend', (request, reply, payload, done) => {
      const state = stateOf(request);
      if (state === undefined || state.run.ended) {
        done(null, payload);
        return;
      }
      const response = new ReplySessionResponse(reply);
      // After a failure, the error handler's reply is on its way: a failed save is reported as an
      // event rather than replacing the error the app is answering.
      const pending = state.failed ? state.run.saveAfterFailure(response) : state.run.save(response);
      if (pending === undefined) done(null, payload);
      else pending.then(() => done(null, payload), (error: unknown) => done(error as Error));
    });
  };
  const of = (request: FastifyRequest): Session<T> => {
    const state = stateOf(request);
    if (state?.owner !== plugin) {
      throw new SessionConfigError('this request has no session of this plugin: register the plugin in the scope of the route, or in one around it');
    }
    return state.run.session as unknown as Session<T>;
  };
  return Object.assign(fastifyPlugin(plugin, { fastify: '4.x || 5.x', name: '@sess/fastify' }), { of });
}

/**
 * Saves the session of `request` now instead of in `onSend`. Needed only after `reply.hijack()`,
 * when Fastify runs no more hooks: call it before writing the headers on `reply.raw`, and the
 * session's headers are set there. Rejects with `StoreUnavailableError` when the store fails (the
 * route then answers it itself: Fastify's error handler does not run for a hijacked reply). Does
 * nothing when the session was saved already or the route has no session.
 */
export async function saveSession(request: FastifyRequest): Promise<void> {
  const state = stateOf(request);
  if (state === undefined || state.run.ended) return;
  const response = state.reply.sent ? new HijackedSessionResponse(state.reply.raw) : new ReplySessionResponse(state.reply);
  await state.run.save(response);
}
