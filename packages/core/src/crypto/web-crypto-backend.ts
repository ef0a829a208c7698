/**
 * The primitives on Web Crypto (`crypto.subtle`), present in every runtime the core supports. Keys
 * are imported non-extractable; every call is asynchronous.
 */
import type { AesGcmKey, CryptoBackend, HmacKey } from './crypto-types.js';

/**
 * The core only passes bytes it allocated itself, never views of a SharedArrayBuffer, which is what
 * TypeScript's `BufferSource` rules out. (The backend interface keeps plain `Uint8Array` so that its
 * declarations read the same in TypeScript versions before the typed-array generics.)
 */
const bytes = (view: Uint8Array) => view as Uint8Array<ArrayBuffer>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function hmacKey(secret: string): Promise<HmacKey> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  return {
    sign: async (data) => new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(data))),
    // subtle.verify compares in constant time.
    verify: (data, signature) => crypto.subtle.verify('HMAC', key, bytes(signature), encoder.encode(data)),
  };
}

async function aesGcmKey(secret: string, salt: string, info: string): Promise<AesGcmKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(salt), info: encoder.encode(info) },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  return {
    async seal(iv, plaintext, additionalData) {
      const params = { name: 'AES-GCM', iv: bytes(iv), additionalData: encoder.encode(additionalData) };
      return new Uint8Array(await crypto.subtle.encrypt(params, key, encoder.encode(plaintext)));
    },
    async open(iv, sealed, additionalData) {
      const params = { name: 'AES-GCM', iv: bytes(iv), additionalData: encoder.encode(additionalData) };
      try {
        return decoder.decode(await crypto.subtle.decrypt(params, key, bytes(sealed)));
      } catch {
        return undefined;
      }
    },
  };
}

/** The Web Crypto backend. */
export const webCryptoBackend: CryptoBackend = {
  name: 'Web Crypto',
  hmacKey,
  aesGcmKey,
  sha256: async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(data))),
};
