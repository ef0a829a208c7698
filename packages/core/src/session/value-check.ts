/**
 * What every value must be before it enters a session, checked at `set` so that the mistake is
 * reported where it was made (and checked again at save, for values mutated in place): text that
 * is well-formed Unicode (a lone surrogate cannot be stored as UTF-8 by any backend), and nesting no
 * deeper than {@link MAX_DEPTH}.
 */
import { SessionStateError } from '../errors.js';
import type { Codec } from './codec.js';

/** How deeply a session value may nest objects and arrays. */
export const MAX_DEPTH = 64;

/**
 * Throws `SessionStateError` naming `key` when `value` cannot be stored, or would not come back
 * through `codec` as it was (see `Codec.unsupported`).
 */
export function checkValue(key: string, value: unknown, codec?: Codec): void {
  if (!isWellFormed(key)) throw new SessionStateError(`the key ${JSON.stringify(key)} holds a lone surrogate (malformed UTF-16): keys must be well-formed text`);
  walk(key, value, 0, new Set(), codec);
}

function walk(key: string, value: unknown, depth: number, seen: Set<object>, codec: Codec | undefined): void {
  const reason = codec?.unsupported?.(value);
  if (reason !== undefined) throw new SessionStateError(`the value under "${key}" ${reason}`);
  if (typeof value === 'string') {
    if (!isWellFormed(value)) {
      throw new SessionStateError(`the value under "${key}" holds a string with a lone surrogate (malformed UTF-16); store well-formed text (String.prototype.toWellFormed())`);
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_DEPTH) throw new SessionStateError(`the value under "${key}" nests deeper than ${MAX_DEPTH} levels; store something flatter`);
  if (seen.has(value)) throw new SessionStateError(`the value under "${key}" contains a cycle; a session value must be a tree`);
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) walk(key, item, depth + 1, seen, codec);
  } else if (value instanceof Map) {
    for (const [entryKey, item] of value) {
      walk(key, entryKey, depth + 1, seen, codec);
      walk(key, item, depth + 1, seen, codec);
    }
  } else if (value instanceof Set) {
    for (const item of value) walk(key, item, depth + 1, seen, codec);
  } else {
    for (const name of Object.keys(value)) {
      if (!isWellFormed(name)) throw new SessionStateError(`the value under "${key}" has a key with a lone surrogate (malformed UTF-16)`);
      walk(key, (value as Record<string, unknown>)[name], depth + 1, seen, codec);
    }
  }
  seen.delete(value);
}

/** Whether `text` has no lone surrogate. */
function isWellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return native !== undefined ? native.call(text) : !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
