/**
 * Client-side sessions (Flask's default): the data itself travels in an AES-256-GCM encrypted,
 * authenticated cookie. No store; nothing to revoke, so a copy of the cookie taken before logout
 * stays valid until it expires.
 */
import { BaseSessions, type RequestState, type SessionInterface } from './base-sessions.js';
import { readCookie, serializeCookie } from '../cookies/cookie-header.js';
import { type AesGcmKey, type CryptoBackend, defaultCryptoBackend } from '../crypto/crypto-backend.js';
import { CookieTooLargeError, RegistryUnsupportedError, SessionConfigError } from '../errors.js';
import type { SessionRequest, SessionResponse } from './http-types.js';
import { LruMap } from '../support/lru-map.js';
import type { ResolvedOptions } from '../options/resolve-options.js';
import { decryptPayload, deriveEncryptionKeys, encryptPayload } from '../crypto/cookie-crypto.js';
import type { SessionValues } from '../session/session-data.js';
import { changedKeys, checkOwner, decodeAll, encodeAll, STATE, type Session } from '../session/session.js';
import { taggedCodec } from '../session/tagged-codec.js';
import { deviceLabel } from '../registry/device-label.js';
import { type DeviceEntry, toDeviceEntry } from '../registry/device-entry.js';
import type { SessionPatch, StoredData } from '../store/store.js';
import { chunkedAdditionalData, chunkName, joinChunks, presentChunks, splitChunks } from './cookie-chunks.js';

/** Browsers keep at most 4096 bytes of one cookie (name, value and attributes). */
export const MAX_COOKIE_BYTES = 4096;

/** What the encrypted cookie holds. */
interface CookiePayload {
  /** Data, encoded by the codec. */
  d: StoredData;
  /** createdAt. */
  c: number;
  /** expiresAt. */
  e: number;
  /** owner. */
  o?: string;
}

function isPayload(value: unknown): value is CookiePayload {
  const payload = value as CookiePayload;
  return (
    typeof payload === 'object' &&
    payload !== null &&
    typeof payload.d === 'object' &&
    payload.d !== null &&
    !Array.isArray(payload.d) &&
    typeof payload.c === 'number' &&
    typeof payload.e === 'number'
  );
}

/** A decrypted cookie value, as remembered between the requests that bring it. */
interface OpenedCookie {
  plaintext: string;
  keyIndex: number;
  /**
   * The payload parsed from `plaintext`, kept only with the default codec, whose `decode` builds new
   * objects: each request's session then still has its own values, and a returning visitor's read
   * costs no `JSON.parse` (a third of what sess adds to a cookie session's read on node:http).
   */
  parsed?: CookiePayload;
}

/** How many decrypted cookie values are remembered (each up to 4 KB). */
const DECRYPTED_CACHE_SIZE = 1000;

/** {@link SessionInterface} keeping the data in an encrypted cookie. Created by `createSessions({ store: 'cookie' })`. */
export class CookieSessions<T extends object = SessionValues> extends BaseSessions<T> implements SessionInterface<T> {
  readonly #keys: Promise<AesGcmKey[]>;
  /** Cookie values already decrypted (or just encrypted): a returning visitor then costs no AES-GCM call. */
  readonly #opened = new LruMap<string, OpenedCookie>(DECRYPTED_CACHE_SIZE);

  /** @internal Use `createSessions`. `backend` is chosen by the runtime unless a test forces one. */
  constructor(options: ResolvedOptions<T>, backend: CryptoBackend = defaultCryptoBackend()) {
    super(options);
    this.#keys = deriveEncryptionKeys(options.secrets, backend);
  }

  /** The session in the request's cookie, or a new one when it is missing, forged, stale or undecryptable. */
  protected openSession(request: SessionRequest): Session<T> | Promise<Session<T>> {
    const name = this.options.cookie.name;
    const candidates = readCookie(request.cookie, name);
    if (this.options.cookieChunks > 1) {
      const chunks = presentChunks(request.cookie, name);
      if (chunks.length > 0) return this.#openChunked(request, candidates, chunks.length);
    }
    const state = this.newState(request, candidates.length > 0);
    if (candidates.length === 0) return this.wrap(state);
    // A returning visitor's cookie, already opened once, is opened on the spot: no promise, no tick.
    return this.#openCandidates(state, candidates);
  }

  /** The session of a request that carries chunk cookies: their whole first, then any single cookie. */
  async #openChunked(request: SessionRequest, candidates: string[], present: number): Promise<Session<T>> {
    const name = this.options.cookie.name;
    // A request with chunks has a cookie of ours, even a broken one: a destroy must expire them.
    const state = this.newState(request, candidates.length > 0 || present > 0);
    const whole = joinChunks((chunk) => readCookie(request.cookie, chunk)[0], name, this.options.cookieChunks);
    if (whole !== undefined) {
      // Not kept in the cache of opened values: that holds single cookies (4 KB each) only.
      const opened = await decryptPayload(whole.value, await this.#keys, chunkedAdditionalData(name, whole.count));
      if (opened !== undefined) return this.#accept(state, opened);
    }
    if (candidates.length > 0) return this.#openCandidates(state, candidates);
    this.emit({ type: 'cookie-rejected', reason: 'undecryptable' });
    return this.wrap(state);
  }

