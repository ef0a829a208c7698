import {
  CookieTooLargeError,
  CsrfError,
  LockTimeoutError,
  RegistryUnsupportedError,
  SessError,
  StoreUnavailableError,
  type Session,
  type SessionData,
  type SessionValues,
  type SessionInterface,
} from '@sess/core';
import type { DemoConfig } from './demo-config.js';
import './demo-data.js';
import { DemoHttpError } from './demo-http-error.js';
import type { DemoResult } from './demo-result.js';
import { MAX_HANDLE_LENGTH, toDeviceView, type DeviceView } from './devices-view.js';
import { wantsJson, type NegotiationHeaders } from './negotiation.js';
import { renderErrorPage, renderPage } from './render-page.js';
import type { RequestBody } from './request-body.js';
import { MAX_MESSAGE_LENGTH, MAX_NAME_LENGTH, readTextField } from './text-field.js';

/** A session of the sample apps. */
export type DemoSession = Session<SessionValues>;

/** Most items a cart holds: a session must not grow without bound, one request at a time. */
export const MAX_CART_ITEMS = 50;

/** Most flash messages pending at once, for the same reason. */
export const MAX_PENDING_FLASHES = 20;

const HOME = '/';

function json(body: unknown, status = 200): DemoResult {
  return { kind: 'json', status, body };
}

function redirectHome(): DemoResult {
  return { kind: 'redirect', location: HOME };
}

/**
 * Every route of the sample-app contract as a framework-free function of the session and the
 * parsed request. An app only routes requests here and writes the {@link DemoResult} back.
 */
export class DemoActions {
  /** The configuration the app runs with. */
  readonly config: DemoConfig;
  /** The app's session interface (for `/healthz`). */
  readonly sessions: SessionInterface<SessionValues>;

  constructor(config: DemoConfig, sessions: SessionInterface<SessionValues>) {
    this.config = config;
    this.sessions = sessions;
  }

  /** Whether a request to `path` gets JSON: every `/api/` route and `/healthz`, or what it asks for. */
  answersJson(path: string, headers: NegotiationHeaders): boolean {
    return path.startsWith('/api/') || path === '/healthz' || wantsJson(headers);
  }

  /** `GET /healthz`: 200 when the store answers, 503 otherwise. */
  async health(): Promise<DemoResult> {
    try {
      await this.sessions.ping();
      return json({ status: 'ok', store: this.config.store });
    } catch (error) {
      return this.error(error, true);
    }
  }

  /**
   * `GET /`: the page, with the user's devices when logged in. Rendering consumes the pending flash
   * messages.
   */
  async page(session: DemoSession): Promise<DemoResult> {
    const user = session.get('user');
    const devices = user === undefined ? [] : await this.#devicesOf(user, session);
    const flashes = session.consumeFlashes().map((flash) => flash.message);
    return {
      kind: 'html',
      status: 200,
      body: renderPage({
        appName: this.config.appName,
        store: this.config.store,
        user: session.get('user') ?? null,
        count: session.get('count') ?? 0,
        cart: session.get('cart') ?? [],
        flashes,
        absoluteTimeout: this.config.absoluteTimeout,
        devices,
      }),
    };
  }

  /**
   * `POST /login`: a new session ID (no fixation; the data so far is kept), the user, and a
   * "Welcome" flash message.
   */
  login(session: DemoSession, body: RequestBody, answerJson: boolean): DemoResult {
    const user = readTextField(body, 'username', MAX_NAME_LENGTH);
    session.regenerate();
    session.set('user', user);
    // The owner is what the session registry lists and ends sessions by.
    session.owner = user;
    session.flash(`Welcome, ${user}`);
    return answerJson ? json({ user }) : redirectHome();
  }

  /** `POST /logout`: the session and its store record are destroyed and the cookie expired. */
  logout(session: DemoSession, answerJson: boolean): DemoResult {
    session.destroy();
    return answerJson ? json({ user: null }) : redirectHome();
  }

  /** `GET /api/session`: reads only, so a visitor without a session gets no cookie. */
  readSession(session: DemoSession): DemoResult {
    return json({
      user: session.get('user') ?? null,
      count: session.get('count') ?? 0,
      cart: [...(session.get('cart') ?? [])],
    });
  }

  /** `POST /api/counter`, and `POST /counter` (the page's +1 button, answered with a redirect). */
  incrementCounter(session: DemoSession, answerJson = true): DemoResult {
    const count = (session.get('count') ?? 0) + 1;
    session.set('count', count);
    return answerJson ? json({ count }) : redirectHome();
  }

