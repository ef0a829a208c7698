/**
 * Encryption of cookie sessions: AES-256-GCM with a random 96-bit IV, keys derived from each secret
 * with HKDF-SHA-256, the cookie's name as additional data (a value cannot be moved to another cookie).
 */
import { fromBase64Url, toBase64Url } from './base64url.js';
import { randomBytes } from './random-bytes.js';
import type { AesGcmKey, CryptoBackend } from './crypto-types.js';

const IV_BYTES = 12;
/** IV plus the 16-byte GCM tag: nothing shorter can be a real value. */
const MIN_BYTES = IV_BYTES + 16;

/** One AES-GCM key per secret, in order, derived with HKDF so the signing secret is never used raw. */
export function deriveEncryptionKeys(secrets: readonly string[], backend: CryptoBackend): Promise<AesGcmKey[]> {
  // Salt and info are part of the cookie format: changing them makes every existing cookie unreadable.
  return Promise.all(secrets.map((secret) => backend.aesGcmKey(secret, 'sess', 'sess cookie session v1')));
}

/** Encrypts `plaintext` into a base64url cookie value: `IV ‖ ciphertext ‖ tag`. */
export async function encryptPayload(plaintext: string, key: AesGcmKey, cookieName: string): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const sealed = await key.seal(iv, plaintext, cookieName);
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return toBase64Url(out);
}

/** The text inside a cookie value and the index of the key that opened it, or `undefined`. */
export async function decryptPayload(
  value: string,
  keys: readonly AesGcmKey[],
  cookieName: string,
): Promise<{ plaintext: string; keyIndex: number } | undefined> {
  const bytes = fromBase64Url(value);
  if (bytes === undefined || bytes.length < MIN_BYTES) return undefined;
  const iv = bytes.subarray(0, IV_BYTES);
  const sealed = bytes.subarray(IV_BYTES);
  for (let i = 0; i < keys.length; i++) {
    const plaintext = await keys[i]!.open(iv, sealed, cookieName);
    if (plaintext !== undefined) return { plaintext, keyIndex: i };
  }
  return undefined;
}
