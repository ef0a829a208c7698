/**
 * Holding an Express response until its session is saved. The store write starts when the handler
 * starts its response (the first `writeHead`, `write` or `end`, which every way Express answers
 * goes through); when it needs I/O, the calls are queued and replayed once the store has the
 * change, so the session's headers are in place and a store failure can still become a 503.
 *
 * While a response is held it looks sent, as it would without sessions: `headersSent` is true,
 * `write` asks the caller to wait for `'drain'`. A call that Node would refuse once the response
 * started (a header change, a second `writeHead`, a `write` after `end`: a late error handler, a
 * double `res.send`) first lets the held response go out, then runs as it would without
 * sessions, so the app sees the errors it would see anyway and the first response is delivered.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { SessionResponse, SessionRun } from '@sess/core';

/** The methods a hold intercepts. */
type Intercepted = 'writeHead' | 'write' | 'end' | 'setHeader' | 'appendHeader' | 'removeHeader';
type AnyFunction = (this: ServerResponse, ...args: unknown[]) => unknown;

/** Headers describing a body that is thrown away when saving fails; the error handler sends its own. */
const BODY_HEADERS = ['content-length', 'content-type', 'content-encoding', 'content-range', 'etag', 'last-modified'];

/** The hold of each response whose session is not saved yet. */
const holds = new WeakMap<ServerResponse, ResponseHold>();

/** One queued call, with the function it goes to (the one below the hold). */
interface QueuedCall {
  method: 'writeHead' | 'write' | 'end';
  lower: AnyFunction;
  args: unknown[];
}

/**
 * One response waiting for its session's save. It is also the response the core writes the
 * session's headers into (`SessionResponse`): one object per request, no wrapper and no closure.
 */
export class ResponseHold implements SessionResponse {
  /** waiting: nothing written yet; saving: calls are queued; open: calls go straight through. */
  #phase: 'waiting' | 'saving' | 'open' = 'waiting';
  /** Made on the first queued call: a response that needs no wait never has one. */
  #queue: QueuedCall[] | undefined;
  #ended = false;
  #statusCode = 200;
  #statusMessage = '';
  /** A held `write` returned false: a `'drain'` is owed once the queue is written. */
  #owesDrain = false;
  /** The core is writing the session's own headers (allowed while held). */
  #writingSession = false;

  /**
   * The response's own `writeHead` and `end` when the hold was made, if middleware mounted before
   * the sessions had wrapped them (compression); else the ones its prototype gives it. Not read
   * from the response up front: each read of a method through an Express response's prototype
   * chain misses V8's caches (see `hold` in session.ts), and only a failed save needs them.
   */
  readonly #ownWriteHead: AnyFunction | undefined;
  readonly #ownEnd: AnyFunction | undefined;

  constructor(
    readonly response: ServerResponse,
    readonly run: SessionRun,
    readonly fail: (error: unknown) => void,
    own?: { writeHead?: AnyFunction; end?: AnyFunction },
  ) {
    this.#ownWriteHead = own?.writeHead;
    this.#ownEnd = own?.end;
  }

  /** Starts holding `response`; the hold ends by itself once the session is saved. */
  static attach(hold: ResponseHold): void {
    holds.set(hold.response, hold);
  }

  /** The hold of `response`, if it has one. */
  static of(response: ServerResponse): ResponseHold | undefined {
    return holds.get(response);
  }

  /** Whether the response must look sent: something is queued. */
  get holding(): boolean {
    return this.#phase === 'saving';
  }

