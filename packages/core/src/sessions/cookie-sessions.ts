/**
 * Client-side sessions (Flask's default): the data itself travels in an AES-256-GCM encrypted,
 * authenticated cookie. No store; nothing to revoke, so a copy of the cookie taken before logout
 * stays valid until it expires.
 */
import { BaseSessions, type RequestState, type SessionInterface } from './base-sessions.js';
import { readCookie } from '../cookies/cookie-header.js';
import { type AesGcmKey, type CryptoBackend, defaultCryptoBackend } from '../crypto/crypto-backend.js';
import { CookieTooLargeError, SessionConfigError } from '../errors.js';
import type { SessionRequest, SessionResponse } from './http-types.js';
import { LruMap } from '../support/lru-map.js';
import type { ResolvedOptions } from '../options/resolve-options.js';
import { decryptPayload, deriveEncryptionKeys, encryptPayload } from '../crypto/cookie-crypto.js';
import type { SessionValues } from '../session/session-data.js';
import { changedKeys, decodeAll, encodeAll, type Session } from '../session/session.js';
import type { StoredData } from '../store/store.js';

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

/** How many decrypted cookie values are remembered (each up to 4 KB). */
const DECRYPTED_CACHE_SIZE = 1000;

/** {@link SessionInterface} keeping the data in an encrypted cookie. Created by `createSessions({ store: 'cookie' })`. */
export class CookieSessions<T extends object = SessionValues> extends BaseSessions<T> implements SessionInterface<T> {
  readonly #keys: Promise<AesGcmKey[]>;
  /** Cookie values already decrypted (or just encrypted): a returning visitor then costs no AES-GCM call. */
  readonly #opened = new LruMap<string, { plaintext: string; keyIndex: number }>(DECRYPTED_CACHE_SIZE);

  /** @internal Use `createSessions`. `backend` is chosen by the runtime unless a test forces one. */
  constructor(options: ResolvedOptions<T>, backend: CryptoBackend = defaultCryptoBackend()) {
    super(options);
    this.#keys = deriveEncryptionKeys(options.secrets, backend);
  }

  /** The session in the request's cookie, or a new one when it is missing, forged, stale or undecryptable. */
  protected async openSession(request: SessionRequest): Promise<Session<T>> {
    const candidates = readCookie(request.cookie, this.options.cookie.name);
    const state = this.newState(request, candidates.length > 0);
    if (candidates.length === 0) return this.wrap(state);
    for (const candidate of candidates) {
      let opened = this.#opened.get(candidate);
      if (opened === undefined) {
        // Keys are awaited only here: a cookie opened before needs none (and no extra tick).
        opened = await decryptPayload(candidate, await this.#keys, this.options.cookie.name);
        if (opened === undefined) continue;
        this.#opened.set(candidate, opened);
      }
      let payload: unknown;
      try {
        payload = JSON.parse(opened.plaintext);
      } catch (error) {
        payload = error;
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
    this.emit({ type: 'cookie-rejected', reason: 'undecryptable' });
    return this.wrap(state);
  }

  /** Re-encrypts the cookie when something changed, renewal is due, or an old secret was used. */
  protected write(state: RequestState, response: SessionResponse): Promise<void> | undefined {
    return this.unchanged(state) ? undefined : this.#write(state, response);
  }

  async #write(state: RequestState, response: SessionResponse): Promise<void> {
    const now = Date.now();
    if (state.destroyed && this.restartAfterDestroy(state, response, now)) return;
    const changed = changedKeys(state, this.options.codec) !== undefined || state.ownerChanged;
    if (state.isNew && !changed) return;
    if (state.isNew || state.regenerated) state.createdAt = now;
    const deadline = this.deadline(state, now);
    if (!changed && !state.regenerated && !this.renewalDue(state, deadline) && state.secretIndex === 0) return;
    this.bind(state);
    state.expiresAt = deadline;
    const payload: CookiePayload = { d: encodeAll(state.data, this.options.codec), c: state.createdAt, e: deadline };
    if (state.owner !== undefined) payload.o = state.owner;
    const plaintext = JSON.stringify(payload);
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

  /** Cookie sessions cannot be found by owner: there is no server-side record to delete. */
  async destroyAll(): Promise<number> {
    throw new SessionConfigError(
      'cookie sessions cannot be ended by owner: the data lives only in browsers. Use a server-side store for "log out everywhere".',
    );
  }

  /** Always ready: there is no store. */
  async ping(): Promise<void> {}

  /** Nothing to close: cookie sessions hold no connection. */
  async close(): Promise<void> {}
}
