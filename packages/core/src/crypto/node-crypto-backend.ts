/**
 * The primitives on `node:crypto`, which runs them synchronously on the calling thread: a few
 * microseconds each, where a Web Crypto call is a job on the libuv thread pool costing several times
 * more. The module is fetched with `process.getBuiltinModule`, never imported, so that the core's
 * build names no Node built-in and bundles for browsers and Workers unchanged.
 */
import { fromBase64Url } from './base64url.js';
import type { AesGcmKey, CryptoBackend, HmacKey } from './crypto-types.js';

/** The part of `node:crypto` used here (Node's own types are not a dependency of the core). */
interface NodeCrypto {
  createHmac(algorithm: 'sha256', key: Uint8Array): NodeHash;
  createHash(algorithm: 'sha256'): NodeHash;
  hkdfSync(digest: 'sha256', key: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): ArrayBuffer;
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  createCipheriv(algorithm: 'aes-256-gcm', key: NodeKey, iv: Uint8Array, options: { authTagLength: number }): NodeCipher;
  createDecipheriv(algorithm: 'aes-256-gcm', key: NodeKey, iv: Uint8Array, options: { authTagLength: number }): NodeDecipher;
  /** Absent from some runtimes' `node:crypto`; the raw key bytes are used then. */
  createSecretKey?(key: Uint8Array): object;
}

/** Raw key bytes, or a `KeyObject` made once from them (spares the cipher a key import per call). */
type NodeKey = Uint8Array | object;

interface NodeHash {
  update(data: string): NodeHash;
  digest(): Uint8Array;
}

interface NodeCipher {
  setAAD(data: Uint8Array): void;
  update(data: string, encoding: 'utf8'): Uint8Array;
  final(): Uint8Array;
  getAuthTag(): Uint8Array;
}

interface NodeDecipher {
  setAAD(data: Uint8Array): void;
  setAuthTag(tag: Uint8Array): void;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TAG_BYTES = 16;
const HMAC_BYTES = 32;

/** The parts, one after the other, in a new array (not a `Buffer`: the core uses no Node global). */
function join(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

function hmacKey(node: NodeCrypto, secret: string): HmacKey {
  const key = encoder.encode(secret);
  const sign = (data: string) => node.createHmac('sha256', key).update(data).digest();
  return {
    sign,
    // timingSafeEqual needs equal lengths; a signature's length is public, so checking it first leaks nothing.
    verify: (data, signature) => signature.length === HMAC_BYTES && node.timingSafeEqual(sign(data), signature),
  };
}

function aesGcmKey(node: NodeCrypto, secret: string, salt: string, info: string): AesGcmKey {
  const raw = new Uint8Array(node.hkdfSync('sha256', encoder.encode(secret), encoder.encode(salt), encoder.encode(info), 32));
  const key: NodeKey = node.createSecretKey ? node.createSecretKey(raw) : raw;
  // The additional data is the cookie's name: the same string on every call, encoded once.
  let aadText: string | undefined;
  let aadBytes = new Uint8Array(0);
  const aad = (additionalData: string): Uint8Array => {
    if (additionalData !== aadText) {
      aadBytes = encoder.encode(additionalData);
      aadText = additionalData;
    }
    return aadBytes;
  };
  return {
    seal(iv, plaintext, additionalData) {
      const cipher = node.createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(additionalData));
      const body = cipher.update(plaintext, 'utf8');
      const rest = cipher.final(); // empty for GCM, a stream mode; kept so that no byte can be lost
      return join(body, rest, cipher.getAuthTag());
    },
    open(iv, sealed, additionalData) {
      if (sealed.length < TAG_BYTES) return undefined;
      const end = sealed.length - TAG_BYTES;
      try {
        const decipher = node.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(additionalData));
        decipher.setAuthTag(sealed.subarray(end));
        const body = decipher.update(sealed.subarray(0, end));
        // final() throws when the tag does not match: nothing decrypted is returned before it passes.
        const rest = decipher.final();
        return decoder.decode(rest.length === 0 ? body : join(body, rest));
      } catch {
        return undefined;
      }
    },
  };
}

/** RFC 4231, test case 2: HMAC-SHA-256 of "what do ya want for nothing?" under the key "Jefe". */
const KNOWN_HMAC = 'W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM';

/**
 * True when `node` computes a known HMAC and refuses a forged signature and a forged GCM tag. Bun and
 * Deno implement `node:crypto` themselves; a compatibility layer that accepted forgeries would let
 * anyone write session cookies, so it is tried once before it is trusted.
 */
function behaves(node: NodeCrypto): boolean {
  try {
    const hmac = hmacKey(node, 'Jefe');
    const expected = fromBase64Url(KNOWN_HMAC)!;
    const forged = expected.slice();
    forged[31]! ^= 1;
    if (hmac.verify('what do ya want for nothing?', expected) !== true) return false;
    if (hmac.verify('what do ya want for nothing?', forged) !== false) return false;
    const aes = aesGcmKey(node, 'sess self-test', 'sess', 'sess self-test');
    const iv = new Uint8Array(12);
    const sealed = new Uint8Array(aes.seal(iv, 'self-test', 'aad') as Uint8Array);
    if (aes.open(iv, sealed, 'aad') !== 'self-test') return false;
    if (aes.open(iv, sealed, 'other') !== undefined) return false;
    sealed[sealed.length - 1]! ^= 1;
    return aes.open(iv, sealed, 'aad') === undefined;
  } catch {
    return false;
  }
}

/**
 * The `node:crypto` backend, or `undefined` when the runtime has no `process.getBuiltinModule`, gives
 * no `node:crypto` through it, or its `node:crypto` fails the self-test.
 */
export function nodeCryptoBackend(): CryptoBackend | undefined {
  const runtime = globalThis as { process?: { getBuiltinModule?(id: string): unknown } };
  let found: Partial<NodeCrypto> | undefined;
  try {
    found = runtime.process?.getBuiltinModule?.('node:crypto') as Partial<NodeCrypto> | undefined;
  } catch {
    return undefined;
  }
  const needed = ['createHmac', 'createHash', 'hkdfSync', 'timingSafeEqual', 'createCipheriv', 'createDecipheriv'] as const;
  if (found === undefined || needed.some((name) => typeof found[name] !== 'function')) return undefined;
  const node = found as NodeCrypto;
  if (!behaves(node)) return undefined;
  return {
    name: 'node:crypto',
    hmacKey: async (secret) => hmacKey(node, secret),
    aesGcmKey: async (secret, salt, info) => aesGcmKey(node, secret, salt, info),
    sha256: (data) => node.createHash('sha256').update(data).digest(),
  };
}
