/**
 * A random store ID: 32 random bytes in base64url, 43 characters, like the SHA-256 hashes the core
 * hands to stores. Useful in a store's own tests so that runs sharing one backend never collide.
 */
export function randomStoreId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