  /**
   * The session of the first of the single cookies that opens, or a new one: on the spot when the
   * first cookie was opened before, else after decrypting.
   */
  #openCandidates(state: RequestState, candidates: string[]): Session<T> | Promise<Session<T>> {
    const opened = this.#opened.get(candidates[0]!);
    return opened === undefined ? this.#decryptCandidates(state, candidates) : this.#accept(state, opened);
  }

  async #decryptCandidates(state: RequestState, candidates: string[]): Promise<Session<T>> {
    for (const candidate of candidates) {
      let opened = this.#opened.get(candidate);
      if (opened === undefined) {
        // Keys are awaited only here: a cookie opened before needs none (and no extra tick).
        opened = await decryptPayload(candidate, await this.#keys, this.options.cookie.name);
        if (opened === undefined) continue;
        this.#opened.set(candidate, opened);
      }
      return this.#accept(state, opened);
    }
    this.emit({ type: 'cookie-rejected', reason: 'undecryptable' });
    return this.wrap(state);
  }

  /** The session in a decrypted payload, or a new one when it is malformed, expired or bound elsewhere. */
  #accept(state: RequestState, opened: OpenedCookie): Session<T> {
    let payload: unknown = opened.parsed;
    if (payload === undefined) {
      try {
        payload = JSON.parse(opened.plaintext);
      } catch (error) {
        payload = error;
      }
      if (isPayload(payload) && this.options.codec === taggedCodec) opened.parsed = payload;
    }
    if (!isPayload(payload)) {
      this.emit({ type: 'session-corrupt', error: new Error('cookie payload has the wrong shape') });
      return this.wrap(state);
    }
    if (this.isExpired({ createdAt: payload.c, expiresAt: payload.e }, Date.now())) {
      this.emit({ type: 'session-missing', reason: 'expired' });
      return this.wrap(state);
    }
    let data: Record<string, unknown>;
    try {
      data = decodeAll(payload.d, this.options.codec);
    } catch (error) {
      this.emit({ type: 'session-corrupt', error });
      return this.wrap(state);
    }
    if (opened.keyIndex > 0) this.emit({ type: 'secret-rotated' });
    const accepted = this.acceptLoaded(state, { data, stored: payload.d, createdAt: payload.c, expiresAt: payload.e, owner: payload.o });
    if (!accepted) this.resetToNew(state);
    else state.secretIndex = opened.keyIndex;
    return this.wrap(state);
  }

  /** Re-encrypts the cookie when something changed, renewal is due, or an old secret was used. */
  protected write(state: RequestState, response: SessionResponse): Promise<void> | undefined {
    // Computed once for the whole save: each changed value is encoded and serialized here only.
    const change = state.destroyed ? undefined : changedKeys(state, this.options.codec);
    return this.unchanged(state, change) ? undefined : this.#write(state, response, change);
  }

  async #write(state: RequestState, response: SessionResponse, change: SessionPatch | undefined): Promise<void> {
    const now = Date.now();
    if (state.destroyed) {
      if (this.restartAfterDestroy(state, response, now)) return;
      // What is left after the restart is new: its values count as changes.
      change = changedKeys(state, this.options.codec);
    }
    const changed = change !== undefined || state.ownerChanged;
    if (state.isNew && !changed) return;
    if (state.isNew || state.regenerated) state.createdAt = now;
    const deadline = this.deadline(state, now);
    if (!changed && !state.regenerated && !this.renewalDue(state, deadline) && state.secretIndex === 0) return;
    this.bind(state);
    state.expiresAt = deadline;
    const payload: CookiePayload = { d: encodeAll(state.data, this.options.codec), c: state.createdAt, e: deadline };
    if (state.owner !== undefined) payload.o = state.owner;
    const plaintext = JSON.stringify(payload);
    if (this.options.cookieChunks > 1 && (await this.#writeChunked(state, response, plaintext, now))) {
      Object.assign(state, { isNew: false, regenerated: false, secretIndex: 0, stored: payload.d });
      return;
    }
    const value = await encryptPayload(plaintext, (await this.#keys)[0]!, this.options.cookie.name);
    const cookie = this.sessionCookie(state, value, now);
    // A UTF-8 character takes at most 3 bytes: short cookies need no encoding to be measured.
    if (cookie.length * 3 > MAX_COOKIE_BYTES) {
      const size = new TextEncoder().encode(cookie).length;
      if (size > MAX_COOKIE_BYTES) throw new CookieTooLargeError(size, MAX_COOKIE_BYTES);
    }
    this.setCookieHeader(response, cookie);
    this.#opened.set(value, { plaintext, keyIndex: 0 });
    Object.assign(state, { isNew: false, regenerated: false, secretIndex: 0, stored: payload.d });
  }

  /**
   * Writes `plaintext` over several cookies when it does not fit in one, and expires the cookies of
   * the previous layout that this one leaves unused. Returns `false` when one cookie is enough (the
   * caller writes it); throws `CookieTooLargeError` past `cookieChunks` cookies.
   */
  async #writeChunked(state: RequestState, response: SessionResponse, plaintext: string, now: number): Promise<boolean> {
    const name = this.options.cookie.name;
    const present = presentChunks(state.request.cookie, name);
    // The encrypted value's length is known before encrypting: base64url of IV ‖ ciphertext ‖ tag.
    const sealedBytes = 12 + new TextEncoder().encode(plaintext).length + 16;
    const valueLength = Math.ceil((sealedBytes * 4) / 3);
    const attributes = this.sessionCookie(state, '', now).slice(name.length + 1);
    const overhead = new TextEncoder().encode(name + '=' + attributes).length;
    if (overhead + valueLength <= MAX_COOKIE_BYTES) {
      // One cookie is enough again: the chunks of a larger session before it must go.
      for (const index of present) this.#expire(state, response, chunkName(name, index), now);
      return false;
    }
    // Each chunk's name is two characters longer (`.0` … `.9`), and the first value starts with `n.`.
    const room = MAX_COOKIE_BYTES - overhead - 2 - 2;
    const count = Math.ceil(valueLength / room);
    if (count > this.options.cookieChunks) {
      throw new CookieTooLargeError(overhead + valueLength, MAX_COOKIE_BYTES * this.options.cookieChunks);
    }
    const value = await encryptPayload(plaintext, (await this.#keys)[0]!, chunkedAdditionalData(name, count));
    const slices = splitChunks(value, count, room);
    for (const [index, slice] of slices.entries()) {
      this.setCookieHeader(response, `${chunkName(name, index)}=${slice}${attributes}`);
    }
    for (const index of present) if (index >= count) this.#expire(state, response, chunkName(name, index), now);
    if (state.hadCookie && readCookie(state.request.cookie, name).length > 0) this.#expire(state, response, name, now);
    return true;
  }

  /** Expires cookie `cookieName` (a chunk or the single cookie) with the session cookie's path and domain. */
  #expire(state: RequestState, response: SessionResponse, cookieName: string, now: number): void {
    this.setCookieHeader(response, serializeCookie('', { ...this.options.cookie, name: cookieName }, this.isSecure(state), 0, now));
  }

  /** Expires the session cookie and every chunk cookie the request carried. */
  protected override expireCookie(state: RequestState, response: SessionResponse, now: number): void {
    const name = this.options.cookie.name;
    if (this.options.cookieChunks > 1) {
      for (const index of presentChunks(state.request.cookie, name)) this.#expire(state, response, chunkName(name, index), now);
      if (readCookie(state.request.cookie, name).length === 0) return;
    }
    super.expireCookie(state, response, now);
  }

  /** Cookie sessions cannot be found by owner: there is no server-side record to delete. */
  async destroyAll(): Promise<number> {
    throw new SessionConfigError(
      'cookie sessions cannot be ended by owner: the data lives only in browsers. Use a server-side store for "log out everywhere".',
    );
  }

  /**
   * Only `current` can be listed (when it is `owner`'s and saved): no other session is known. Its
   * handle is `current`, and its device is read from the request's User-Agent (the cookie keeps no
   * device, to stay small).
   */
  async list(owner: string, current?: Session<T>): Promise<DeviceEntry[]> {
    checkOwner(owner);
    if (current === undefined || current.owner !== owner) return [];
    const state = current[STATE] as RequestState;
    if (state.isNew) return [];
    const entry = toDeviceEntry({ data: state.data, createdAt: state.createdAt, expiresAt: state.expiresAt }, 'current', true, this.options.idleMs, Date.now());
    entry.device = deviceLabel(state.request.userAgent);
    return [entry];
  }

  /** Always throws `RegistryUnsupportedError`: a cookie session has no record to end. */
  async revoke(): Promise<boolean> {
    throw new RegistryUnsupportedError('cookie-sessions');
  }

  /** Always throws `RegistryUnsupportedError`: a cookie session has no record to end. */
  async revokeOthers(): Promise<number> {
    throw new RegistryUnsupportedError('cookie-sessions');
  }

  /** Always ready: there is no store. */
  async ping(): Promise<void> {}

  /** Nothing to close: cookie sessions hold no connection. */
  async close(): Promise<void> {}
}
