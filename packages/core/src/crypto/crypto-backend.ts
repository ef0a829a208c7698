/**
 * The cryptographic primitives the core uses, behind one interface with two implementations:
 * Node's synchronous `node:crypto` where the runtime offers it, Web Crypto everywhere else. Both give
 * the same bytes for the same secrets, so a cookie made under one opens under the other.
 */
import type { CryptoBackend } from './crypto-types.js';
import { nodeCryptoBackend } from './node-crypto-backend.js';
import { webCryptoBackend } from './web-crypto-backend.js';

export type { AesGcmKey, CryptoBackend, HmacKey, MaybePromise } from './crypto-types.js';

let chosen: CryptoBackend | undefined;

/**
 * `node:crypto` when the runtime hands it out through `process.getBuiltinModule` (Node ≥ 20.16, Bun,
 * Deno), else Web Crypto. Chosen on first use, not at import, so importing the core does no work.
 */
export function defaultCryptoBackend(): CryptoBackend {
  chosen ??= nodeCryptoBackend() ?? webCryptoBackend;
  return chosen;
}
