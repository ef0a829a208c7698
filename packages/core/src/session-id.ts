/**
 * Session IDs and their signatures: 256 random bits in base64url, signed with HMAC-SHA-256 through
 * Web Crypto. A cookie value is `id.signature`.
 */
import { fromBase64Url, toBase64Url } from './base64url.js';

const encoder = new TextEncoder();

/** 32 random bytes → 43 base64url characters. */
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new random session ID (256 bits from `crypto.getRandomValues`). */
export function generateSessionId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** True when `id` has the exact shape of an ID made by {@link generateSessionId}. */
export function isSessionId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Imports one HMAC-SHA-256 key per secret, in order. */
export function importSigningKeys(secrets: readonly string[]): Promise<CryptoKey[]> {
  return Promise.all(
    secrets.map((secret) =>
      crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    ),
  );
}

/** `id.signature`, signed with `key`. */
export async function signSessionId(id: string, key: CryptoKey): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(id));
  return `${id}.${toBase64Url(new Uint8Array(signature))}`;
}

/**
 * The ID inside a cookie value and the index of the key that verified it, or `undefined` when the
 * value is malformed or no key verifies it. `crypto.subtle.verify` compares in constant time.
 */
export async function verifySessionCookie(
  value: string,
  keys: readonly CryptoKey[],
): Promise<{ id: string; keyIndex: number } | 'malformed' | 'bad-signature'> {
  const dot = value.indexOf('.');
  if (dot !== 43 || value.length !== 87) return 'malformed';
  const id = value.slice(0, 43);
  const signatureText = value.slice(44);
  if (!ID_PATTERN.test(id) || !ID_PATTERN.test(signatureText)) return 'malformed';
  const signature = fromBase64Url(signatureText);
  if (signature === undefined) return 'malformed';
  const data = encoder.encode(id);
  for (let i = 0; i < keys.length; i++) {
    if (await crypto.subtle.verify('HMAC', keys[i]!, signature, data)) return { id, keyIndex: i };
  }
  return 'bad-signature';
}

/** The store ID of a session: base64url SHA-256 of its ID, or the ID itself when hashing is off. */
export async function storeIdOf(id: string, hashIds: boolean): Promise<string> {
  if (!hashIds) return id;
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(id));
  return toBase64Url(new Uint8Array(digest));
}
