/**
 * The ceiling of every framework: what a handler does with no session library at all. It reads the
 * `sid` cookie and looks it up in a Map; a new visitor gets a random ID and a cookie. No signing,
 * no expiry, no store: anything a session library adds costs time relative to this.
 */
import { randomUUID } from 'node:crypto';

const counts = new Map<string, number>();

/** The visitor's ID from the `Cookie` header, when it names a known session. */
export function readSession(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  const start = cookie.indexOf('sid=');
  if (start === -1) return undefined;
  const end = cookie.indexOf(';', start);
  const id = cookie.slice(start + 4, end === -1 ? undefined : end);
  return counts.has(id) ? id : undefined;
}

/** The visitor's count (0 without a session). */
export function readCount(id: string | undefined): number {
  return id === undefined ? 0 : (counts.get(id) ?? 0);
}

/** Increments the visitor's count; returns the new count and the `Set-Cookie` value for a new visitor. */
export function increment(id: string | undefined): { count: number; setCookie?: string } {
  if (id === undefined) {
    const created = randomUUID();
    counts.set(created, 1);
    return { count: 1, setCookie: `sid=${created}; Path=/; HttpOnly; SameSite=Lax` };
  }
  const count = (counts.get(id) ?? 0) + 1;
  counts.set(id, count);
  return { count };
}
