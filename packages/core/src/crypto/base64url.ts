/**
 * base64url without padding, on `Uint8Array`, with no Node built-in. Table-driven rather than
 * through `btoa`/`atob`: those go through a binary string and three regular expressions, several
 * times the cost for the ~100-byte values of a cookie.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The 6-bit value of each ASCII character code, or -1 for a character outside the alphabet. */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  const whole = bytes.length - (bytes.length % 3);
  let i = 0;
  for (; i < whole; i += 3) {
    const group = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]! + ALPHABET[(group >> 6) & 63]! + ALPHABET[group & 63]!;
  }
  if (bytes.length - whole === 1) {
    const group = bytes[i]! << 16;
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]!;
  } else if (bytes.length - whole === 2) {
    const group = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    text += ALPHABET[group >> 18]! + ALPHABET[(group >> 12) & 63]! + ALPHABET[(group >> 6) & 63]!;
  }
  return text;
}

function valueAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? VALUES[code]! : -1;
}

/**
 * Decodes unpadded base64url; `undefined` when the text is not base64url or not in its canonical
 * form. The last character of a 43-character value carries bits no byte uses: unless they are
 * zero, several texts would decode to one signature, and a changed cookie would pass.
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  const tail = text.length % 4;
  if (tail === 1) return undefined;
  const bytes = new Uint8Array((text.length * 3) >> 2);
  const whole = text.length - tail;
  let out = 0;
  for (let i = 0; i < whole; i += 4) {
    const a = valueAt(text, i);
    const b = valueAt(text, i + 1);
    const c = valueAt(text, i + 2);
    const d = valueAt(text, i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const group = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[out++] = group >> 16;
    bytes[out++] = (group >> 8) & 255;
    bytes[out++] = group & 255;
  }
  if (tail === 2) {
    const a = valueAt(text, whole);
    const b = valueAt(text, whole + 1);
    if ((a | b) < 0 || (b & 15) !== 0) return undefined;
    bytes[out] = (a << 2) | (b >> 4);
  } else if (tail === 3) {
    const a = valueAt(text, whole);
    const b = valueAt(text, whole + 1);
    const c = valueAt(text, whole + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return undefined;
    const group = (a << 12) | (b << 6) | c;
    bytes[out++] = group >> 10;
    bytes[out] = (group >> 2) & 255;
  }
  return bytes;
}
