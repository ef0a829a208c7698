/**
 * A richer codec in the manner of Flask's tagged JSON: `Date`, `Map`, `Set`, `BigInt`, `undefined`
 * inside arrays and objects whose keys clash with a tag round-trip exactly.
 */
import { setOwn } from './own-keys.js';
import { describeInstance, isPlainContainer, unsupportedByAny, type Codec } from './codec.js';
import type { JsonValue } from '../store/store.js';

/** A tag is a one-key object whose key starts with a space, a key no ordinary data is likely to use. */
const DATE = ' d';
const MAP = ' m';
const SET = ' s';
const BIGINT = ' n';
const UNDEFINED = ' u';
const ESCAPED = ' o';
const TAGS = new Set([DATE, MAP, SET, BIGINT, UNDEFINED, ESCAPED]);

function encode(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return { [BIGINT]: value.toString() };
  if (value === undefined) return { [UNDEFINED]: 0 };
  if (value instanceof Date) return { [DATE]: value.getTime() };
  if (value instanceof Map) return { [MAP]: [...value].map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Set) return { [SET]: [...value].map(encode) };
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, encode(item));
    const keys = Object.keys(out);
    // A user object that looks like a tag is wrapped so that decoding cannot mistake it for one.
    if (keys.length === 1 && TAGS.has(keys[0]!)) return { [ESCAPED]: out };
    return out;
  }
  throw new TypeError(`[sess] the tagged codec cannot store a value of type ${typeof value}`);
}

function decode(value: JsonValue): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  const keys = Object.keys(value);
  if (keys.length === 1 && TAGS.has(keys[0]!)) {
    const tag = keys[0]!;
    const inner = value[tag]!;
    switch (tag) {
      case DATE:
        return new Date(inner as number);
      case MAP:
        return new Map((inner as JsonValue[][]).map(([k, v]) => [decode(k!), decode(v!)]));
      case SET:
        return new Set((inner as JsonValue[]).map(decode));
      case BIGINT:
        return BigInt(inner as string);
      case UNDEFINED:
        return undefined;
      case ESCAPED:
        return decodeObject(inner as Record<string, JsonValue>);
    }
  }
  return decodeObject(value);
}

function decodeObject(value: Record<string, JsonValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) setOwn(out, key, decode(item));
  return out;
}

/** Why `value` would not come back from this codec as it was (see `Codec.unsupported`). */
function unsupported(value: unknown): string | undefined {
  const reason = unsupportedByAny(value);
  if (reason !== undefined) return reason;
  if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Map || value instanceof Set) return undefined;
  return isPlainContainer(value) ? undefined : `holds ${describeInstance(value)}, which would come back as a plain object: store its fields`;
}

/**
 * Round-trips `Date`, `Map`, `Set`, `BigInt` and `undefined` inside arrays and objects (Flask's
 * tagged JSON is the model); the default codec. Plain JSON values are stored as plain JSON, so
 * records written with `jsonCodec` read back the same.
 */
export const taggedCodec: Codec = { encode, decode, unsupported };
