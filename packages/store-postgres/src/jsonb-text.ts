/**
 * JSON text that `jsonb` accepts for any session data. `jsonb` refuses U+0000 inside strings (its
 * text type cannot hold it), so strings (keys and values) that contain U+0000 are stored with a
 * reversible escape: U+FFFF (a noncharacter, which real text rarely holds) followed by `0` stands for
 * U+0000, and a doubled U+FFFF stands for U+FFFF itself. Data without either character is stored as is.
 */
import { setOwn } from '@sess/core';
import type { JsonValue, StoredData } from '@sess/core';

const ESCAPE = '\uffff';
const TO_ESCAPE = /[\u0000\uffff]/g;
const ESCAPED = /\uffff([0\uffff])/g;

/** Escapes one string (a key to remove, or any string inside the data). */
export function escapeJsonbString(text: string): string {
  return text.replace(TO_ESCAPE, (character) => (character === '\u0000' ? `${ESCAPE}0` : ESCAPE + ESCAPE));
}

function unescapeJsonbString(text: string): string {
  return text.replace(ESCAPED, (_match, character: string) => (character === '0' ? '\u0000' : ESCAPE));
}

function mapStrings(value: JsonValue, map: (text: string) => string): JsonValue {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value !== null && typeof value === 'object') {
    const mapped: Record<string, JsonValue> = {};
    // An own `__proto__` key stays a key (an assignment would make it the object's prototype).
    for (const [key, item] of Object.entries(value)) setOwn(mapped, map(key), mapStrings(item, map));
    return mapped;
  }
  return value;
}

/** Session data as JSON text for a `$n::jsonb` parameter. */
export function toJsonbText(data: StoredData): string {
  const text = JSON.stringify(data);
  // JSON.stringify writes U+0000 as the six characters `\u0000` and U+FFFF as itself; a `\\u0000`
  // (an escaped backslash) also matches, which only costs a needless but harmless walk.
  if (!text.includes('\\u0000') && !text.includes(ESCAPE)) return text;
  return JSON.stringify(mapStrings(data, escapeJsonbString));
}

/** Session data back from the text of a `jsonb` column (`data::text`). */
export function fromJsonbText(text: string): StoredData {
  const data = JSON.parse(text) as StoredData;
  return text.includes(ESCAPE) ? (mapStrings(data, unescapeJsonbString) as StoredData) : data;
}
