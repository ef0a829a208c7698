/**
 * Server-side sessions: the cookie holds only a signed random ID; the data lives in a `Store`.
 */
import { BaseSessions, type RequestState, type SessionInterface } from './base-sessions.js';
import { readCookie, serializeCookie } from '../cookies/cookie-header.js';
import { type CryptoBackend, defaultCryptoBackend, type HmacKey } from '../crypto/crypto-backend.js';
import { RegistryUnsupportedError, SessionConfigError } from '../errors.js';
import { guard } from '../store/guarded-store.js';
import { storeFailure } from '../store/store-failure.js';
import type { SessionRequest, SessionResponse } from './http-types.js';
import { KeyedMutex } from '../support/keyed-mutex.js';
import { LruMap } from '../support/lru-map.js';
import type { ResolvedOptions } from '../options/resolve-options.js';
import type { SessionValues } from '../session/session-data.js';
import { generateSessionId, importSigningKeys, signSessionId, storeIdOf, verifySessionCookie } from '../crypto/session-id.js';
import { changedKeys, checkOwner, decodeAll, encodeAll, recordChange, STATE, type Session } from '../session/session.js';
import type { OwnedRecord, SessionPatch, SessionRecord, Store, SyncStoreMethods } from '../store/store.js';
import { DEVICE_KEY, type DeviceInfo } from '../session/session-data.js';
import { deviceLabel } from '../registry/device-label.js';
import { truncateAddress } from '../registry/client-address.js';
import { type DeviceEntry, newestFirst, toDeviceEntry } from '../registry/device-entry.js';
import { handleBytes, handleKey, handleMatches, makeHandle } from '../registry/session-handle.js';

/** What a verified cookie value stands for. */
interface VerifiedCookie {
  id: string;
  keyIndex: number;
  /** Filled once the ID has been hashed for the store. */
  storeId?: string;
}

/** How a loaded session's record is updated at save (see `ServerSessions.#updateOf`). */
type RecordUpdate = { kind: 'patch'; change: SessionPatch } | { kind: 'touch' } | { kind: 'replace'; record: SessionRecord };

/** How many verified cookie values are remembered (about 200 bytes each). */
const VERIFIED_CACHE_SIZE = 10_000;

/** {@link SessionInterface} over a {@link Store}. Created by `createSessions({ store })`. */
export class ServerSessions<T extends object = SessionValues> extends BaseSessions<T> implements SessionInterface<T> {
  /** The store sessions are kept in. */
  readonly store: Store;
  readonly #crypto: CryptoBackend;
  readonly #keys: Promise<HmacKey[]>;
  readonly #mutex = new KeyedMutex();
  /**
   * Cookie values already verified, with their store IDs: a returning visitor then costs no HMAC
   * and no hash. Even synchronous `node:crypto` takes microseconds per call and Web Crypto calls are
   * asynchronous jobs, both far dearer than a map lookup.
   */
  readonly #verified = new LruMap<string, VerifiedCookie>(VERIFIED_CACHE_SIZE);
  /** The key of the session registry's handles, made on first use. */
  #handleKey: Promise<HmacKey> | undefined;

  /** @internal Use `createSessions`. `backend` is chosen by the runtime unless a test forces one. */
  constructor(store: Store, options: ResolvedOptions<T>, backend: CryptoBackend = defaultCryptoBackend()) {
    super(options);
    this.store = store;
    this.#crypto = backend;
    this.#keys = importSigningKeys(options.secrets, backend);
  }

