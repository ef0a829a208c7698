/**
 * Session IDs and their signatures: 256 random bits in base64url, signed with HMAC-SHA-256 by a
 * {@link CryptoBackend}. A cookie value is `id.signature`.
 */
import { fromBase64Url, toBase64Url } from './base64url.js';
import { randomBytes } from './random-bytes.js';
import type { CryptoBackend, HmacKey } from './crypto-types.js';

/** 32 random bytes → 43 base64url characters. */
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new random session ID (256 bits from `crypto.getRandomValues`, through the pool of `random-bytes.ts`). */
export function generateSessionId(): string {
  return toBase64Url(randomBytes(32));
}

/** True when `id` has the exact shape of an ID made by {@link generateSessionId}. */
export function isSessionId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** One HMAC-SHA-256 key per secret, in order. */
export function importSigningKeys(secrets: readonly string[], backend: CryptoBackend): Promise<HmacKey[]> {
  return Promise.all(secrets.map((secret) => backend.hmacKey(secret)));
}

/** `id.signature`, signed with `key`. */
export async function signSessionId(id: string, key: HmacKey): Promise<string> {
  return `${id}.${toBase64Url(await key.sign(id))}`;
}

/**
 * The ID inside a cookie value and the index of the key that verified it, or `undefined` when the
 * value is malformed or no key verifies it. Every backend compares in constant time.
 */
export async function verifySessionCookie(
  value: string,
  keys: readonly HmacKey[],
): Promise<{ id: string; keyIndex: number } | 'malformed' | 'bad-signature'> {
  const dot = value.indexOf('.');
  if (dot !== 43 || value.length !== 87) return 'malformed';
  const id = value.slice(0, 43);
  const signatureText = value.slice(44);
  if (!ID_PATTERN.test(id) || !ID_PATTERN.test(signatureText)) return 'malformed';
  const signature = fromBase64Url(signatureText);
  if (signature === undefined) return 'malformed';
  for (let i = 0; i < keys.length; i++) {
    if (await keys[i]!.verify(id, signature)) return { id, keyIndex: i };
  }
  return 'bad-signature';
}

/** The store ID of a session: base64url SHA-256 of its ID, or the ID itself when hashing is off. */
export async function storeIdOf(id: string, hashIds: boolean, backend: CryptoBackend): Promise<string> {
  if (!hashIds) return id;
  return toBase64Url(await backend.sha256(id));
}
