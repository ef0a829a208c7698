/**
 * Codecs turn a session's values into JSON-safe values for the store and back. They run per
 * top-level key, so that a store can patch one key without seeing the others.
 */
import type { JsonValue } from '../store/store.js';

/** Converts session values to JSON-safe values and back. */
export interface Codec {
  /** A JSON-safe form of `value`. Must be deterministic: change detection compares its JSON text. */
  encode(value: unknown): JsonValue;
  /** The value `encode` was given, rebuilt from its JSON-safe form. */
  decode(value: JsonValue): unknown;
  /**
   * Why `value` (one node of a session value: the value itself, or an element, entry or property
   * inside it; its children are asked on their own) would not come back as it was, or `undefined`
   * when it would. `Session.set` asks it of every node and refuses the value with this reason, so
   * that nothing changes type between requests without the app being told.
   */
  unsupported?(value: unknown): string | undefined;
}

/** A class instance's name, for messages (`an instance of User`). */
export function describeInstance(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'an object with a prototype of its own';
}

/** Whether `value` is an array or an object with no prototype of its own (a JSON object). */
export function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** What neither JSON nor the tagged codec can bring back. */
export function unsupportedByAny(value: unknown): string | undefined {
  switch (typeof value) {
    case 'function':
      return 'is a function, which cannot be stored';
    case 'symbol':
      return 'is a symbol, which cannot be stored';
    case 'number':
      return Number.isFinite(value) ? undefined : `is ${String(value)}, which would come back as null: store a finite number or null`;
    default:
      return undefined;
  }
}

/**
 * Plain JSON: strings, finite numbers, booleans, null, arrays and plain objects, nothing else (a
 * `Date`, `Map`, `Set`, `BigInt`, nested `undefined` or class instance is refused at `set`, with what
 * to store instead). The default is `taggedCodec`, which also brings those back.
 */
export const jsonCodec: Codec = {
  encode: (value) => value as JsonValue,
  decode: (value) => value,
  unsupported(value) {
    const reason = unsupportedByAny(value);
    if (reason !== undefined) return reason;
    if (value === undefined) return 'holds undefined, which JSON drops: remove the key or store null';
    if (typeof value === 'bigint') return 'holds a BigInt, which JSON cannot store: store value.toString(), or use taggedCodec';
    if (value instanceof Date) return 'holds a Date, which would come back as a string: store date.toISOString(), or use taggedCodec';
    if (value instanceof Map || value instanceof Set) {
      return `holds a ${value instanceof Map ? 'Map' : 'Set'}, which would come back as {}: store an array of its entries, or use taggedCodec`;
    }
    if (typeof value === 'object' && value !== null && !isPlainContainer(value)) {
      return `holds ${describeInstance(value)}, which would come back as a plain object: store its fields`;
    }
    return undefined;
  },
};