  /**
   * One store call under the store timeout; through the store's synchronous methods (`now`) when it
   * has them ({@link Store.sync}): no deadline then, as such a call cannot hang.
   */
  #call<R>(what: string, call: () => Promise<R>, now?: (sync: SyncStoreMethods) => R): Promise<R> {
    const sync = this.store.sync;
    if (now !== undefined && sync !== undefined) {
      try {
        return Promise.resolve(now(sync));
      } catch (error) {
        return Promise.reject(storeFailure(this.store.name ?? 'store', what, error));
      }
    }
    return guard(this.store.name ?? 'store', this.options.storeTimeoutMs, what, call);
  }

  /**
   * The session of `request`; a missing, tampered, unknown or expired cookie gives a new session.
   * On the spot (no promise) for a returning visitor whose cookie was verified before, when the
   * store answers synchronously ({@link Store.sync}) and nothing is locked.
   */
  protected openSession(request: SessionRequest): Session<T> | Promise<Session<T>> {
    const now = Date.now();
    const candidates = readCookie(request.cookie, this.options.cookie.name);
    const state: RequestState = this.newState(request, candidates.length > 0, now);
    if (candidates.length === 0) {
      return this.options.migrateFrom ? this.#migrate(state).then(() => this.wrap(state)) : this.wrap(state);
    }
    const verified = this.#verified.get(candidates[0]!);
    if (verified === undefined) return this.#verifyCandidates(state, candidates);
    this.#useVerified(state, candidates[0]!, verified);
    return this.#openVerified(state, now);
  }

  /** {@link ServerSessions.openSession} for a cookie not verified before: checks each candidate's signature. */
  async #verifyCandidates(state: RequestState, candidates: string[]): Promise<Session<T>> {
    let rejection: 'malformed' | 'bad-signature' = 'malformed';
    for (const candidate of candidates) {
      let verified = this.#verified.get(candidate);
      if (verified === undefined) {
        // Keys are awaited only here: a cookie verified before needs none (and no extra tick).
        const verdict = await verifySessionCookie(candidate, await this.#keys);
        if (typeof verdict === 'string') {
          if (verdict === 'bad-signature') rejection = verdict;
          continue;
        }
        verified = verdict;
        this.#verified.set(candidate, verified);
      }
      this.#useVerified(state, candidate, verified);
      return this.#openVerified(state, Date.now());
    }
    this.emit({ type: 'cookie-rejected', reason: rejection });
    if (this.options.migrateFrom) await this.#migrate(state);
    return this.wrap(state);
  }

  #useVerified(state: RequestState, candidate: string, verified: VerifiedCookie): void {
    state.id = verified.id;
    state.secretIndex = verified.keyIndex;
    state.cookieValue = candidate;
    state.storeId = verified.storeId;
  }

  /** The session of a verified cookie: loaded now, or on first use in lazy mode. */
  #openVerified(state: RequestState, now: number): Session<T> | Promise<Session<T>> {
    if (state.secretIndex > 0) this.emit({ type: 'secret-rotated' });
    if (this.options.lazy) {
      state.loaded = false;
      state.load = () => this.#load(state, Date.now()) ?? Promise.resolve();
      return this.wrap(state);
    }
    const loading = this.#load(state, now);
    return loading === undefined ? this.wrap(state) : loading.then(() => this.wrap(state));
  }

  /**
   * Loads the record of a verified cookie into `state` (or makes it a new session). Returns
   * `undefined` when that is done on the spot: the store ID is known, the store answers
   * synchronously and no lock is to be taken.
   */
  #load(state: RequestState, now: number): Promise<void> | undefined {
    const sync = this.store.sync;
    const storeId = state.storeId;
    if (sync === undefined || storeId === undefined || this.options.locking) return this.#loadAsync(state);
    let record: SessionRecord | undefined;
    try {
      record = sync.get(storeId);
    } catch (error) {
      return Promise.reject(storeFailure(this.store.name ?? 'store', 'get', error));
    }
    if (!this.#applyRecord(state, storeId, record, now)) this.resetToNew(state);
    return undefined;
  }

  async #loadAsync(state: RequestState): Promise<void> {
    const id = state.id!;
    const storeId = state.storeId ?? (await this.#storeIdOfCookie(state.cookieValue!, id));
    if (this.options.locking) {
      state.unlock = await this.#lock(storeId);
      // Saved or abandoned while waiting for the lock (a lazy load nobody awaited): give it back.
      if (state.closed !== false) {
        await this.unlock(state);
        return;
      }
    }
    let record: SessionRecord | undefined;
    try {
      record = await this.#call('get', () => this.store.get(storeId), (sync) => sync.get(storeId));
    } catch (error) {
      await this.unlock(state);
      throw error;
    }
    if (!this.#applyRecord(state, storeId, record, Date.now())) {
      await this.unlock(state);
      this.resetToNew(state);
    }
  }

  /**
   * Makes `state` the loaded session of `record`. Returns `false` when the record is missing,
   * expired, corrupt or bound to other client traits: the caller then releases any lock and makes
   * the session new.
   */
  #applyRecord(state: RequestState, storeId: string, record: SessionRecord | undefined, now: number): boolean {
    if (record === undefined || this.isExpired(record, now)) {
      this.emit({ type: 'session-missing', reason: record === undefined ? 'unknown' : 'expired' });
      return false;
    }
    let data: Record<string, unknown>;
    try {
      data = decodeAll(record.data, this.options.codec);
    } catch (error) {
      this.emit({ type: 'session-corrupt', error });
      return false;
    }
    const accepted = this.acceptLoaded(state, {
      data,
      stored: record.data,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      owner: record.owner,
    });
    if (!accepted) return false;
    state.storeId = storeId;
    return true;
  }

  /** The store ID of a verified cookie's ID, remembered with the cookie. */
  async #storeIdOfCookie(cookieValue: string, id: string): Promise<string> {
    const storeId = await storeIdOf(id, this.options.hashIds, this.#crypto);
    const verified = this.#verified.get(cookieValue);
    if (verified !== undefined) verified.storeId = storeId;
    return storeId;
  }

  /** Carries a session of the library being replaced into this new one (saved with a new ID). */
  async #migrate(state: RequestState): Promise<void> {
    const source = this.options.migrateFrom!;
    for (const value of readCookie(state.request.cookie, source.cookieName)) {
      const legacy = await guard('migrate', this.options.storeTimeoutMs, 'read', () => source.read(value, state.request));
      if (legacy === undefined) continue;
      const data = state.data;
      for (const [key, item] of Object.entries(legacy.data)) {
        recordChange(state, key, undefined);
        data[key] = item;
      }
      if (legacy.owner !== undefined) state.owner = legacy.owner;
      state.migrated = true;
      this.emit({ type: 'session-migrated' });
      return;
    }
  }

  /** Once a migrated session is saved, the old library's cookie must not bring it back after a logout. */
  #expireLegacyCookie(state: RequestState, response: SessionResponse, now: number): void {
    const source = this.options.migrateFrom!;
    if (source.cookieName === this.options.cookie.name) return;
    const options = { ...this.options.cookie, name: source.cookieName, path: source.cookiePath ?? '/', domain: source.cookieDomain };
    this.setCookieHeader(response, serializeCookie('', options, state.request.secure === true, 0, now));
    state.migrated = false;
  }

  /** In-process queue first (cheap), then the store's cross-process lock when it has one. */
  async #lock(storeId: string): Promise<() => Promise<void>> {
    const locking = this.options.locking!;
    const releaseLocal = await this.#mutex.acquire(storeId, locking.waitMs, locking.ttlMs);
    if (!this.store.lock) return async () => releaseLocal();
    try {
      const unlock = await guard(this.store.name ?? 'store', locking.waitMs + this.options.storeTimeoutMs, 'lock', () =>
        this.store.lock!(storeId, locking),
      );
      return async () => {
        try {
          await this.#call('unlock', unlock);
        } finally {
          releaseLocal();
        }
      };
    } catch (error) {
      releaseLocal();
      throw error;
    }
  }


  /** Writes what changed (patch, set, touch or nothing) and the cookie. */
  protected write(state: RequestState, response: SessionResponse): Promise<void> | undefined {
    // Binding first: a client trait recorded for the first time is a change to write.
    if (!state.isNew && !state.destroyed) this.bind(state);
    // Computed once for the whole save: each changed value is encoded and serialized here only.
    const change = state.destroyed ? undefined : changedKeys(state, this.options.codec);
    if (this.unchanged(state, change)) return undefined;
    const sync = this.store.sync;
    if (sync !== undefined && !state.isNew && !state.destroyed && !state.regenerated && state.secretIndex === 0 && state.cookieValue !== undefined) {
      return this.#updateNow(state, response, change, sync);
    }
    return this.#write(state, response, change);
  }

  /**
   * What updating a loaded session's record takes (not a new, regenerated or destroyed one): a
   * patch of the changed keys, a touch for a renewal, the whole record where the store has neither
   * or the owner changed, or nothing.
   */
  #updateOf(state: RequestState, change: SessionPatch | undefined, deadline: number): RecordUpdate | undefined {
    if (change !== undefined || state.ownerChanged) {
      if (this.store.patch && !state.ownerChanged && change !== undefined) return { kind: 'patch', change };
      const record: SessionRecord = { data: encodeAll(state.data, this.options.codec), createdAt: state.createdAt, expiresAt: deadline };
      if (state.owner !== undefined) record.owner = state.owner;
      return { kind: 'replace', record };
    }
    if (!this.renewalDue(state, deadline)) return undefined;
    if (this.store.touch) return { kind: 'touch' };
    // A loaded session (only those are renewed) has what the store gave it.
    const record: SessionRecord = { data: state.stored!, createdAt: state.createdAt, expiresAt: deadline };
    if (state.owner !== undefined) record.owner = state.owner;
    return { kind: 'replace', record };
  }

  /**
   * The update of a loaded session whose cookie stays as it is, through the store's synchronous
   * methods ({@link Store.sync}): done on the spot (`undefined`), or a rejected promise when the
   * store failed. The same steps as {@link ServerSessions.#write}'s update, without a promise.
   */
  #updateNow(state: RequestState, response: SessionResponse, change: SessionPatch | undefined, sync: SyncStoreMethods): Promise<void> | undefined {
    const now = Date.now();
    const deadline = this.deadline(state, now);
    const update = this.#updateOf(state, change, deadline);
    if (update === undefined) return undefined;
    const storeId = state.storeId!;
    let what: string = update.kind;
    try {
      if (update.kind === 'patch') sync.patch!(storeId, update.change, deadline);
      else if (update.kind === 'touch') sync.touch!(storeId, deadline);
      else {
        what = 'get';
        if (sync.get(storeId) === undefined) {
          this.#endedElsewhere(state, response, now);
          return undefined;
        }
        what = 'set';
        sync.set(storeId, update.record);
      }
    } catch (error) {
      return Promise.reject(storeFailure(this.store.name ?? 'store', what, error));
    }
    state.expiresAt = deadline;
    this.writeCookie(state, response, state.cookieValue!, now);
    return undefined;
  }

  async #write(state: RequestState, response: SessionResponse, loadedChange: SessionPatch | undefined): Promise<void> {
    const now = Date.now();
    if (state.destroyed) {
      if (state.storeId !== undefined) {
        const storeId = state.storeId;
        await this.#call('destroy', () => this.store.destroy(storeId), (sync) => sync.destroy(storeId));
      }
      if (this.restartAfterDestroy(state, response, now)) return;
    }

    if (state.isNew || state.regenerated) {
      if (state.isNew && changedKeys(state, this.options.codec) === undefined && !state.ownerChanged) return;
      this.bind(state);
      this.#recordDevice(state);
      const retired = state.isNew ? undefined : state.storeId;
      if (retired !== undefined && !(await this.#stillPresent(state, response, retired, now))) return;
      const id = generateSessionId();
      const storeId = await storeIdOf(id, this.options.hashIds, this.#crypto);
      state.createdAt = now;
      state.expiresAt = this.deadline(state, now);
      const record: SessionRecord = {
        data: encodeAll(state.data, this.options.codec),
        createdAt: state.createdAt,
        expiresAt: state.expiresAt,
      };
      if (state.owner !== undefined) record.owner = state.owner;
      await this.#call('set', () => this.store.set(storeId, record), (sync) => sync.set(storeId, record));
      if (retired !== undefined) await this.#call('destroy', () => this.store.destroy(retired), (sync) => sync.destroy(retired));
      Object.assign(state, { id, storeId, isNew: false, regenerated: false });
      const cookieValue = await signSessionId(id, (await this.#keys)[0]!);
      this.#verified.set(cookieValue, { id, keyIndex: 0, storeId });
      this.writeCookie(state, response, cookieValue, now);
      if (state.migrated) this.#expireLegacyCookie(state, response, now);
      return;
    }

    // Not destroyed (a destroyed session is new by now), so `loadedChange` is this session's change.
    const storeId = state.storeId!;
    const deadline = this.deadline(state, now);
    const update = this.#updateOf(state, loadedChange, deadline);
    if (update?.kind === 'patch') {
      const change = update.change;
      await this.#call('patch', () => this.store.patch!(storeId, change, deadline), (sync) => sync.patch!(storeId, change, deadline));
    } else if (update?.kind === 'touch') {
      await this.#call('touch', () => this.store.touch!(storeId, deadline), (sync) => sync.touch!(storeId, deadline));
    } else if (update?.kind === 'replace') {
      if (!(await this.#replaceIfPresent(state, response, storeId, update.record, now))) return;
    } else if (state.secretIndex > 0) {
      // Signed with an old secret: re-sign with the current one so that rotation completes as users return.
      this.writeCookie(state, response, await this.#signedValue(state), now);
      state.secretIndex = 0;
      return;
    } else {
      return;
    }
    state.expiresAt = deadline;
    this.writeCookie(state, response, await this.#signedValue(state), now);
    state.secretIndex = 0;
  }

  /**
   * Replaces the record of a session this request loaded, unless it is gone: a logout
   * (`destroy()`, `destroyAll()`) by another request while this one ran must stay a logout, and a
   * blind `set` would bring the old record back. `patch` and `touch` leave a missing record missing
   * by contract; `set` does not, so the record is read first. What remains is the time between
   * that read and the write (one round trip, see SECURITY.md). Returns `false` when the session was
   * ended.
   */
  async #replaceIfPresent(state: RequestState, response: SessionResponse, storeId: string, record: SessionRecord, now: number): Promise<boolean> {
    if (!(await this.#stillPresent(state, response, storeId, now))) return false;
    await this.#call('set', () => this.store.set(storeId, record), (sync) => sync.set(storeId, record));
    return true;
  }

  /**
   * Whether the record this request loaded is still there. When another request ended it, the
   * session is over for this one too: its cookie is expired and nothing is written (regenerating
   * it would otherwise carry the ended session's data over to a new ID).
   */
  async #stillPresent(state: RequestState, response: SessionResponse, storeId: string, now: number): Promise<boolean> {
    if ((await this.#call('get', () => this.store.get(storeId), (sync) => sync.get(storeId))) !== undefined) return true;
    this.#endedElsewhere(state, response, now);
    return false;
  }

  /** The session's record was ended by another request: its cookie is expired and nothing is written. */
  #endedElsewhere(state: RequestState, response: SessionResponse, now: number): void {
    this.emit({ type: 'session-missing', reason: 'ended' });
    this.expireCookie(state, response, now);
    this.resetToNew(state);
  }

  async #signedValue(state: RequestState): Promise<string> {
    if (state.secretIndex === 0 && state.cookieValue !== undefined) return state.cookieValue;
    return signSessionId(state.id!, (await this.#keys)[0]!);
  }

  /** Ends every session of `owner` through the store's `destroyByOwner`. */
  async destroyAll(owner: string): Promise<number> {
    if (!this.store.destroyByOwner) {
      throw new SessionConfigError(`the ${this.store.name ?? 'configured'} store cannot find sessions by owner (no destroyByOwner)`);
    }
    return this.#call('destroyByOwner', () => this.store.destroyByOwner!(owner));
  }

  /** Notes the device a new record is made on (a login's regeneration included), for the registry. */
  #recordDevice(state: RequestState): void {
    const device: DeviceInfo = { label: deviceLabel(state.request.userAgent) };
    if (this.options.deviceAddress) {
      const address = truncateAddress(state.request.ip);
      if (address !== undefined) device.address = address;
    }
    state.data[DEVICE_KEY] = device;
  }

  /** The owner's live records, through the store's `listByOwner`. */
  async #owned(owner: string): Promise<OwnedRecord[]> {
    checkOwner(owner);
    if (!this.store.listByOwner) throw new RegistryUnsupportedError('store-cannot-list', this.store.name);
    const listed = await this.#call('listByOwner', () => this.store.listByOwner!(owner));
    const now = Date.now();
    // The store's word is checked again: another owner's or an expired record is never handed on.
    return listed.filter(({ record }) => record.owner === owner && !this.isExpired(record, now));
  }

  #handles(): Promise<HmacKey> {
    this.#handleKey ??= this.#keys.then((keys) => handleKey(keys[0]!, this.#crypto));
    return this.#handleKey;
  }

  /** {@link SessionInterface.list}. */
  async list(owner: string, current?: Session<T>): Promise<DeviceEntry[]> {
    const records = await this.#owned(owner);
    const key = await this.#handles();
    const currentId = current === undefined ? undefined : (current[STATE] as RequestState).storeId;
    const now = Date.now();
    const entries: DeviceEntry[] = [];
    for (const { id, record } of records) {
      entries.push(toDeviceEntry(record, await makeHandle(key, id), id === currentId, this.options.idleMs, now));
    }
    return entries.sort(newestFirst);
  }

  /** {@link SessionInterface.revoke}. */
  async revoke(owner: string, handle: string): Promise<boolean> {
    checkOwner(owner);
    const bytes = handleBytes(handle);
    const records = await this.#owned(owner);
    if (bytes === undefined) return false;
    const key = await this.#handles();
    for (const { id } of records) {
      if (await handleMatches(key, id, bytes)) {
        await this.#call('destroy', () => this.store.destroy(id));
        return true;
      }
    }
    return false;
  }

  /** {@link SessionInterface.revokeOthers}. */
  async revokeOthers(current: Session<T>): Promise<number> {
    const owner = current.owner;
    if (owner === undefined) return 0;
    const state = current[STATE] as RequestState;
    const others = (await this.#owned(owner)).filter(({ id }) => id !== state.storeId);
    for (const { id } of others) {
      await this.#call('destroy', () => this.store.destroy(id));
    }
    return others.length;
  }

  /** Reads a random, absent ID: proves the store answers within the timeout. */
  async ping(): Promise<void> {
    const probe = generateSessionId();
    await this.#call('ping', () => this.store.get(probe));
  }

  /** Closes the store. */
  async close(): Promise<void> {
    await this.store.close?.();
  }
}
