import { afterEach, describe, expect, it } from 'vitest';
import { toBase64Url } from './base64url.js';
import { type CryptoBackend, defaultCryptoBackend } from './crypto-backend.js';
import { nodeCryptoBackend } from './node-crypto-backend.js';
import { webCryptoBackend } from './web-crypto-backend.js';

const node = nodeCryptoBackend()!;
const backends: [string, CryptoBackend][] = [
  ['node:crypto', node],
  ['Web Crypto', webCryptoBackend],
];
/** Every (maker, checker) pair, the same backend included. */
const pairs = backends.flatMap(([makerName, maker]) => backends.map(([checkerName, checker]) => [makerName, maker, checkerName, checker] as const));

const SECRET = 'a-test-secret-that-is-long-enough-0001';
const iv = () => crypto.getRandomValues(new Uint8Array(12));

/** A copy of `bytes` with one bit of byte `index` flipped. */
function flip(bytes: Uint8Array, index: number): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes);
  copy[index < 0 ? copy.length + index : index]! ^= 1;
  return copy;
}

describe('backend choice', () => {
  const original = Object.getOwnPropertyDescriptor(process, 'getBuiltinModule')!;
  afterEach(() => {
    Object.defineProperty(process, 'getBuiltinModule', original);
  });

  it('uses node:crypto on Node', () => {
    expect(node).toBeDefined();
    expect(node.name).toBe('node:crypto');
    expect(defaultCryptoBackend().name).toBe('node:crypto');
  });

  it('has no node:crypto backend when the runtime has no process.getBuiltinModule', () => {
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
    expect(nodeCryptoBackend()).toBeUndefined();
  });

  it('refuses a node:crypto whose GCM accepts a forged tag', () => {
    // A compatibility layer with this bug would accept forged cookie sessions; the self-test must catch it.
    const real = original.value as (id: string) => Record<string, unknown>;
    const realCrypto = real('node:crypto') as { createDecipheriv(...args: unknown[]): { final(): unknown } };
    const broken = {
      ...realCrypto,
      createDecipheriv: (...args: unknown[]) => {
        const decipher = realCrypto.createDecipheriv(...args);
        decipher.final = () => new Uint8Array(0);
        return decipher;
      },
    };
    Object.defineProperty(process, 'getBuiltinModule', { value: () => broken, configurable: true, writable: true });
    expect(nodeCryptoBackend()).toBeUndefined();
  });
});

describe.each(backends)('%s', (_name, backend) => {
  it('computes HMAC-SHA-256 (RFC 4231, test case 2)', async () => {
    const key = await backend.hmacKey('Jefe');
    const mac = await key.sign('what do ya want for nothing?');
    expect(toBase64Url(mac)).toBe('W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM');
  });

  it('computes SHA-256 of UTF-8 text', async () => {
    expect(toBase64Url(await backend.sha256('abc'))).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
    // "é" is hashed as its two UTF-8 bytes c3 a9, not as the Latin-1 byte e9.
    expect(toBase64Url(await backend.sha256('é'))).toBe('SplVfkAzw1Od4utlRyAXytX5VX96BiWgnxw_biumnEw');
  });

  it('rejects a signature that is flipped, truncated, or made with another secret', async () => {
    const key = await backend.hmacKey(SECRET);
    const mac = new Uint8Array(await key.sign('data'));
    expect(await key.verify('data', mac)).toBe(true);
    expect(await key.verify('datb', mac)).toBe(false);
    for (const index of [0, 15, 31]) expect(await key.verify('data', flip(mac, index))).toBe(false);
    expect(await key.verify('data', mac.slice(0, 31))).toBe(false);
    expect(await key.verify('data', new Uint8Array(0))).toBe(false);
    const other = await backend.hmacKey(`${SECRET}x`);
    expect(await other.verify('data', mac)).toBe(false);
  });

  it('refuses a sealed value whose IV, ciphertext, tag or additional data changed', async () => {
    const key = await backend.aesGcmKey(SECRET, 'sess', 'sess cookie session v1');
    const nonce = iv();
    const sealed = new Uint8Array(await key.seal(nonce, 'ünïcødé 😀', 'sid'));
    expect(sealed.length).toBe(new TextEncoder().encode('ünïcødé 😀').length + 16);
    expect(await key.open(nonce, sealed, 'sid')).toBe('ünïcødé 😀');
    expect(await key.open(flip(nonce, 0), sealed, 'sid')).toBeUndefined();
    expect(await key.open(nonce, flip(sealed, 0), 'sid')).toBeUndefined();
    expect(await key.open(nonce, flip(sealed, -1), 'sid')).toBeUndefined();
    expect(await key.open(nonce, sealed, 'sie')).toBeUndefined();
    expect(await key.open(nonce, sealed.slice(0, 15), 'sid')).toBeUndefined();
    expect(await key.open(nonce, sealed.slice(1), 'sid')).toBeUndefined();
  });

  it('derives different keys from different secrets, salts and infos', async () => {
    const nonce = iv();
    const sealed = new Uint8Array(await (await backend.aesGcmKey(SECRET, 'sess', 'v1')).seal(nonce, 'x', 'sid'));
    for (const [secret, salt, info] of [
      [`${SECRET}x`, 'sess', 'v1'],
      [SECRET, 'sesS', 'v1'],
      [SECRET, 'sess', 'v2'],
    ] as const) {
      expect(await (await backend.aesGcmKey(secret, salt, info)).open(nonce, sealed, 'sid')).toBeUndefined();
    }
  });
});

describe.each(pairs)('made by %s, checked by %s', (_makerName, maker, _checkerName, checker) => {
  it('gives the same HMAC and verifies it', async () => {
    const mine = await maker.hmacKey(SECRET);
    const theirs = await checker.hmacKey(SECRET);
    const mac = new Uint8Array(await mine.sign('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'));
    expect(toBase64Url(await theirs.sign('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'))).toBe(toBase64Url(mac));
    expect(await theirs.verify('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', mac)).toBe(true);
    expect(await theirs.verify('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', flip(mac, 7))).toBe(false);
  });

  it('gives the same SHA-256', async () => {
    expect(toBase64Url(await checker.sha256('an id'))).toBe(toBase64Url(await maker.sha256('an id')));
  });

  it('opens what the other sealed (same HKDF key, same layout) and refuses it tampered', async () => {
    const sealing = await maker.aesGcmKey(SECRET, 'sess', 'sess cookie session v1');
    const opening = await checker.aesGcmKey(SECRET, 'sess', 'sess cookie session v1');
    const nonce = iv();
    const sealed = new Uint8Array(await sealing.seal(nonce, '{"d":{"user":"\\"ada\\""}}', 'sid'));
    expect(toBase64Url(new Uint8Array(await opening.seal(nonce, '{"d":{"user":"\\"ada\\""}}', 'sid')))).toBe(toBase64Url(sealed));
    expect(await opening.open(nonce, sealed, 'sid')).toBe('{"d":{"user":"\\"ada\\""}}');
    expect(await opening.open(nonce, flip(sealed, 3), 'sid')).toBeUndefined();
    expect(await opening.open(nonce, flip(sealed, -16), 'sid')).toBeUndefined();
  });
});
