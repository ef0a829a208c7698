/**
 * Handles: how the session registry names a session in a page. A handle is the HMAC-SHA-256 of the
 * session's store ID under a key derived from the current secret, so it is stable for the life of
 * the session, reveals neither the cookie nor the store ID, cannot be computed without the secret,
 * and has no `.signature` part: sent as a cookie, it is a malformed value and a new visitor.
 */
import { fromBase64Url, toBase64Url } from '../crypto/base64url.js';
import type { CryptoBackend, HmacKey } from '../crypto/crypto-types.js';

/** What the handle key is derived from, so that it differs from the cookie-signing key of the same secret. */
const HANDLE_KEY_INFO = 'sess session handle v1';

/** A handle is 43 base64url characters (32 bytes). */
const HANDLE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The key handles are made with: HMAC of a fixed label under the current signing key, as a new key. */
export async function handleKey(signingKey: HmacKey, backend: CryptoBackend): Promise<HmacKey> {
  return backend.hmacKey(toBase64Url(await signingKey.sign(HANDLE_KEY_INFO)));
}

/** The handle of the session stored under `storeId`. */
export async function makeHandle(key: HmacKey, storeId: string): Promise<string> {
  return toBase64Url(await key.sign(storeId));
}

/** The bytes of a well-formed handle, or `undefined` for anything else (checked before any HMAC). */
export function handleBytes(handle: unknown): Uint8Array | undefined {
  if (typeof handle !== 'string' || !HANDLE_PATTERN.test(handle)) return undefined;
  return fromBase64Url(handle);
}

/** Whether `handle` (as {@link handleBytes}) names the session stored under `storeId`, in constant time. */
export async function handleMatches(key: HmacKey, storeId: string, handle: Uint8Array): Promise<boolean> {
  return key.verify(storeId, handle);
}
