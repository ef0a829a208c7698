/**
 * Express 4 and 5 middleware: opens the session before the route runs and saves it when the route
 * starts its response, holding the response back until the store has the change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  toSessionInterface,
  type Session,
  type SessionData,
  type SessionInterface,
  type SessionRequest,
  type SessionResponse,
  type SessionsOptions,
} from '@sess/core';

declare global {
  // Express's own request type lives in this global namespace; merging into it types `req.session`
  // in every handler without any import.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The session of this request, opened by `@sess/express`'s `session()` middleware. */
      session: Session<SessionData>;
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
  session?: Session<SessionData>;
}

type Written = 'writeHead' | 'write' | 'end';

/** Headers describing a body that is thrown away when saving fails; the error handler sends its own. */
const BODY_HEADERS = ['content-length', 'content-type', 'content-encoding', 'content-range', 'etag', 'last-modified'];

/**
 * Sessions for Express 4 and 5. Pass the session interface made by `createSessions`, or its options
 * (the middleware then creates one). `req.session` is then available in every later handler.
 *
 * Saving happens when the handler starts its response (`res.send`, `res.json`, `res.redirect`,
 * `res.end`, `res.write`, `res.writeHead`...): the response is held until the store write is done,
 * so the client's next request always sees the change. A failure to open or save the session goes
 * to `next(error)`, before anything was sent, so the app's error handler can answer 503.
 */
export function session(sessionsOrOptions: SessionInterface<SessionData> | SessionsOptions<SessionData>): SessionMiddleware {
  const sessions = toSessionInterface(sessionsOrOptions);
  return (request: ExpressRequest, response, next) => {
    sessions.open(new ExpressSessionRequest(request)).then((opened) => {
      request.session = opened;
      holdUntilSaved(sessions, opened, response, next);
      next();
    }, next);
  };
}

/**
 * The request as the core sees it. Getters, because Express computes `ip` and `secure` from its
 * proxy settings, work the core rarely needs; a class, because V8 builds object literals with
 * accessors on a slow path that costs more than the work they save.
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

function toSessionResponse(response: ServerResponse): SessionResponse {
  return {
    getHeader(name) {
      const value = response.getHeader(name);
      if (value === undefined) return undefined;
      return Array.isArray(value) ? value.join(', ') : String(value);
    },
    setHeader: (name, value) => void response.setHeader(name, value),
    appendHeader: (name, value) => void response.appendHeader(name, value),
  };
}

/**
 * Wraps `writeHead`, `write` and `end`: the first call starts `save`, and every call is queued and
 * replayed in order once it is done, so the session's headers are in place before the real
 * `writeHead`. Wrapping these three catches every way Express answers, since all of them end there.
 */
function holdUntilSaved(
  sessions: SessionInterface<SessionData>,
  opened: Session<SessionData>,
  response: ServerResponse,
  next: (error?: unknown) => void,
): void {
  const original = { writeHead: response.writeHead, write: response.write, end: response.end };
  const queue: Array<{ method: Written; args: unknown[] }> = [];
  // waiting: nothing written yet; saving: calls are queued; open: calls go straight through.
  let phase: 'waiting' | 'saving' | 'open' = 'waiting';

  const call = (method: Written, args: unknown[]): unknown =>
    (original[method] as (...rest: unknown[]) => unknown).apply(response, args);

  const intercept = (method: Written) =>
    function (this: ServerResponse, ...args: unknown[]): unknown {
      if (phase === 'open') return call(method, args);
      queue.push({ method, args });
      if (phase === 'waiting') {
        phase = 'saving';
        sessions.save(opened, toSessionResponse(response)).then(
          () => {
            phase = 'open';
            try {
              for (const queued of queue.splice(0)) call(queued.method, queued.args);
            } catch (error) {
              // What would have been thrown in the handler (a bad status code...) goes to Express.
              next(error);
            }
          },
          (error: unknown) => {
            // Nothing was sent: drop the handler's response and let the app's error handler answer.
            phase = 'open';
            queue.length = 0;
            for (const name of BODY_HEADERS) response.removeHeader(name);
            next(error);
          },
        );
      }
      // A queued write is buffered here, so the caller need not wait for 'drain'.
      return method === 'write' ? true : this;
    };

  response.writeHead = intercept('writeHead') as ServerResponse['writeHead'];
  response.write = intercept('write') as ServerResponse['write'];
  response.end = intercept('end') as ServerResponse['end'];

  response.once('close', () => {
    if (phase !== 'waiting') return;
    // The client went away before the handler answered: the response is abandoned and not saved;
    // only the session's lock is given back. A failing unlock ends by the lock's own TTL.
    phase = 'open';
    sessions.release(opened).catch(() => undefined);
  });
}
