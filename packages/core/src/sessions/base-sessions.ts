/**
 * What server-side and cookie sessions share: creating session state, the expiry rules, binding to
 * client traits and the response headers (`Set-Cookie`, `Vary`, `Cache-Control`).
 */
import { serializeCookie } from '../cookies/cookie-header.js';
import { emptyRecord } from '../session/own-keys.js';
import type { SessionRequest, SessionResponse } from './http-types.js';
import type { ResolvedOptions } from '../options/resolve-options.js';
import { CsrfError } from '../errors.js';
import { csrfTokenMatches } from '../csrf/csrf-token.js';
import { type CsrfRefusal, isGuarded, refusedOrigin } from '../csrf/origin-check.js';
import { BIND_KEY, CSRF_KEY, EXPIRY_KEY, type ExpirySettings, type SessionValues } from '../session/session-data.js';
import type { SessionEvent } from '../session/session-event.js';
import type { DeviceEntry } from '../registry/device-entry.js';
import type { SessionPatch } from '../store/store.js';
import { recordChange, STATE, Session, type LoadedState, type SessionState } from '../session/session.js';

/**
 * Flask's `SessionInterface`, framework-free: `open` a session for a request, `save` it into the
 * response. Adapters call these two and nothing else on every request.
 */
export interface SessionInterface<T extends object = SessionValues> {
  /** The session cookie's name. */
  readonly cookieName: string;
  /**
   * Whether a session may hold a lock while its request runs (`locking`), so that an adapter knows
   * to release it as soon as the client goes away. Assumed when an implementation leaves it out.
   */
  readonly locking?: boolean;
  /**
   * The session of `request`: a verified cookie's live session, or a new empty one. Never throws for
   * bad cookies. Rejects with `CsrfError` (403) for an unsafe request the CSRF checks refuse, before
   * the store is read.
   */
  open(request: SessionRequest): Promise<Session<T>>;
  /**
   * Optional: {@link SessionInterface.open}, finishing on the spot when opening needs no I/O. It
   * returns the session itself when it is ready at once (a cookie session whose cookie was opened
   * before, a server-side session whose verified cookie is known and whose store answers in
   * process), else the promise `open` would return; it never throws (a failure is a rejected
   * promise). `runSession` uses it when present, so that such a request reaches its handler
   * without waiting a tick, as `save` lets it answer without one.
   */
  openNow?(request: SessionRequest): Session<T> | Promise<Session<T>>;
  /**
   * Writes what changed to the store and the response headers, then releases the session's lock.
   * Call it once, before the response headers are sent, also when the handler failed; the session
   * is closed afterwards (a lazy `load()` is refused). Finishes on the spot when it needs no I/O: it
   * returns `undefined` when the session is already saved (a read-only request inside its renewal
   * window, the common case), else the promise of the write, so that a read-only request never
   * waits a tick for its response.
   */
  save(session: Session<T>, response: SessionResponse): Promise<void> | undefined;
  /**
   * Closes the session without saving and releases its lock (for a request whose client went
   * away). Idempotent; never rejects.
   */
  release(session: Session<T>): Promise<void>;
  /**
   * Passes an event of the request lifecycle (such as `save-failed`) to the `onEvent` hook.
   * Optional for other implementations of this interface.
   */
  report?(event: SessionEvent): void;
  /** Ends every session whose `owner` is `owner` ("log out everywhere"); returns how many. */
  destroyAll(owner: string): Promise<number>;
  /**
   * The session registry: the live sessions of `owner`, newest first, each with a handle for
   * {@link SessionInterface.revoke}, its device label and times, and `current: true` for `current`
   * (the session of this request). Cookie sessions list only `current` (if it is `owner`'s).
   * Throws `RegistryUnsupportedError` when the store has no `listByOwner`.
   */
  list(owner: string, current?: Session<T>): Promise<DeviceEntry[]>;
  /**
   * Ends the session of `owner` that `handle` names; `false` (and nothing happens) when the handle
   * is malformed, unknown, or another owner's. Throws `RegistryUnsupportedError` with cookie
   * sessions or a store without `listByOwner`.
   */
  revoke(owner: string, handle: string): Promise<boolean>;
  /**
   * Ends every other session of `current`'s owner ("sign out other devices") and keeps `current`;
   * returns how many were ended (0 for a session without an owner). Throws
   * `RegistryUnsupportedError` with cookie sessions or a store without `listByOwner`.
   */
  revokeOthers(current: Session<T>): Promise<number>;
  /**
   * Resolves when the store answers (one `get` under the store timeout), rejects with
   * `StoreUnavailableError` otherwise: for health checks.
   */
  ping(): Promise<void>;
  /** Closes the store (connections, timers). */
  close(): Promise<void>;
}