  /** `GET /api/devices`: the logged-in user's live sessions, newest first; 401 for a visitor. */
  async listDevices(session: DemoSession): Promise<DemoResult> {
    return json({ devices: await this.#devicesOf(this.#loggedInUser(session), session) });
  }

  /**
   * `POST /api/devices/revoke` and `POST /devices/revoke`: ends the session a handle names, if it is
   * the logged-in user's (`revoked: false` otherwise, and nothing happens). 501 with cookie sessions.
   */
  async revokeDevice(session: DemoSession, body: RequestBody, answerJson: boolean): Promise<DemoResult> {
    const handle = body.fields.handle;
    if (typeof handle !== 'string' || handle.length === 0 || handle.length > MAX_HANDLE_LENGTH) {
      throw new DemoHttpError(400, 'invalid_field', `"handle" must be a string of 1 to ${MAX_HANDLE_LENGTH} characters.`, 'handle');
    }
    const user = this.#loggedInUser(session);
    const revoked = await this.sessions.revoke(user, handle);
    return answerJson ? json({ revoked }) : redirectHome();
  }

  /** `POST /api/logout-others` and `POST /logout-others`: ends every other session of the user. */
  async logoutOthers(session: DemoSession, answerJson: boolean): Promise<DemoResult> {
    this.#loggedInUser(session);
    const revoked = await this.sessions.revokeOthers(session);
    return answerJson ? json({ revoked }) : redirectHome();
  }

  /** The logged-in user, or a 401 (which writes nothing: a visitor gets no cookie). */
  #loggedInUser(session: DemoSession): string {
    const user = session.get('user');
    if (user === undefined) throw new DemoHttpError(401, 'not_logged_in', 'Log in first: devices belong to a user.');
    return user;
  }

  async #devicesOf(user: string, session: DemoSession): Promise<DeviceView[]> {
    return (await this.sessions.list(user, session)).map(toDeviceView);
  }

  /** `POST /cart` and `POST /api/cart`: appends one item. */
  addToCart(session: DemoSession, body: RequestBody, answerJson: boolean): DemoResult {
    const item = readTextField(body, 'item', MAX_NAME_LENGTH);
    const cart = session.get('cart') ?? [];
    if (cart.length >= MAX_CART_ITEMS) {
      throw new DemoHttpError(400, 'cart_full', `The cart holds at most ${MAX_CART_ITEMS} items: empty it first.`, 'item');
    }
    const next = [...cart, item];
    session.set('cart', next);
    return answerJson ? json({ cart: next }) : redirectHome();
  }

  /** `DELETE /api/cart`. */
  clearCart(session: DemoSession): DemoResult {
    session.delete('cart');
    return json({ cart: [] });
  }

  /** `POST /api/flash`: queues a message; answers how many are pending. */
  queueFlash(session: DemoSession, body: RequestBody): DemoResult {
    const message = readTextField(body, 'message', MAX_MESSAGE_LENGTH);
    if (session.peekFlashes().length >= MAX_PENDING_FLASHES) {
      throw new DemoHttpError(400, 'too_many_flashes', `At most ${MAX_PENDING_FLASHES} messages can wait: read them first.`, 'message');
    }
    session.flash(message);
    return json({ queued: session.peekFlashes().length });
  }

  /** `GET /api/flash`: returns and consumes the pending messages. */
  takeFlashes(session: DemoSession): DemoResult {
    return json({ messages: session.consumeFlashes().map((flash) => flash.message) });
  }

  /** Any route the contract does not have. */
  notFound(answerJson: boolean): DemoResult {
    return this.error(new DemoHttpError(404, 'not_found', 'There is no such page.'), answerJson);
  }

  /**
   * The answer to an error: the client's mistakes keep their status (400, 413, 415) as JSON or an
   * HTML page; a request another site sent is a 403 (`CsrfError`, refused before the route ran); a
   * store that is down or slow is a 503 JSON error; anything else is logged and is a 500.
   */
  error(error: unknown, answerJson: boolean): DemoResult {
    if (error instanceof DemoHttpError) {
      // A body refused before it was read whole (too large, wrong type) leaves bytes on the
      // connection: close it, so that no client sends its next request into that leftover.
      const headers: Record<string, string> = error.status === 413 || error.status === 415 ? { Connection: 'close' } : {};
      if (answerJson) {
        const body: Record<string, unknown> = { error: error.message, code: error.code };
        if (error.field !== undefined) body.field = error.field;
        return { kind: 'json', status: error.status, body, headers };
      }
      return { kind: 'html', status: error.status, body: renderErrorPage(this.config.appName, error.status, error.message), headers };
    }
    if (StoreUnavailableError.isInstance(error) || LockTimeoutError.isInstance(error)) {
      // What went wrong (the store's address, the driver's text) goes to the log, never to the client.
      console.error(`[${this.config.appName}] ${StoreUnavailableError.isInstance(error) ? error.detail : error.message}`);
      return json({ error: 'The session store is unavailable; try again shortly.', code: 'store_unavailable' }, 503);
    }
    if (RegistryUnsupportedError.isInstance(error)) {
      // Always JSON: the page shows no revoke buttons when the app cannot revoke.
      return json({ error: error.message, code: 'not_implemented' }, 501);
    }
    if (CsrfError.isInstance(error)) {
      // Refused by the session middleware before the route ran: nothing was changed.
      return this.error(
        new DemoHttpError(403, 'cross_site_refused', 'This request came from another site and was refused: nothing was changed.'),
        answerJson,
      );
    }
    if (CookieTooLargeError.isInstance(error)) {
      return this.error(
        new DemoHttpError(413, 'session_too_large', 'The session no longer fits in a cookie: empty the cart or log out.'),
        answerJson,
      );
    }
    const status = clientErrorStatus(error);
    if (status !== undefined) {
      // A framework's own refusal of a malformed request (bad URL encoding, say) keeps its 4xx status.
      return this.error(new DemoHttpError(status, 'bad_request', 'The request is malformed.'), answerJson);
    }
    console.error(`[${this.config.appName}] unexpected error:`, SessError.isInstance(error) ? error.message : error);
    return json({ error: 'Internal error.', code: 'internal_error' }, 500);
  }
}

/** The 4xx status a framework attached to an error (`status` or `statusCode`), if any. */
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = status ?? statusCode;
  return typeof value === 'number' && value >= 400 && value < 500 ? value : undefined;
}
