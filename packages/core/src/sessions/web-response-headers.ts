/** A Web `Response` as the core sees it, for the adapters of runtimes that answer with one. */
import type { SessionResponse } from './http-types.js';

/** The headers of a response as a plain object, the way a handler passed them in its `init`. */
type HeaderRecord = Record<string, unknown>;

/**
 * Writes the session's headers onto a handler's `Response`, or onto a copy of it when its headers
 * are immutable (`Response.redirect()`, a `fetch()` result): the copy, made at
 * the first refused write, keeps the status, the headers and the same body stream, so a streamed
 * body stays streamed. Writable headers are written in place: a copy would cost every response
 * its runtime's fast path (`@hono/node-server` sends a string body directly, but a copied body as
 * a stream).
 *
 * On Node behind `@hono/node-server`, whose `Response` keeps the headers of a response made with a
 * plain object (`c.json()`, `new Response(body, { headers: { ... } })`) as that object and sends
 * them from it, the headers are read from that object and written on a copy of it, carried by a
 * new response of the same kind: reading `response.headers` there would build a `Headers` object
 * (and the server would convert it back), several times what the session's headers cost.
 */
export class WebResponseHeaders implements SessionResponse {
  /** The response to send: the handler's, or its copy once a write was refused. */
  response: Response;
  /**
   * The plain headers of `response` while they are read and written without a `Headers` object
   * (see {@link plainHeadersOf}); `null` once `response.headers` is used instead, `undefined`
   * until first needed.
   */
  #plain: HeaderRecord | null | undefined;
  /** Whether `#plain` is the record of a response made here, which is ours to write on. */
  #ownsPlain = false;

  constructor(response: Response) {
    this.response = response;
  }

  getHeader(name: string): string | undefined {
    const plain = this.#plainHeaders();
    if (plain !== null) {
      const key = keyOf(plain, name);
      if (key === undefined) return undefined;
      if (key !== SEVERAL && typeof plain[key] === 'string') return plain[key] as string;
      // Several spellings of the name, or a value that is not a string: as `Headers` reads them.
      this.#plain = null;
    }
    return this.response.headers.get(name) ?? undefined;
  }

  setHeader(name: string, value: string): void {
    const plain = this.#writablePlainHeaders(name, false);
    if (plain !== null) {
      const key = keyOf(plain, name);
      if (key !== undefined && key !== SEVERAL) delete plain[key];
      plain[name] = value;
      return;
    }
    this.#write((headers) => headers.set(name, value));
  }

  appendHeader(name: string, value: string): void {
    const plain = this.#writablePlainHeaders(name, true);
    if (plain !== null) {
      const key = keyOf(plain, name);
      // `Headers` joins the values of any other header with a comma.
      if (key === undefined || key === SEVERAL) plain[name] = value;
      else plain[key] = `${plain[key] as string}, ${value}`;
      return;
    }
    this.#write((headers) => headers.append(name, value));
  }

  /** The plain headers to read, or `null` to read `response.headers`. */
  #plainHeaders(): HeaderRecord | null {
    if (this.#plain === undefined) this.#plain = plainHeadersOf(this.response);
    else if (this.#ownsPlain && this.#plain !== null && plainHeadersOf(this.response) !== this.#plain) this.#plain = null;
    return this.#plain;
  }

  /**
   * The plain headers to write `name` on, copied into a response of our own at the first write;
   * `null` to write on `response.headers` instead, as for a second `Set-Cookie` (one key of an
   * object holds one value, and `Headers` reads an array as one comma-joined value).
   */
  #writablePlainHeaders(name: string, append: boolean): HeaderRecord | null {
    const plain = this.#plainHeaders();
    if (plain === null) return null;
    const key = keyOf(plain, name);
    if (key === SEVERAL || (key !== undefined && (typeof plain[key] !== 'string' || (append && name.toLowerCase() === 'set-cookie')))) {
      this.#plain = null;
      return null;
    }
    if (this.#ownsPlain) return plain;
    const own = { ...plain };
    const copy = copyWithPlainHeaders(this.response, own);
    if (copy === undefined) {
      this.#plain = null;
      return null;
    }
    this.response = this.adopt(copy);
    this.#plain = own;
    this.#ownsPlain = true;
    return own;
  }

  #write(write: (headers: Headers) => void): void {
    try {
      write(this.response.headers);
    } catch (error) {
      // Immutable headers refuse every write with a TypeError, the first one included: nothing was
      // written yet. Anything else is not ours to hide.
      if (!(error instanceof TypeError)) throw error;
      this.response = this.adopt(copyOf(this.response));
      write(this.response.headers);
    }
  }

