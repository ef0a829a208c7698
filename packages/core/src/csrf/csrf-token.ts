/**
 * Synchronizer tokens (Django's and Rails' scheme). The session keeps one random secret; every
 * page gets it masked with fresh random bytes (BREACH: a value that is different in every response
 * cannot be recovered through the compressed response's length). A submitted token is unmasked and
 * compared with the session's in constant time.
 */
import { fromBase64Url, toBase64Url } from '../crypto/base64url.js';
import { randomBytes } from '../crypto/random-bytes.js';

/** Bytes of a session's token secret. */
const SECRET_BYTES = 32;
/** Characters of a masked token: base64url of the mask and the masked secret. */
const MASKED_LENGTH = Math.ceil((2 * SECRET_BYTES * 4) / 3);

/** A new token secret, as stored in the session (base64url). */
export function newCsrfSecret(): string {
  return toBase64Url(randomBytes(SECRET_BYTES));
}

/** `secret` masked with fresh random bytes: a different string on every call, for the same secret. */
export function maskCsrfSecret(secret: string): string {
  const bytes = fromBase64Url(secret);
  if (bytes === undefined || bytes.length !== SECRET_BYTES) throw new TypeError('not a token secret');
  const masked = new Uint8Array(2 * SECRET_BYTES);
  masked.set(randomBytes(SECRET_BYTES));
  for (let i = 0; i < SECRET_BYTES; i++) masked[SECRET_BYTES + i] = masked[i]! ^ bytes[i]!;
  return toBase64Url(masked);
}

/**
 * Whether `submitted` is `secret` masked by {@link maskCsrfSecret}. Anything else (a wrong type or
 * length, no secret in the session) is `false`; the bytes are compared without an early exit.
 */
export function csrfTokenMatches(submitted: unknown, secret: unknown): boolean {
  if (typeof submitted !== 'string' || submitted.length !== MASKED_LENGTH || typeof secret !== 'string') return false;
  const masked = fromBase64Url(submitted);
  const expected = fromBase64Url(secret);
  if (masked === undefined || expected === undefined || masked.length !== 2 * SECRET_BYTES || expected.length !== SECRET_BYTES) return false;
  let difference = 0;
  for (let i = 0; i < SECRET_BYTES; i++) difference |= masked[i]! ^ masked[SECRET_BYTES + i]! ^ expected[i]!;
  return difference === 0;
}
