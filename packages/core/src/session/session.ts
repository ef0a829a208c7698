import type { Codec } from './codec.js';
import { CsrfError, SessionStateError } from '../errors.js';
import { csrfTokenMatches, maskCsrfSecret, newCsrfSecret } from '../csrf/csrf-token.js';
import type { CsrfRefusal } from '../csrf/origin-check.js';
import { emptyRecord } from './own-keys.js';
import { checkValue } from './value-check.js';
import { BIND_KEY, CSRF_KEY, DEVICE_KEY, EXPIRY_KEY, FLASH_KEY, type ExpirySettings, type Flash, type SessionValues } from './session-data.js';
import type { JsonValue, SessionPatch, StoredData } from '../store/store.js';

/** Internal state of a {@link Session}, read and written by the session interface that owns it. */
export const STATE = Symbol('sess.state');

/** The part of a session's state that outlives one request. */
export interface LoadedState {
  /** Decoded values. */
  data: Record<string, unknown>;
  /** The values as they were stored (JSON-safe); `undefined` for a session that is new. */
  stored: StoredData | undefined;
  createdAt: number;
  expiresAt: number;
  owner: string | undefined;
}

/** Bookkeeping a session interface needs to save a session. */
export interface SessionState extends LoadedState {
  /** The ID from a verified cookie, before loading; the session's ID once saved. */
  id: string | undefined;
  /** Index of the secret that verified the cookie (0 = current). */
  secretIndex: number;
  loaded: boolean;
  isNew: boolean;
  /** Loads the session on first use (lazy mode); replaced by a resolved promise once done. */
  load: (() => Promise<void>) | undefined;
  loading: Promise<void> | undefined;
  /**
   * Keys whose value may have changed (set, deleted, or handed out as an object that may be
   * mutated), each with its value's JSON text before the first touch (`undefined`: the key was
   * absent). Created at the first change: most requests change nothing.
   */
  changes: Map<string, string | undefined> | undefined;
  ownerChanged: boolean;
  regenerated: boolean;
  destroyed: boolean;
  /** Releases the session's lock; called once at save. */
  unlock: (() => Promise<void>) | undefined;
  /**
   * `saved` or `abandoned` (the client left): the request is over for the session. A lazy `load()`
   * is refused from then on, and one still in flight gives its lock back as soon as it has it; once
   * saved, a change is refused too (it could not be saved any more).
   */
  closed: false | 'saved' | 'abandoned';
  /**
   * An unsafe request that must show the session's CSRF token (`csrf.token`) came without one: its
   * data stays out of reach until `verifyCsrfToken` accepts a token.
   */
  csrfPending: boolean;
  /** Reports a CSRF refusal to `onEvent`. */
  reportCsrf: ((reason: CsrfRefusal) => void) | undefined;
}

const RESERVED = new Set([FLASH_KEY, EXPIRY_KEY, BIND_KEY, DEVICE_KEY, CSRF_KEY]);

/** The longest owner a session takes: what every store can keep and index (MySQL's `VARCHAR(255)`). */
export const MAX_OWNER_LENGTH = 255;

/**
 * Throws `SessionStateError` unless `owner` is a string of 1 to {@link MAX_OWNER_LENGTH} characters
 * that a store can keep: the rule of `session.owner`, also checked where an owner is looked up.
 */