/**
 * Extra state kept per request by the session interfaces. Every field exists from the start (one
 * object shape for V8), including those only server-side sessions use.
 */
export interface RequestState extends SessionState {
  request: SessionRequest;
  /** Whether the request carried a cookie of ours (so a destroyed session's cookie is expired). */
  hadCookie: boolean;
  /** Server-side: the store ID of the loaded record (a hash of `id` by default). */
  storeId: string | undefined;
  /** Server-side: the verified cookie value as it came in, reused when the ID is unchanged. */
  cookieValue: string | undefined;
  /** Server-side: the session came from `migrateFrom`, so the old library's cookie is expired at save. */
  migrated: boolean;
}

/** Shared machinery of the two session interfaces. */
export abstract class BaseSessions<T extends object> {
  /** @internal */
  protected readonly options: ResolvedOptions<T>;

  constructor(options: ResolvedOptions<T>) {
    this.options = options;
  }

  /** The session cookie's name. */
  get cookieName(): string {
    return this.options.cookie.name;
  }

  /** {@link SessionInterface.locking}. */
  get locking(): boolean {
    return this.options.locking !== undefined;
  }

  /** {@link SessionInterface.report}. */
  report(event: SessionEvent): void {
    this.emit(event);
  }

  /**
   * {@link SessionInterface.open}: the CSRF checks of an unsafe request, then the session. The
   * origin check refuses before anything is read (no store call, no lock); a submitted token is
   * checked against the session's once it is loaded. Returns the subclass's promise as it is when
   * there is nothing to check, so that a safe request costs no extra tick.
   */
  open(request: SessionRequest): Promise<Session<T>> {
    const opened = this.openNow(request);
    return opened instanceof Promise ? opened : Promise.resolve(opened);
  }

  /**
   * {@link SessionInterface.openNow}: the CSRF checks of an unsafe request, then the session. The
   * origin check refuses before anything is read (no store call, no lock); a submitted token is
   * checked against the session's once it is loaded.
   */
  openNow(request: SessionRequest): Session<T> | Promise<Session<T>> {
    const csrf = this.options.csrf;
    try {
      const guarded = csrf !== undefined && isGuarded(request, csrf);
      if (!guarded || csrf === undefined) return this.openSession(request);
      const refusal = refusedOrigin(request, csrf);
      if (refusal !== undefined) {
        this.#reportCsrf(refusal, request.origin ?? undefined);
        return Promise.reject(new CsrfError(refusal));
      }
      return csrf.token === undefined ? this.openSession(request) : this.#openWithToken(request, csrf.token);
    } catch (error) {
      // An app's `skip` that throws, or any other failure: a rejection like every other one of `open`.
      return Promise.reject(error);
    }
  }

