/**
 * Express 4 and 5 middleware: opens the session before the route runs and saves it when the route
 * starts its response, holding the response back until the store has the change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  SessionConfigError,
  SessionRun,
  toSessionInterface,
  type Session,
  type SessionData,
  type SessionValues,
  type SessionInterface,
  type SessionRequest,
  type SessionsOptions,
} from '@sess/core';
import { interceptOn, reportHeldAsSent, ResponseHold } from './response-hold.js';

declare global {
  // Express's own request type lives in this global namespace; merging into it types `req.session`
  // in every handler without any import.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The session of this request, opened by `@sess/express`'s `session()` middleware. */
      session: Session<SessionValues>;
    }
  }
}

/** The Express middleware returned by {@link session}; typed on Node's own request and response. */
export type SessionMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/** What Express adds to Node's request that the middleware reads and writes. */
interface ExpressRequest extends IncomingMessage {
  ip?: string;
  secure?: boolean;
  session?: Session<SessionValues>;
}

const WRITES = ['writeHead', 'write', 'end'] as const;
const HEADER_CHANGES = ['setHeader', 'appendHeader', 'removeHeader'] as const;

/**
 * Sessions for Express 4 and 5. Pass the session interface made by `createSessions`, or its options
 * (the middleware then creates one). `req.session` is then available in every later handler.
 *
 * Saving happens when the handler starts its response (`res.send`, `res.json`, `res.redirect`,
 * `res.end`, `res.write`, `res.writeHead`...): the response is held until the store write is done,
 * so the client's next request always sees the change. A failure to open or save the session goes
 * to `next(error)`, before anything was sent, so the app's error handler can answer 503. Nothing
 * is saved for a client that went away before the answer.
 */
export function session(sessionsOrOptions: SessionInterface<SessionValues> | SessionsOptions<SessionValues>): SessionMiddleware {
  const sessions = toSessionInterface(sessionsOrOptions);
  return (request: ExpressRequest, response, next) => {
    if (ResponseHold.of(response) !== undefined) {
      next(new SessionConfigError('the session middleware ran twice for one request: mount it once'));
      return;
    }
    const abandoned = () => response.destroyed;
    SessionRun.open(sessions, new ExpressSessionRequest(request), abandoned).then((run) => {
      request.session = run.session;
      if (!run.ended) hold(response, run, next, sessions.locking !== false);
      next();
    }, next);
  };
}

/** Express apps' `response` objects whose methods already look for holds. */
const extended = new WeakSet<object>();

/** Holds `response` until `run` is saved. */
function hold(response: ServerResponse, run: SessionRun, next: (error?: unknown) => void, mayLock: boolean): void {
  const prototype = Object.getPrototypeOf(response) as object;
  if (!extended.has(prototype)) {
    // Express gives each app's responses the app's own `response` object as prototype (a sub-app's
    // inherits from its parent's): extending it changes nothing outside the app. Anything else (a
    // plain Node response) is wrapped on its own.
    const target = Object.prototype.hasOwnProperty.call(prototype, 'app') ? prototype : response;
    interceptOn(target, [...WRITES, ...HEADER_CHANGES]);
    reportHeldAsSent(target);
    if (target === prototype) extended.add(prototype);
  }
  // Middleware that ran before this one and wrapped the response's own methods (compression,
  // on-headers) captured what was below: wrap its wrappers, so that the handler's calls are seen first.
  if (WRITES.some((method) => Object.prototype.hasOwnProperty.call(response, method))) {
    interceptOn(
      response,
      WRITES.filter((method) => Object.prototype.hasOwnProperty.call(response, method)),
    );
  }
  const held = new ResponseHold(response, run, next);
  ResponseHold.attach(held);
  // Only a lock needs the client's leaving noticed at once; otherwise the save checks for it.
  if (mayLock) response.once('close', () => held.closed());
}

/**
 * The request as the core sees it. Getters, because Express derives `secure` and `ip` from proxy
 * settings, work the core rarely needs.
 */
class ExpressSessionRequest implements SessionRequest {
  readonly cookie: string | undefined;
  readonly #request: ExpressRequest;

  constructor(request: ExpressRequest) {
    this.#request = request;
    this.cookie = request.headers.cookie;
  }

  get secure(): boolean {
    return this.#request.secure === true;
  }

  get ip(): string | undefined {
    return this.#request.ip;
  }

  get userAgent(): string | undefined {
    return this.#request.headers['user-agent'];
  }
}