export function checkOwner(owner: unknown): asserts owner is string {
  if (typeof owner !== 'string' || owner.length === 0 || owner.length > MAX_OWNER_LENGTH) {
    throw new SessionStateError(`an owner is a string of 1 to ${MAX_OWNER_LENGTH} characters (a user ID), not ${typeof owner === 'string' ? `${owner.length} characters` : typeof owner}`);
  }
  checkValue('owner', owner);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * One user's session for one request: a typed dictionary with Flask's and Django's verbs. Changes,
 * including in-place mutation of nested objects and arrays, are detected at save without any flag.
 */
export class Session<T extends object = SessionValues> {
  /** @internal */
  readonly [STATE]: SessionState;
  readonly #codec: Codec;

  /** @internal Sessions are created by a session interface's `open`, not by user code. */
  constructor(state: SessionState, codec: Codec) {
    this[STATE] = state;
    this.#codec = codec;
  }

  #data(): Record<string, unknown> {
    const state = this[STATE];
    if (state.csrfPending) this.#refuseCsrf('token-missing');
    return this.#loadedData();
  }

  /** The data, also of a request whose CSRF token is still to be verified. */
  #loadedData(): Record<string, unknown> {
    const state = this[STATE];
    if (!state.loaded) {
      throw new SessionStateError('the session is not loaded yet: call `await session.load()` first (lazy mode)');
    }
    return state.data;
  }

  #refuseCsrf(reason: CsrfRefusal): never {
    this[STATE].reportCsrf?.(reason);
    throw new CsrfError(reason);
  }

  /**
   * This session's CSRF token for a form field or a `<meta>` tag: the session's secret (created
   * and stored on first use), masked with fresh random bytes, so it differs in every response and
   * cannot be read out of a compressed page. Every token handed out stays valid until the session
   * is regenerated or destroyed.
   */
  csrfToken(): string {
    const data = this.#loadedData();
    const secret = data[CSRF_KEY];
    if (typeof secret === 'string') return maskCsrfSecret(secret);
    this.#writable();
    const created = newCsrfSecret();
    this.#touch(CSRF_KEY);
    data[CSRF_KEY] = created;
    return maskCsrfSecret(created);
  }

  /**
   * Checks a token the client submitted (a form field the app's body parser read) against the
   * session's, in constant time. Returns when it matches, and then unlocks the session of a request
   * that came without a token under `csrf.token`; throws `CsrfError` (403) when it is missing or
   * does not match, such as one from before a logout.
   */
  verifyCsrfToken(token: unknown): void {
    if (csrfTokenMatches(token, this.#loadedData()[CSRF_KEY])) {
      this[STATE].csrfPending = false;
      return;
    }
    this.#refuseCsrf(token === undefined || token === null || token === '' ? 'token-missing' : 'token-invalid');
  }

  /** The data, for a change: refused once the session was saved, since the change would be lost. */
  #writable(): Record<string, unknown> {
    if (this[STATE].closed === 'saved') {
      throw new SessionStateError(
        'the session was already saved (its response had started): change it before the response is sent, or it would be lost',
      );
    }
    return this.#data();
  }

  /** Records a key's value before its first change, so that save can tell what changed. */
  #touch(key: string): void {
    const state = this[STATE];
    if (state.changes?.has(key) === true) return;
    const data = state.data;
    recordChange(state, key, key in data ? JSON.stringify(this.#codec.encode(data[key])) : undefined);
  }

  #assertUserKey(key: string): void {
    if (RESERVED.has(key)) throw new SessionStateError(`"${key}" is reserved for sess's own use`);
    // Stores rebuild records key by key; `__proto__` would be lost (or worse) on the way back.
    if (key === '__proto__') throw new SessionStateError('"__proto__" cannot be a session key: choose another name');
  }

  /** Loads the session from its store (lazy mode). Resolves at once when it is already loaded. */
  async load(): Promise<this> {
    const state = this[STATE];
    if (state.loaded) return this;
    if (state.closed !== false && state.loading === undefined) {
      throw new SessionStateError(
        state.closed === 'saved'
          ? 'the session was already saved: call `await session.load()` before the response is sent (lazy mode)'
          : 'the request was abandoned (its client went away): the session is not loaded any more',
      );
    }
    state.loading ??= state.load!();
    await state.loading;
    return this;
  }

  /** Whether the session's data is available (always, unless lazy mode and `load()` not awaited yet). */
  get loaded(): boolean {
    return this[STATE].loaded;
  }

  /**
   * The session's ID (the one inside the cookie), or `undefined` for a new session not saved yet.
   * Treat it as a secret: it must not be logged or put into pages.
   */
  get id(): string | undefined {
    return this[STATE].id;
  }

  /** True when the request brought no live session: this one was created for it. */
  get isNew(): boolean {
    this.#data();
    return this[STATE].isNew;
  }

  /** Epoch ms at which this session was created; the absolute timeout counts from here. */
  get createdAt(): number {
    this.#data();
    return this[STATE].createdAt!;
  }

  /** Epoch ms at which this session dies if no request extends it. */
  get expiresAt(): number {
    this.#data();
    return this[STATE].expiresAt!;
  }

  /** The value under `key`, or `undefined`. Objects returned may be mutated in place: that is saved. */
  get<K extends keyof T & string>(key: K): T[K] | undefined {
    const data = this.#data();
    const value = data[key];
    if (isObject(value)) this.#touch(key);
    return value as T[K] | undefined;
  }

  /**
   * Stores `value` under `key`. `undefined` removes the key. A value that no store could keep is
   * refused here with `SessionStateError` naming the key: text with a lone surrogate, nesting deeper
   * than 64 levels, a cycle.
   */
  set<K extends keyof T & string>(key: K, value: T[K]): this {
    this.#assertUserKey(key);
    const data = this.#writable();
    // `undefined` removes the key; inside a value, the codec says whether it comes back.
    if (value !== undefined) checkValue(key, value, this.#codec);
    this.#touch(key);
    if (value === undefined) delete data[key];
    else data[key] = value;
    return this;
  }

  /** Whether `key` holds a value. */
  has(key: keyof T & string): boolean {
    return key in this.#data() && !RESERVED.has(key);
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: keyof T & string): boolean {
    this.#assertUserKey(key);
    const data = this.#writable();
    if (!(key in data)) return false;
    this.#touch(key);
    delete data[key];
    return true;
  }

  /** Removes `key` and returns its value (or `fallback` when absent). */
  pop<K extends keyof T & string>(key: K, fallback?: T[K]): T[K] | undefined {
    const data = this.#data();
    if (!(key in data)) return fallback;
    const value = data[key] as T[K];
    this.delete(key);
    return value;
  }

  /** Removes every value (flash messages and expiry settings included); the session itself lives on. */
  clear(): void {
    const data = this.#writable();
    for (const key of Object.keys(data)) {
      // The device the session was made on describes the session, not a value in it.
      if (key === DEVICE_KEY) continue;
      this.#touch(key);
      delete data[key];
    }
  }

  /** The keys that hold values (sess's own keys excluded). */
  keys(): Array<keyof T & string> {
    return Object.keys(this.#data()).filter((key) => !RESERVED.has(key)) as Array<keyof T & string>;
  }

  /** `[key, value]` pairs; values may be mutated in place (that is saved). */
  entries(): Array<[keyof T & string, T[keyof T]]> {
    const data = this.#data();
    return this.keys().map((key) => {
      if (isObject(data[key])) this.#touch(key);
      return [key, data[key] as T[keyof T]];
    });
  }

  /** The values as a plain object (for `JSON.stringify` and logging). */
  toJSON(): Partial<T> {
    return Object.fromEntries(this.entries()) as Partial<T>;
  }

  /** The number of keys that hold values. */
  get size(): number {
    return this.keys().length;
  }

  /** Queues a message for the next page that calls {@link Session.consumeFlashes}. */
  flash(message: string, category = 'message'): void {
    const data = this.#writable();
    this.#touch(FLASH_KEY);
    const queue = (data[FLASH_KEY] as Flash[] | undefined) ?? [];
    queue.push({ message, category });
    data[FLASH_KEY] = queue;
  }

  /** Pending flash messages (of one category if given) without removing them. */
  peekFlashes(category?: string): Flash[] {
    const queue = (this.#data()[FLASH_KEY] as Flash[] | undefined) ?? [];
    return category === undefined ? [...queue] : queue.filter((flash) => flash.category === category);
  }

  /** Returns pending flash messages (of one category if given) and removes them. */
  consumeFlashes(category?: string): Flash[] {
    const data = this.#data();
    const queue = (data[FLASH_KEY] as Flash[] | undefined) ?? [];
    if (queue.length === 0) return [];
    this.#writable();
    this.#touch(FLASH_KEY);
    const taken = category === undefined ? queue : queue.filter((flash) => flash.category === category);
    const kept = category === undefined ? [] : queue.filter((flash) => flash.category !== category);
    if (kept.length === 0) delete data[FLASH_KEY];
    else data[FLASH_KEY] = kept;
    return taken;
  }

  /**
   * Gives the session a new ID and keeps its data (Django's `cycle_key`); the old record is deleted
   * at save. Call it whenever privileges change, above all at login, against session fixation. The
   * absolute timeout starts again: a login begins a new session.
   * The CSRF token changes too.
   */
  regenerate(): void {
    const data = this.#writable();
    this[STATE].regenerated = true;
    // A new CSRF token with the new ID: one read before the login is worth nothing after it.
    if (CSRF_KEY in data) {
      this.#touch(CSRF_KEY);
      delete data[CSRF_KEY];
    }
  }

  /**
   * Ends the session (Django's `flush`, web.py's `kill`): its record is deleted and its cookie
   * expired at save. Values set afterwards start a fresh session with a new ID.
   */
  destroy(): void {
    const state = this[STATE];
    const data = this.#writable();
    for (const key of Object.keys(data)) delete data[key];
    state.destroyed = true;
    state.changes = undefined;
  }

  /** True once {@link Session.destroy} was called. */
  get isDestroyed(): boolean {
    return this[STATE].destroyed;
  }

  /**
   * Sets this session's expiry: seconds of idle time, a `Date` after which it ends whatever happens,
   * `0` for a cookie that ends with the browser, or `null` for the configured defaults.
   */
  setExpiry(expiry: number | Date | null): void {
    const current = this.#expiry();
    let next: ExpirySettings;
    if (expiry === null) next = {};
    else if (expiry instanceof Date) next = { until: expiry.getTime() };
    else if (expiry === 0) next = { browser: true };
    else if (Number.isFinite(expiry) && expiry > 0) next = { idle: expiry };
    else throw new SessionStateError(`setExpiry() takes seconds > 0, a Date, 0 or null, not ${String(expiry)}`);
    if (expiry !== 0 && current.browser && expiry !== null) next.browser = true;
    this.#writeExpiry(next);
  }

  /**
   * Flask's `permanent`: `true` (the default) gives the cookie a lifetime; `false` makes it a
   * browser-session cookie, gone when the browser closes.
   */
  get permanent(): boolean {
    return !this.#expiry().browser;
  }

  set permanent(value: boolean) {
    const next = { ...this.#expiry() };
    if (value) delete next.browser;
    else next.browser = true;
    this.#writeExpiry(next);
  }

  /** @internal This session's expiry settings. */
  #expiry(): ExpirySettings {
    return (this.#data()[EXPIRY_KEY] as ExpirySettings | undefined) ?? {};
  }

  #writeExpiry(next: ExpirySettings): void {
    const data = this.#writable();
    this.#touch(EXPIRY_KEY);
    if (Object.keys(next).length === 0) delete data[EXPIRY_KEY];
    else data[EXPIRY_KEY] = next;
  }

  /** The user this session belongs to (set it at login to allow "log out everywhere"). */
  get owner(): string | undefined {
    this.#data();
    return this[STATE].owner;
  }

  /**
   * Sets the user this session belongs to: a string of 1 to {@link MAX_OWNER_LENGTH} characters
   * (every store can index that much), or `undefined` for none.
   */
  set owner(owner: string | undefined) {
    this.#writable();
    if (owner !== undefined) checkOwner(owner);
    const state = this[STATE];
    if (state.owner === owner) return;
    state.owner = owner;
    state.ownerChanged = true;
  }

  /** True when saving would write something: a value changed, the session was regenerated, destroyed or given an owner. */
  get isModified(): boolean {
    const state = this[STATE];
    if (!state.loaded) return false;
    return state.destroyed || state.regenerated || state.ownerChanged || changedKeys(this[STATE], this.#codec) !== undefined;
  }
}

/**
 * Records that `key` may have changed, and its value's JSON before the change (`undefined`: the key
 * was absent, so whatever it holds at save is written). Only the first record of a key counts. Every
 * change, the user's through `Session` and the core's own (client bindings, migrated data, values
 * carried over a `destroy()`), goes through here.
 */
export function recordChange(state: SessionState, key: string, before: string | undefined): void {
  const changes = (state.changes ??= new Map());
  if (changes.has(key)) return;
  changes.set(key, before);
}

/**
 * The top-level keys whose encoded value differs from the one loaded, as a store patch, or
 * `undefined` when nothing changed. Only touched keys are encoded, so a request that read only
 * strings and numbers costs no serialization at all.
 */
export function changedKeys(state: SessionState, codec: Codec): SessionPatch | undefined {
  const changes = state.changes;
  if (changes === undefined || changes.size === 0) return undefined;
  const data = state.data;
  const set: StoredData = emptyRecord();
  const unset: string[] = [];
  let changed = false;
  for (const [key, before] of changes) {
    if (!(key in data)) {
      if (before !== undefined) {
        unset.push(key);
        changed = true;
      }
      continue;
    }
    const encoded = encodeChecked(key, data[key], codec);
    if (JSON.stringify(encoded) !== before) {
      set[key] = encoded;
      changed = true;
    }
  }
  return changed ? { set, unset } : undefined;
}

/**
 * The values of a stored record, decoded, in an object without prototype (see `emptyRecord`).
 * Throws what the codec throws for a corrupt value; the caller treats the record as no session.
 */
export function decodeAll(stored: StoredData, codec: Codec): Record<string, unknown> {
  const data = emptyRecord();
  for (const key of Object.keys(stored)) data[key] = codec.decode(stored[key]!);
  return data;
}

/** Every value of a session, encoded for the store. */
export function encodeAll(data: Record<string, unknown>, codec: Codec): StoredData {
  const out: StoredData = emptyRecord();
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (value !== undefined) out[key] = encodeChecked(key, value, codec);
  }
  return out;
}

/**
 * `codec.encode(value)`, after the checks of `set` (a value mutated in place after `set` is checked
 * only here), with a codec's failure reported under the key it concerns.
 */
function encodeChecked(key: string, value: unknown, codec: Codec): JsonValue {
  checkValue(key, value, codec);
  try {
    return codec.encode(value);
  } catch (error) {
    throw new SessionStateError(`the value under "${key}" cannot be saved: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
