/**
 * Express 4 and 5 middleware: opens the session before the route runs and saves it when the route
 * starts its response, holding the response back until the store has the change.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
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
  // Before the first request, so that middleware that captures `res.end` per request (compression)
  // already captures the holdable one.
  makeAllHoldable(ServerResponse.prototype);
  return (request: ExpressRequest, response, next) => {
    sessions.open(new ExpressSessionRequest(request)).then((opened) => {
      request.session = opened;
      holdUntilSaved(new ResponseHold(sessions, opened, response, next));
      next();
    }, next);
  };
}

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

/** The response as the core sees it: its headers. */
class ExpressSessionResponse implements SessionResponse {
  readonly #response: ServerResponse;

  constructor(response: ServerResponse) {
    this.#response = response;
  }

  getHeader(name: string): string | undefined {
    const value = this.#response.getHeader(name);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  setHeader(name: string, value: string): void {
    this.#response.setHeader(name, value);
  }

  appendHeader(name: string, value: string): void {
    this.#response.appendHeader(name, value);
  }
}

/** The hold of each response that is waiting for its save. */
const holds = new WeakMap<ServerResponse, ResponseHold>();

/**
 * One response held until its session is saved. The first of `writeHead`, `write` or `end` saves:
 * when the save needs no I/O (a read-only request) the call goes straight through; otherwise it and
 * every later call are queued and replayed in order once the store has the change, so the session's
 * headers are in place before the real `writeHead`. These three catch every way Express answers,
 * since all of them end there.
 */
class ResponseHold {
  /** waiting: nothing written yet; saving: calls are queued; open: calls go straight through. */
  phase: 'waiting' | 'saving' | 'open' = 'waiting';
  readonly #queue: Array<{ original: Function; args: unknown[] }> = [];

  constructor(
    readonly sessions: Required<SessionInterface<SessionData>>,
    readonly session: Session<SessionData>,
    readonly response: ServerResponse,
    readonly next: (error?: unknown) => void,
  ) {}

  /** A call of `method` (by the handler, or by Node itself: `end` calls `writeHead`). */
  intercept(method: Written, original: Function, args: unknown[]): unknown {
    if (this.phase === 'open') return original.apply(this.response, args);
    if (this.phase === 'waiting') {
      const response = new ExpressSessionResponse(this.response);
      const pending = this.sessions.commit(this.session, response);
      if (pending === undefined) {
        this.#open();
        return original.apply(this.response, args);
      }
      this.phase = 'saving';
      pending.then(
        () => this.#flush(),
        (error: unknown) => this.#fail(error),
      );
    }
    this.#queue.push({ original, args });
    // A queued write is buffered here, so the caller need not wait for 'drain'.
    return method === 'write' ? true : this.response;
  }

  /** The response closed: if nothing was written, the handler abandoned it and nothing is saved. */
  closed(): void {
    if (this.phase !== 'waiting') return;
    // Only the session's lock is given back. A failing unlock ends by the lock's own TTL.
    this.#open();
    this.sessions.release(this.session).catch(() => undefined);
  }

  #open(): void {
    this.phase = 'open';
    holds.delete(this.response);
  }

  #flush(): void {
    this.#open();
    try {
      // Straight to the methods that were held, not through the response's own: a wrapper that
      // other middleware put on the response has already run once for each of these calls.
      for (const queued of this.#queue.splice(0)) queued.original.apply(this.response, queued.args);
    } catch (error) {
      // What would have been thrown in the handler (a bad status code...) goes to Express.
      this.next(error);
    }
  }

  #fail(error: unknown): void {
    // Nothing was sent: drop the handler's response and let the app's error handler answer.
    this.#open();
    this.#queue.length = 0;
    for (const name of BODY_HEADERS) this.response.removeHeader(name);
    this.next(error);
  }
}

/** Marks a method that already checks for holds. */
const HOLDING = Symbol('sess.holding');

/**
 * Makes `method` check for a hold, by wrapping it once where it is defined on the prototype chain
 * starting at `start` (for Express: Node's `ServerResponse` and `OutgoingMessage` prototypes).
 * Wrapping prototypes, not each response: adding properties to Express's responses (whose
 * prototype Express swaps) puts them on a slow path in V8 that costs more than the whole session.
 * A response without a hold passes straight through, at the cost of one `WeakMap` lookup. Wrappers
 * that other middleware put on a response itself (compression...) end in these methods, so their
 * writes are held too.
 */
function makeHoldable(start: object, method: Written): void {
  let owner: object | null = start;
  while (owner !== null && !Object.prototype.hasOwnProperty.call(owner, method)) owner = Object.getPrototypeOf(owner);
  if (owner === null) return;
  const original = (owner as Record<Written, Function>)[method];
  if ((original as { [HOLDING]?: true })[HOLDING]) return;
  const wrapped = function (this: ServerResponse, ...args: unknown[]): unknown {
    const hold = holds.get(this);
    return hold === undefined ? original.apply(this, args) : hold.intercept(method, original, args);
  };
  Object.defineProperty(wrapped, HOLDING, { value: true });
  Object.defineProperty(wrapped, 'name', { value: method });
  (owner as Record<Written, Function>)[method] = wrapped;
}

/** Prototypes whose chains are already holdable: each is walked once, not on every request. */
const holdablePrototypes = new WeakSet<object>();

/** The three methods every response goes through, made holdable on the chain from `start`. */
function makeAllHoldable(start: object): void {
  if (holdablePrototypes.has(start)) return;
  holdablePrototypes.add(start);
  makeHoldable(start, 'writeHead');
  makeHoldable(start, 'write');
  makeHoldable(start, 'end');
}

function releaseIfAbandoned(this: ServerResponse): void {
  holds.get(this)?.closed();
}

/** Holds the response of `hold` until its session is saved. */
function holdUntilSaved(hold: ResponseHold): void {
  const response = hold.response;
  // Node's own prototypes are wrapped when the middleware is created; this covers a response class
  // of its own (a subclass that redefines a method), once per class.
  makeAllHoldable(Object.getPrototypeOf(response) as object);
  holds.set(response, hold);
  response.on('close', releaseIfAbandoned);
}