  /** A call of `writeHead`, `write` or `end`, going to `lower` unless it must wait. */
  intercept(method: QueuedCall['method'], lower: AnyFunction, args: unknown[]): unknown {
    const response = this.response;
    if (this.#phase === 'open') return lower.apply(response, args);
    if (this.#phase === 'saving') {
      if (method === 'writeHead' || this.#ended) {
        // Node refuses this once a response has started: let the held one go out, then refuse it the same way.
        this.#release();
        return lower.apply(response, args);
      }
      return this.#enqueue(method, lower, args);
    }
    if (method === 'writeHead') {
      // An invalid status code throws at once, as without sessions.
      const status = Number(args[0]) | 0;
      if (status < 100 || status > 999) return lower.apply(response, args);
      args = foldHeaders(response, args);
    }
    const pending = this.run.save(this);
    if (pending === undefined) {
      this.#open();
      return lower.apply(response, args);
    }
    this.#phase = 'saving';
    this.#statusCode = response.statusCode;
    this.#statusMessage = response.statusMessage;
    pending.then(
      () => this.#release(),
      (error: unknown) => this.#failed(error),
    );
    return this.#enqueue(method, lower, args);
  }

  /** A header change: refused by Node once the response has started, so the held response goes out first. */
  beforeHeaderChange(): void {
    if (this.#phase === 'saving' && !this.#writingSession) this.#release();
  }

  /** {@link SessionResponse.getHeader}: the response's header, several values joined. */
  getHeader(name: string): string | undefined {
    const value = this.response.getHeader(name);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  /** {@link SessionResponse.setHeader}: the core's own header change, allowed while the response is held. */
  setHeader(name: string, value: string): void {
    if (this.#phase === 'open' && this.response.headersSent) return;
    this.#writingSession = true;
    try {
      this.response.setHeader(name, value);
    } finally {
      this.#writingSession = false;
    }
  }

  /** {@link SessionResponse.appendHeader}, as {@link ResponseHold.setHeader}. */
  appendHeader(name: string, value: string): void {
    if (this.#phase === 'open' && this.response.headersSent) return;
    this.#writingSession = true;
    try {
      this.response.appendHeader(name, value);
    } finally {
      this.#writingSession = false;
    }
  }

  /** The response closed: if nothing was written yet, the client left and nothing is saved. */
  closed(): void {
    if (this.#phase === 'waiting') {
      this.#open();
      this.run.abandon();
    }
  }

  #enqueue(method: QueuedCall['method'], lower: AnyFunction, args: unknown[]): unknown {
    (this.#queue ??= []).push({ method, lower, args });
    if (method === 'end') {
      this.#ended = true;
      return this.response;
    }
    if (method === 'writeHead') return this.response;
    // Not written yet: the caller should wait for 'drain', which is emitted once the queue is
    // written. Middleware that took over the response's `on` (compression sends 'drain' listeners
    // to its own stream) would never see that one, so there the write counts as buffered.
    if (Object.prototype.hasOwnProperty.call(this.response, 'on')) return true;
    this.#owesDrain = true;
    return false;
  }

  #open(): void {
    this.#phase = 'open';
    holds.delete(this.response);
  }

  /** Writes what was queued, in order, through the functions it was meant for. */
  #release(): void {
    if (this.#phase !== 'saving') return;
    this.#open();
    const response = this.response;
    // The status as it was when the handler answered: a later change does not apply, as without
    // sessions. Written only when it changed: Node keeps the defaults on its prototype, and a write
    // would add own properties that Node's `writeHead` adds in another order.
    if (response.statusCode !== this.#statusCode) response.statusCode = this.#statusCode;
    if (response.statusMessage !== this.#statusMessage) response.statusMessage = this.#statusMessage;
    try {
      const queue = this.#queue ?? [];
      this.#queue = undefined;
      for (const queued of queue) queued.lower.apply(response, queued.args);
    } catch (error) {
      // What would have been thrown in the handler (an invalid header value...) goes to Express.
      this.fail(error);
      return;
    }
    if (this.#owesDrain && !response.writableNeedDrain && !response.destroyed) response.emit('drain');
  }

  #failed(error: unknown): void {
    if (this.#phase !== 'saving') return;
    // Nothing was sent: drop the handler's response and let the app's error handler answer.
    this.#open();
    this.#queue = undefined;
    const response = this.response;
    // What `writeHead` and `end` were when the hold was made: the response's own, or its prototype's.
    const prototype = Object.getPrototypeOf(response) as Record<'writeHead' | 'end', AnyFunction>;
    const below = { writeHead: this.#ownWriteHead ?? prototype.writeHead, end: this.#ownEnd ?? prototype.end };
    for (const name of BODY_HEADERS) response.removeHeader(name);
    const wrappedAbove = response.end !== below.end;
    this.fail(error);
    // A wrapper installed after the hold (compression mounted after the sessions) already took the
    // handler's `end` and ignores the error handler's: the client would wait for ever. When no
    // answer got through, the error's own status goes out, below that wrapper.
    if (wrappedAbove) setImmediate(() => respondUnlessAnswered(response, error, below));
  }
}

/** Answers `error`'s status (503 for a store failure) with its standard text, if nothing was answered yet. */
function respondUnlessAnswered(response: ServerResponse, error: unknown, below: Record<'writeHead' | 'end', AnyFunction>): void {
  if (response.headersSent || response.destroyed) return;
  const status = Number((error as { status?: unknown } | undefined)?.status) || 500;
  const body = STATUS_CODES[status] ?? 'Error';
  for (const name of response.getHeaderNames()) if (name !== 'set-cookie' && name !== 'vary') response.removeHeader(name);
  below.writeHead.call(response, status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  below.end.call(response, body);
}

/**
 * Puts the headers passed to `writeHead(status, [message], headers)` on the response the way Node
 * would merge them, and returns the call without them, so that the session's headers are added to
 * the app's rather than replaced by them (`Set-Cookie` beside the app's, `Vary` and `Cache-Control`
 * rules applied to the app's values).
 */
function foldHeaders(response: ServerResponse, args: unknown[]): unknown[] {
  const index = typeof args[1] === 'string' ? 2 : 1;
  const headers = args[index];
  if (headers === undefined || headers === null) return args;
  if (Array.isArray(headers)) {
    // A flat [name, value, name, value...] list: Node replaces these names and keeps duplicates.
    if (headers.length % 2 !== 0) return args;
    for (let i = 0; i < headers.length; i += 2) response.removeHeader(String(headers[i]));
    for (let i = 0; i < headers.length; i += 2) if (headers[i]) response.appendHeader(String(headers[i]), headers[i + 1] as string);
  } else if (typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers)) if (name) response.setHeader(name, value as string);
  } else {
    return args;
  }
  return args.slice(0, index);
}

/**
 * The intercepting methods of `target`: an Express app's `response` object (the prototype Express
 * gives the app's responses, documented as the place to extend them) or one response whose own
 * methods were wrapped before the session middleware ran. Each finds its response's hold in a
 * `WeakMap`; a response without one goes straight to the method below.
 */
export function interceptOn(target: object, methods: readonly Intercepted[]): void {
  const descriptors: PropertyDescriptorMap = {};
  for (const method of methods) {
    const lower = lookup(target, method);
    if (lower === undefined) continue;
    descriptors[method] = {
      configurable: true,
      writable: true,
      value:
        method === 'writeHead' || method === 'write' || method === 'end'
          ? named(method, function (this: ServerResponse, ...args: unknown[]) {
              const hold = holds.get(this);
              return hold === undefined ? lower.apply(this, args) : hold.intercept(method, lower, args);
            })
          : named(method, function (this: ServerResponse, ...args: unknown[]) {
              holds.get(this)?.beforeHeaderChange();
              return lower.apply(this, args);
            }),
    };
  }
  Object.defineProperties(target, descriptors);
}

/** Makes `headersSent` of the responses below `target` true while they are held. */
export function reportHeldAsSent(target: object): void {
  const getter = Object.getOwnPropertyDescriptor(findOwner(target, 'headersSent') ?? {}, 'headersSent')?.get;
  if (getter === undefined) return;
  Object.defineProperty(target, 'headersSent', {
    configurable: true,
    get(this: ServerResponse) {
      return holds.get(this)?.holding === true || (getter.call(this) as boolean);
    },
  });
}

function findOwner(start: object, name: string): object | undefined {
  for (let owner: object | null = start; owner !== null; owner = Object.getPrototypeOf(owner) as object | null) {
    if (Object.prototype.hasOwnProperty.call(owner, name)) return owner;
  }
  return undefined;
}

/** The function `target[method]` resolves to now, before the hold's own is put in front of it. */
function lookup(target: object, method: string): AnyFunction | undefined {
  const value = (target as Record<string, unknown>)[method];
  return typeof value === 'function' ? (value as AnyFunction) : undefined;
}

function named<F extends AnyFunction>(name: string, fn: F): F {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}
