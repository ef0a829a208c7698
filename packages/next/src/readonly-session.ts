/**
 * The session as a Server Component sees it: Next forbids setting cookies while rendering, so
 * nothing a component did could be saved. Only the reading half of `Session` exists here, so that a
 * write is a type error, not a change silently lost.
 */
import type { Flash, Session, SessionValues } from '@sess/core';

/** A read-only view of a request's session, for Server Components (see {@link ReadonlySession}). */
export class ReadonlySession<T extends object = SessionValues> {
  readonly #session: Session<T>;

  constructor(session: Session<T>) {
    this.#session = session;
  }

  /** The value under `key`, or `undefined`. A copy: changing it changes nothing. */
  get<K extends keyof T & string>(key: K): Readonly<T[K]> | undefined {
    const value = this.#session.get(key);
    return typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }

  /** Whether `key` holds a value. */
  has(key: keyof T & string): boolean {
    return this.#session.has(key);
  }

  /** The keys that hold a value. */
  keys(): Array<keyof T & string> {
    return this.#session.keys();
  }

  /** The number of keys that hold a value. */
  get size(): number {
    return this.#session.size;
  }

  /** True when the request brought no live session (a visitor without one, or whose cookie was refused). */
  get isNew(): boolean {
    return this.#session.isNew;
  }

  /** The user the session belongs to, if one was set. */
  get owner(): string | undefined {
    return this.#session.owner;
  }

  /** Epoch ms at which the session was created. */
  get createdAt(): number {
    return this.#session.createdAt;
  }

  /** Epoch ms at which the session dies if no request extends it. */
  get expiresAt(): number {
    return this.#session.expiresAt;
  }

  /** The pending flash messages, left pending (consuming them is a write: do it in a Route Handler or Server Action). */
  peekFlashes(category?: string): Flash[] {
    return this.#session.peekFlashes(category);
  }
}
