import { describe, expect, it } from 'vitest';
import { decryptPayload, deriveEncryptionKeys, encryptPayload } from './cookie-crypto.js';
import type { CryptoBackend } from './crypto-backend.js';
import { nodeCryptoBackend } from './node-crypto-backend.js';
import { webCryptoBackend } from './web-crypto-backend.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
const OLD_SECRET = 'an-older-secret-that-is-long-enough-0002';

/** Values made by the Web Crypto implementation of earlier releases: cookies already in browsers. */
const EARLIER = {
  plaintext: '{"d":{"user":"\\"ada\\"","ü":"\\"€ and 😀\\""},"c":1700000000000,"e":1700001800000}',
  sealed:
    'mfA_i7WNcIizojbNSLfEM5yAc6Mf6q8nMfAkDCrx-_xiB2XOF5BF85pHXJlEmFxeQnIwd_FIgZMaa9xMOSyd_6fWi677cqCUewn-CkL1HklfyR7vthf_i8Ewmd2kWc8anpE-7rtzvFgLtGnLHAZvGQ',
  sealedWithOld:
    'LS_-XRE-rH11vAvm-awReOnwoI52XYQsuT4FbRhBcYeswg6an1n0s6V4HFzUngryQ1lVz3eUS0DiZNr7TIrfjM1HMuNthdq5XAdVG9HbDM51DjfDuvfa-eVntPm13NBp9wDQ4_QTd_muqsBpzZ7P8A',
};

const backends: [string, CryptoBackend][] = [
  ['node:crypto', nodeCryptoBackend()!],
  ['Web Crypto', webCryptoBackend],
];

/** `value` with the base64url character at `index` replaced by another one. */
function swap(value: string, index: number): string {
  return value.slice(0, index) + (value[index] === 'A' ? 'B' : 'A') + value.slice(index + 1);
}

describe.each(backends)('cookie encryption with %s', (_name, backend) => {
  it('opens cookies of earlier releases, telling which secret encrypted them', async () => {
    const keys = await deriveEncryptionKeys([SECRET, OLD_SECRET], backend);
    expect(await decryptPayload(EARLIER.sealed, keys, 'sid')).toEqual({ plaintext: EARLIER.plaintext, keyIndex: 0 });
    expect(await decryptPayload(EARLIER.sealedWithOld, keys, 'sid')).toEqual({ plaintext: EARLIER.plaintext, keyIndex: 1 });
    expect(await decryptPayload(EARLIER.sealedWithOld, keys.slice(0, 1), 'sid')).toBeUndefined();
  });

  it('lays a value out as IV ‖ ciphertext ‖ tag with a fresh IV each time', async () => {
    const [key] = await deriveEncryptionKeys([SECRET], backend);
    const first = await encryptPayload('{"d":{}}', key!, 'sid');
    const second = await encryptPayload('{"d":{}}', key!, 'sid');
    expect(first).not.toBe(second);
    // 12 + 8 + 16 bytes = 36 bytes = 48 base64url characters.
    expect(first).toMatch(/^[A-Za-z0-9_-]{48}$/);
  });

  it('refuses a tampered value, a value for another cookie name, and garbage', async () => {
    const keys = await deriveEncryptionKeys([SECRET], backend);
    const value = await encryptPayload(EARLIER.plaintext, keys[0]!, 'sid');
    for (const index of [0, 11, 20, value.length - 2]) expect(await decryptPayload(swap(value, index), keys, 'sid')).toBeUndefined();
    expect(await decryptPayload(value.slice(0, -4), keys, 'sid')).toBeUndefined();
    expect(await decryptPayload(value, keys, 'other')).toBeUndefined();
    expect(await decryptPayload('not base64url!', keys, 'sid')).toBeUndefined();
    expect(await decryptPayload('AAAA', keys, 'sid')).toBeUndefined();
  });
});

describe.each([
  ['node:crypto', 'Web Crypto'],
  ['Web Crypto', 'node:crypto'],
])('encrypted with %s, decrypted with %s', (sealer, opener) => {
  const find = (name: string) => backends.find(([candidate]) => candidate === name)![1];

  it('opens the value, with rotation, and refuses it tampered', async () => {
    const [, oldKey] = await deriveEncryptionKeys([SECRET, OLD_SECRET], find(sealer));
    const value = await encryptPayload(EARLIER.plaintext, oldKey!, 'sid');
    const keys = await deriveEncryptionKeys([SECRET, OLD_SECRET], find(opener));
    expect(await decryptPayload(value, keys, 'sid')).toEqual({ plaintext: EARLIER.plaintext, keyIndex: 1 });
    expect(await decryptPayload(swap(value, 30), keys, 'sid')).toBeUndefined();
  });
});