  /**
   * Hands over `copy`, the response the headers now go on instead of the handler's (whose headers
   * are immutable, or kept as a plain object), and returns the response to write on. An adapter
   * whose framework holds the response (Hono's `c.res`) overrides it to make the framework hold
   * the copy.
   */
  protected adopt(copy: Response): Response {
    return copy;
  }
}

/**
 * A response like `response` with headers of its own. A fresh `Headers`, not `response` as the
 * `init`: node-server's `Response` would keep the original, immutable headers object.
 */
function copyOf(response: Response): Response {
  const { body, status, statusText, headers } = response;
  return new Response(body, { status, statusText, headers: new Headers(headers) });
}

/** {@link keyOf}'s answer when the name is there under several spellings. */
const SEVERAL = false;

/** The key of `record` that is `name` in any case, `undefined` if none, {@link SEVERAL} if several. */
function keyOf(record: HeaderRecord, name: string): string | typeof SEVERAL | undefined {
  const lower = name.toLowerCase();
  let found: string | undefined;
  for (const key in record) {
    if (key.length !== lower.length || key.toLowerCase() !== lower) continue;
    if (found !== undefined) return SEVERAL;
    found = key;
  }
  return found;
}

/**
 * `@hono/node-server` (1.x and 2.x) makes the global `Response` a class of its own that keeps a
 * response made with a string, bytes, a stream or no body as `[status, body, headers]` under a
 * symbol of its own, `headers` being the `init`'s as given; it sends such a response from that
 * array, a plain object of headers without any conversion. The symbol of the current global
 * `Response`, found once on a response it makes, or `null` when it has none (every other runtime).
 */
let probed: { responseClass: unknown; key: symbol | null } | undefined;

function lightweightKey(): symbol | null {
  const responseClass = globalThis.Response;
  if (probed?.responseClass !== responseClass) probed = { responseClass, key: probeKey(responseClass) };
  return probed.key;
}

function probeKey(responseClass: typeof Response): symbol | null {
  const probe = new responseClass('');
  for (const symbol of Object.getOwnPropertySymbols(probe)) {
    const value: unknown = (probe as unknown as Record<symbol, unknown>)[symbol];
    if (symbol.description === 'cache' && Array.isArray(value) && value.length === 3 && value[0] === 200 && value[1] === '') return symbol;
  }
  return null;
}

/** The `[status, body, headers]` of one of node-server's responses, if `response` is one. */
function lightweightState(response: Response): unknown[] | undefined {
  const key = lightweightKey();
  if (key === null || response.constructor !== globalThis.Response) return undefined;
  const state: unknown = (response as unknown as Record<symbol, unknown>)[key];
  return Array.isArray(state) && state.length === 3 && typeof state[0] === 'number' ? state : undefined;
}

/**
 * The headers `response` will be sent with as a plain object, or `null` when it has a `Headers`
 * object (or is not one of node-server's responses). A response made without headers gets the
 * `Content-Type` node-server would give it (none without a body).
 */
function plainHeadersOf(response: Response): HeaderRecord | null {
  const state = lightweightState(response);
  if (state === undefined) return null;
  const headers = state[2];
  if (headers === undefined || headers === null) return state[1] === null ? {} : { 'content-type': 'text/plain; charset=UTF-8' };
  if (typeof headers !== 'object' || Array.isArray(headers)) return null;
  const prototype: unknown = Object.getPrototypeOf(headers);
  return prototype === Object.prototype || prototype === null ? (headers as HeaderRecord) : null;
}

/**
 * A response of the same kind as `response`, with its status and body and `headers` (a copy of its
 * own, which the new response keeps as the object it sends and the one it builds its `Headers`
 * from, should anything read them later). Its status text is not carried over: node-server sends
 * none. `undefined` if the new response does not keep `headers` as expected.
 */
function copyWithPlainHeaders(response: Response, headers: HeaderRecord): Response | undefined {
  const state = lightweightState(response)!;
  const copy = new globalThis.Response(state[1] as BodyInit | null, { status: state[0] as number, headers: headers as Record<string, string> });
  return lightweightState(copy)?.[2] === headers ? copy : undefined;
}
