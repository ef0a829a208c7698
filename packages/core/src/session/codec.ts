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
}

/**
 * Plain JSON (the default): strings, numbers, booleans, null, arrays and plain objects. Other values
 * follow `JSON.stringify` rules once stored (a `Date` comes back as its ISO string).
 */
export const jsonCodec: Codec = {
  encode: (value) => value as JsonValue,
  decode: (value) => value,
};
