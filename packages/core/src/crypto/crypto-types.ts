/**
 * The interface both cryptography backends implement (`node:crypto` and Web Crypto), apart from
 * the choice between them, so that neither backend imports the module that picks one.
 */

/** A value, or a promise of it: the `node:crypto` backend answers synchronously, Web Crypto never does. */
export type MaybePromise<T> = T | Promise<T>;

/** An HMAC-SHA-256 key made from one secret. Text is hashed as UTF-8. */
export interface HmacKey {
  /** The 32-byte HMAC-SHA-256 of `data`. */
  sign(data: string): MaybePromise<Uint8Array>;
  /** True when `signature` is the HMAC of `data`, compared in constant time. */
  verify(data: string, signature: Uint8Array): MaybePromise<boolean>;
}

/** An AES-256-GCM key (16-byte tag) derived from one secret. Text is encrypted as UTF-8. */
export interface AesGcmKey {
  /** `ciphertext ‖ tag` of `plaintext` under the 12-byte `iv`, authenticating `additionalData` too. */
  seal(iv: Uint8Array, plaintext: string, additionalData: string): MaybePromise<Uint8Array>;
  /** The plaintext of `ciphertext ‖ tag`, or `undefined` when the tag does not match (wrong key, IV, data or additional data). */
  open(iv: Uint8Array, sealed: Uint8Array, additionalData: string): MaybePromise<string | undefined>;
}

/** Key preparation and hashing; one implementation per kind of crypto API. */
export interface CryptoBackend {
  /** Which API does the work, for tests and diagnostics. */
  readonly name: 'node:crypto' | 'Web Crypto';
  /** An HMAC-SHA-256 key whose key bytes are the UTF-8 of `secret`. */
  hmacKey(secret: string): Promise<HmacKey>;
  /** An AES-256-GCM key: 32 bytes of HKDF-SHA-256 over the UTF-8 of `secret`, `salt` and `info`. */
  aesGcmKey(secret: string, salt: string, info: string): Promise<AesGcmKey>;
  /** The 32-byte SHA-256 of the UTF-8 of `data`. */
  sha256(data: string): MaybePromise<Uint8Array>;
}
