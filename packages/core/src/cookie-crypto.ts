/**
 * Encryption of cookie sessions: AES-256-GCM with a random 96-bit IV, keys derived from each secret
 * with HKDF-SHA-256, the cookie's name as additional data (a value cannot be moved to another cookie).
 */
import { fromBase64Url, toBase64Url } from './base64url.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const IV_BYTES = 12;
/** IV plus the 16-byte GCM tag: nothing shorter can be a real value. */
const MIN_BYTES = IV_BYTES + 16;

/** One AES-GCM key per secret, in order, derived with HKDF so the signing secret is never used raw. */
export async function deriveEncryptionKeys(secrets: readonly string[]): Promise<CryptoKey[]> {
  return Promise.all(
    secrets.map(async (secret) => {
      const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('sess'), info: encoder.encode('sess cookie session v1') },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      );
    }),
  );
}

/** Encrypts `plaintext` into a base64url cookie value. */
export async function encryptPayload(plaintext: string, key: CryptoKey, cookieName: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plain = encoder.encode(plaintext);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(cookieName) }, key, plain),
  );
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return toBase64Url(out);
}

/** The text inside a cookie value and the index of the key that opened it, or `undefined`. */
export async function decryptPayload(
  value: string,
  keys: readonly CryptoKey[],
  cookieName: string,
): Promise<{ plaintext: string; keyIndex: number } | undefined> {
  const bytes = fromBase64Url(value);
  if (bytes === undefined || bytes.length < MIN_BYTES) return undefined;
  const iv = bytes.slice(0, IV_BYTES);
  const sealed = bytes.slice(IV_BYTES);
  const additionalData = encoder.encode(cookieName);
  for (let i = 0; i < keys.length; i++) {
    let plain: ArrayBuffer;
    try {
      plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData }, keys[i]!, sealed);
    } catch {
      continue;
    }
    return { plaintext: decoder.decode(plain), keyIndex: i };
  }
  return undefined;
}