  /** Opens the session of a guarded request under `csrf.token` and checks the token it carries, if any. */
  async #openWithToken(request: SessionRequest, where: { header: string; field: string }): Promise<Session<T>> {
    const session = await this.openSession(request);
    const submitted = submittedToken(request, where);
    const state = session[STATE];
    if (submitted === undefined) {
      // Maybe in a form field the app parses later: the handler calls `verifyCsrfToken`.
      state.csrfPending = true;
      return session;
    }
    try {
      await session.load();
    } catch (error) {
      await this.release(session);
      throw error;
    }
    if (!csrfTokenMatches(submitted, state.data[CSRF_KEY])) {
      await this.release(session);
      this.#reportCsrf('token-invalid');
      throw new CsrfError('token-invalid');
    }
    return session;
  }

  /**
   * Opens the session of `request` (see {@link SessionInterface.openNow}): the session itself when
   * no I/O was needed, else its promise. The CSRF checks are done.
   */
  protected abstract openSession(request: SessionRequest): Session<T> | Promise<Session<T>>;

  readonly #reportCsrf = (reason: CsrfRefusal, origin?: string): void => {
    this.emit(origin === undefined ? { type: 'csrf-refused', reason } : { type: 'csrf-refused', reason, origin });
  };

  /** Reports an event to the `onEvent` hook, which must never break a request. */
  protected emit(event: SessionEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // A logging hook that throws is the application's bug; the request goes on.
    }
  }

  /** State of a request that has no session yet. */
  protected newState(request: SessionRequest, hadCookie: boolean, now = Date.now()): RequestState {
    return {
      request,
      hadCookie,
      storeId: undefined,
      cookieValue: undefined,
      migrated: false,
      id: undefined,
      secretIndex: 0,
      loaded: true,
      isNew: true,
      load: undefined,
      loading: undefined,
      changes: undefined,
      ownerChanged: false,
      regenerated: false,
      destroyed: false,
      unlock: undefined,
      closed: false,
      csrfPending: false,
      reportCsrf: this.#reportCsrf,
      data: this.#initialData(),
      stored: undefined,
      createdAt: now,
      expiresAt: now + this.options.idleMs,
      owner: undefined,
    };
  }

  /** A new session's data: the initializer's values, in an object without prototype. */
  #initialData(): Record<string, unknown> {
    return Object.assign(emptyRecord(), this.options.initial());
  }

  /** Turns `state` into a new empty session (the initializer's data), forgetting any loaded one. */
  protected resetToNew(state: RequestState): void {
    const now = Date.now();
    state.id = undefined;
    state.storeId = undefined;
    state.cookieValue = undefined;
    state.isNew = true;
    state.loaded = true;
    state.data = this.#initialData();
    state.stored = undefined;
    state.createdAt = now;
    state.expiresAt = now + this.options.idleMs;
    state.owner = undefined;
    state.ownerChanged = false;
    state.regenerated = false;
    state.destroyed = false;
    state.changes = undefined;
  }

  /** Makes `state` a loaded session, unless it is bound to client traits the request does not match. */
  protected acceptLoaded(state: RequestState, loaded: LoadedState): boolean {
    const bind = this.options.bindTo;
    if (bind) {
      const bound = loaded.data[BIND_KEY] as { ip?: string; userAgent?: string } | undefined;
      if (bound) {
        if (bind.ip && bound.ip !== undefined && bound.ip !== state.request.ip) {
          this.emit({ type: 'session-unbound', trait: 'ip' });
          return false;
        }
        if (bind.userAgent && bound.userAgent !== undefined && bound.userAgent !== state.request.userAgent) {
          this.emit({ type: 'session-unbound', trait: 'userAgent' });
          return false;
        }
      }
    }
    state.data = loaded.data;
    state.stored = loaded.stored;
    state.createdAt = loaded.createdAt;
    state.expiresAt = loaded.expiresAt;
    state.owner = loaded.owner;
    state.loaded = true;
    state.isNew = false;
    return true;
  }

  /** Records the client traits a session is bound to, before a save that writes it. */
  protected bind(state: RequestState): void {
    const bind = this.options.bindTo;
    if (!bind) return;
    const traits: { ip?: string; userAgent?: string } = {};
    if (bind.ip && state.request.ip !== undefined) traits.ip = state.request.ip;
    if (bind.userAgent && state.request.userAgent !== undefined) traits.userAgent = state.request.userAgent;
    const data = state.data;
    const current = data[BIND_KEY] as typeof traits | undefined;
    if (current?.ip === traits.ip && current?.userAgent === traits.userAgent) return;
    recordChange(state, BIND_KEY, current === undefined ? undefined : JSON.stringify(current));
    data[BIND_KEY] = traits;
  }

  /** Whether a loaded record is past its idle or absolute deadline. */
  protected isExpired(record: { createdAt: number; expiresAt: number }, now: number): boolean {
    return record.expiresAt <= now || record.createdAt + this.options.absoluteMs <= now;
  }

  /** The session's deadline if a request happens `now`: idle, absolute and fixed limits together. */
  protected deadline(state: SessionState, now: number): number {
    const expiry = (state.data[EXPIRY_KEY] as ExpirySettings | undefined) ?? {};
    const idleMs = expiry.idle !== undefined ? expiry.idle * 1000 : this.options.idleMs;
    return Math.min(now + idleMs, state.createdAt + this.options.absoluteMs, expiry.until ?? Infinity);
  }

  /**
   * Whether an unchanged session is due for renewal: the deadline would move by at least
   * `touchAfter`. Read-only requests in between write nothing.
   */
  protected renewalDue(state: SessionState, deadline: number): boolean {
    const moved = deadline - state.expiresAt;
    return moved > 0 && moved >= this.options.touchAfterMs;
  }

  /** Marks the response as depending on the session cookie, as Flask and Django do. */
  protected markAccessed(response: SessionResponse): void {
    appendToken(response, 'Vary', 'Cookie');
  }

  /** The `Set-Cookie` value for the session cookie, with a lifetime that ends at the session's deadline. */
  protected sessionCookie(state: RequestState, value: string, now: number): string {
    const expiry = (state.data[EXPIRY_KEY] as ExpirySettings | undefined) ?? {};
    const maxAge = expiry.browser ? undefined : Math.max(1, Math.ceil((state.expiresAt - now) / 1000));
    return serializeCookie(value, this.options.cookie, this.isSecure(state), maxAge, now);
  }

  /** Sets the session cookie. */
  protected writeCookie(state: RequestState, response: SessionResponse, value: string, now: number): void {
    this.setCookieHeader(response, this.sessionCookie(state, value, now));
  }

  /** Expires the session cookie in the browser. */
  protected expireCookie(state: RequestState, response: SessionResponse, now: number): void {
    this.setCookieHeader(response, serializeCookie('', this.options.cookie, this.isSecure(state), 0, now));
  }

  /** Whether the session cookie of `state` carries `Secure`. */
  protected isSecure(state: RequestState): boolean {
    const secure = this.options.cookie.secure;
    return secure === 'auto' ? state.request.secure === true : secure;
  }

  /** Adds `Set-Cookie` and keeps shared caches from storing a response that carries it. */
  protected setCookieHeader(response: SessionResponse, cookie: string): void {
    response.appendHeader('Set-Cookie', cookie);
    const cacheControl = response.getHeader('Cache-Control');
    if (cacheControl === undefined || cacheControl === '') {
      response.setHeader('Cache-Control', 'private, no-cache="Set-Cookie"');
    } else if (!/\b(private|no-store)\b|no-cache="?set-cookie/i.test(cacheControl)) {
      response.setHeader('Cache-Control', `${cacheControl}, no-cache="Set-Cookie"`);
    }
  }

  /** Creates the `Session` object for `state`. */
  protected wrap(state: RequestState): Session<T> {
    return new Session<T>(state, this.options.codec);
  }

  /** {@link SessionInterface.save}. */
  save(session: Session<T>, response: SessionResponse): Promise<void> | undefined {
    const state = session[STATE] as RequestState;
    state.closed = 'saved';
    if (state.unlock !== undefined) return this.#saveAndUnlock(state, response);
    if (!state.loaded) return undefined;
    try {
      this.markAccessed(response);
      return this.write(state, response);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #saveAndUnlock(state: RequestState, response: SessionResponse): Promise<void> {
    try {
      if (!state.loaded) return;
      this.markAccessed(response);
      await this.write(state, response);
    } finally {
      await this.unlock(state);
    }
  }

  /**
   * Writes a loaded session: to the store and/or the cookie, as the implementation keeps it.
   * Returns `undefined` when there was nothing to write (see {@link BaseSessions.unchanged}), so
   * that a read-only request costs no promise.
   */
  protected abstract write(state: RequestState, response: SessionResponse): Promise<void> | undefined;

  /**
   * Whether saving `state` has nothing to do: not destroyed or regenerated, no key changed (`change`:
   * what `changedKeys` gave, computed once per save by the caller), and
   * neither a renewal nor a re-signing with the current secret is due.
   */
  protected unchanged(state: RequestState, change: SessionPatch | undefined): boolean {
    if (state.destroyed || state.regenerated || state.ownerChanged) return false;
    if (change !== undefined) return false;
    if (state.isNew) return true;
    return state.secretIndex === 0 && !this.renewalDue(state, this.deadline(state, Date.now()));
  }

  /**
   * After `destroy()`: the old session is gone, and values set afterwards start a fresh one with a
   * new ID. Returns `true` when nothing is left to write (the cookie has been expired).
   */
  protected restartAfterDestroy(state: RequestState, response: SessionResponse, now: number): boolean {
    const data = state.data;
    const owner = state.owner;
    this.resetToNew(state);
    if (Object.keys(data).length === 0) {
      if (state.hadCookie) this.expireCookie(state, response, now);
      return true;
    }
    state.data = data;
    state.owner = owner;
    state.ownerChanged = owner !== undefined;
    for (const key of Object.keys(data)) {
      recordChange(state, key, undefined);
    }
    return false;
  }

  /** {@link SessionInterface.release}; never rejects (see {@link BaseSessions.unlock}). */
  async release(session: Session<T>): Promise<void> {
    const state = session[STATE];
    if (state.closed === false) state.closed = 'abandoned';
    await this.unlock(state);
  }

  /**
   * Releases the lock held for `state`, once. Never rejects: a failed unlock is reported as a
   * `lock-release-failed` event, and the store's lock expires by its TTL anyway.
   */
  protected async unlock(state: SessionState): Promise<void> {
    const unlock = state.unlock;
    state.unlock = undefined;
    try {
      await unlock?.();
    } catch (error) {
      this.emit({ type: 'lock-release-failed', error });
    }
  }
}

/** The CSRF token a request carries in the token header or an already parsed body's field, if any. */
function submittedToken(request: SessionRequest, where: { header: string; field: string }): string | undefined {
  const header = request.header?.(where.header);
  if (header !== undefined && header !== '') return header;
  const body = request.body;
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, where.field)) return undefined;
  const field = (body as Record<string, unknown>)[where.field];
  return typeof field === 'string' && field !== '' ? field : undefined;
}

/** Adds `token` to a comma-separated header such as `Vary`, once. */
function appendToken(response: SessionResponse, name: string, token: string): void {
  const current = response.getHeader(name);
  if (!current) {
    response.setHeader(name, token);
    return;
  }
  const tokens = current.split(',').map((item) => item.trim().toLowerCase());
  if (tokens.includes('*') || tokens.includes(token.toLowerCase())) return;
  response.setHeader(name, `${current}, ${token}`);
}
