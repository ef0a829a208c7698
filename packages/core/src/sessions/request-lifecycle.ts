/**
 * The one request lifecycle every adapter runs: open the session, hand it to the handlers, save it
 * once they are done (also when they failed), release its lock on every path, and save nothing for
 * a client that went away. An adapter only translates its framework's request and response.
 */
import type { SessionInterface } from './base-sessions.js';
import type { SessionRequest, SessionResponse } from './http-types.js';
import type { SessionValues } from '../session/session-data.js';
import type { Session } from '../session/session.js';

/** Tells whether the client of a request has gone away (its connection closed before the answer). */
export type AbandonedCheck = () => boolean;

/** {@link SessionRun}'s private start, for {@link runSession} in this module. */
let startRun: <T extends object>(sessions: SessionInterface<T>, session: Session<T>, abandoned: AbandonedCheck | undefined) => SessionRun<T>;

/**
 * One request's session, from `open` to `save`. Frameworks whose handlers end in a promise use
 * {@link runSession}; an adapter that must save at another moment (Express saves when the handler
 * starts its response) drives this object itself.
 */
export class SessionRun<T extends object = SessionValues> {
  /** The session handed to the handlers. */
  readonly session: Session<T>;
  readonly #sessions: SessionInterface<T>;
  readonly #abandoned: AbandonedCheck | undefined;
  #ended = false;

  private constructor(sessions: SessionInterface<T>, session: Session<T>, abandoned: AbandonedCheck | undefined) {
    this.#sessions = sessions;
    this.session = session;
    this.#abandoned = abandoned;
  }

  /**
   * Opens the session of `request`. When the client left while it was opening (and waiting for a
   * lock), the run is abandoned at once: the lock is given back and nothing will be saved. Rejects
   * like `open` (`StoreUnavailableError`, `LockTimeoutError`, and `CsrfError` for a cross-site
   * request the CSRF checks refuse: then nothing was opened, read or locked).
   */
  static open<T extends object>(
    sessions: SessionInterface<T>,
    request: SessionRequest,
    abandoned?: AbandonedCheck,
  ): Promise<SessionRun<T>> {
    let opened: Promise<Session<T>>;
    try {
      opened = sessions.open(request);
    } catch (error) {
      return Promise.reject(error);
    }
    // Chained, not awaited: an `async` method would add its own promise and hops to every request.
    return opened.then((session) => SessionRun.#start(sessions, session, abandoned));
  }

  /** The run of a session just opened; abandoned at once when the client left while it opened. */
  static #start<T extends object>(sessions: SessionInterface<T>, session: Session<T>, abandoned: AbandonedCheck | undefined): SessionRun<T> {
    const run = new SessionRun(sessions, session, abandoned);
    if (abandoned?.() === true) run.abandon();
    return run;
  }

  static {
    startRun = (sessions, session, abandoned) => SessionRun.#start(sessions, session, abandoned);
  }

  /** Whether the run is over: saved or abandoned. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * The handlers are done: writes the session's changes and headers into `response` and releases
   * its lock. Returns `undefined` when that finished on the spot (no I/O was needed), else the
   * promise of the write, which rejects with the store's error (the lock is released all the same).
   * Only the first call of `save` or `abandon` counts; a client that already left gets nothing saved.
   */
  save(response: SessionResponse): Promise<void> | undefined {
    if (this.#ended) return undefined;
    if (this.#abandoned?.() === true) {
      this.abandon();
      return undefined;
    }
    this.#ended = true;
    return this.#sessions.save(this.session, response);
  }

  /**
   * The handlers failed with `error`, which the adapter reports as usual: the session is saved all
   * the same (what the handler changed before failing is kept, as a failed request's cookie may
   * still reach the browser through the error response), and a failure to save is reported as a
   * `save-failed` event instead of replacing the handler's error. Never rejects.
   */
  async saveAfterFailure(response: SessionResponse): Promise<void> {
    try {
      await this.save(response);
    } catch (error) {
      this.#sessions.report?.({ type: 'save-failed', error });
    }
  }

  /** The client went away before the answer: nothing is saved and the session's lock is released. Idempotent. */
  abandon(): void {
    if (this.#ended) return;
    this.#ended = true;
    void this.#sessions.release(this.session);
  }
}

/**
 * Runs `handle` with the session of `request`, for frameworks whose handler chain ends in a
 * promise (Koa's `await next()`, Hono's, a fetch handler): opens, awaits `handle`, then saves into
 * `respond()`'s response, also when `handle` failed (see {@link SessionRun.saveAfterFailure}); the
 * lock is released on every path. `respond` receives the handler's error, if any, so that an
 * adapter can put the session's headers where its framework's error response keeps them.
 *
 * Resolves with what `handle` resolved with; rejects with the handler's error, with the store's
 * (`StoreUnavailableError`) when opening or saving failed, or with `CsrfError` (403) before
 * `handle` runs when the CSRF checks refuse the request.
 */
export function runSession<T extends object, R>(
  sessions: SessionInterface<T>,
  request: SessionRequest,
  handle: (session: Session<T>) => Promise<R>,
  respond: (failure?: { error: unknown }) => SessionResponse,
  abandoned?: AbandonedCheck,
): Promise<R> {
  // Promises are chained, not awaited, and a session opened on the spot (`openNow`: no I/O) goes
  // to `handle` at once: every promise and microtask hop here is paid by every request.
  let opened: Session<T> | PromiseLike<Session<T>>;
  try {
    opened = sessions.openNow !== undefined ? sessions.openNow(request) : sessions.open(request);
  } catch (error) {
    return Promise.reject(error);
  }
  if (isThenable(opened)) {
    return Promise.resolve(opened).then((session) => runOpened(sessions, session, handle, respond, abandoned));
  }
  return runOpened(sessions, opened, handle, respond, abandoned);
}

/** The rest of {@link runSession} once the session is open: `handle`, then the save. */
function runOpened<T extends object, R>(
  sessions: SessionInterface<T>,
  session: Session<T>,
  handle: (session: Session<T>) => Promise<R>,
  respond: (failure?: { error: unknown }) => SessionResponse,
  abandoned: AbandonedCheck | undefined,
): Promise<R> {
  const run = startRun(sessions, session, abandoned);
  let handled: Promise<R>;
  try {
    handled = Promise.resolve(handle(session));
  } catch (error) {
    handled = Promise.reject(error);
  }
  return handled.then(
    (result) => {
      const pending = run.save(respond());
      return pending === undefined ? result : pending.then(() => result);
    },
    (error: unknown) =>
      run.saveAfterFailure(respond({ error })).then(() => {
        throw error;
      }),
  );
}

function isThenable<V>(value: V | PromiseLike<V>): value is PromiseLike<V> {
  return typeof (value as { then?: unknown }).then === 'function';
}
