import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from './crypto-backend.js';
import { nodeCryptoBackend } from './node-crypto-backend.js';
import { generateSessionId, importSigningKeys, signSessionId, storeIdOf, verifySessionCookie } from './session-id.js';
import { webCryptoBackend } from './web-crypto-backend.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
const OLD_SECRET = 'an-older-secret-that-is-long-enough-0002';

/** Values made by the Web Crypto implementation of earlier releases: cookies already in browsers. */
const EARLIER = {
  id: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
  signed: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.xn5de5-Nk9y22sdejN8xsghsO5vmK3g7SLKNvCvrt1g',
  signedWithOld: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.9R1ZUAzZt05nUZvoW4wsqnMkZH2XHuWl2Vdi2Gd1Nr8',
  storeId: '6oZqdX5MOLq_qBJ8vppAnT4fk6AP8UiP9zX8-Rev_9A',
};

const backends: [string, CryptoBackend][] = [
  ['node:crypto', nodeCryptoBackend()!],
  ['Web Crypto', webCryptoBackend],
];

describe.each(backends)('session IDs with %s', (_name, backend) => {
  it('signs and hashes exactly as earlier releases did', async () => {
    const [key, oldKey] = await importSigningKeys([SECRET, OLD_SECRET], backend);
    expect(await signSessionId(EARLIER.id, key!)).toBe(EARLIER.signed);
    expect(await signSessionId(EARLIER.id, oldKey!)).toBe(EARLIER.signedWithOld);
    expect(await storeIdOf(EARLIER.id, true, backend)).toBe(EARLIER.storeId);
    expect(await storeIdOf(EARLIER.id, false, backend)).toBe(EARLIER.id);
  });

  it('verifies cookies of earlier releases, telling which secret signed them', async () => {
    const keys = await importSigningKeys([SECRET, OLD_SECRET], backend);
    expect(await verifySessionCookie(EARLIER.signed, keys)).toEqual({ id: EARLIER.id, keyIndex: 0 });
    expect(await verifySessionCookie(EARLIER.signedWithOld, keys)).toEqual({ id: EARLIER.id, keyIndex: 1 });
    expect(await verifySessionCookie(EARLIER.signedWithOld, keys.slice(0, 1))).toBe('bad-signature');
  });

  it('rejects a changed ID or signature and a malformed value', async () => {
    const keys = await importSigningKeys([SECRET], backend);
    const value = await signSessionId(generateSessionId(), keys[0]!);
    const swap = (index: number) => value.slice(0, index) + (value[index] === 'A' ? 'B' : 'A') + value.slice(index + 1);
    expect(await verifySessionCookie(swap(0), keys)).toBe('bad-signature');
    expect(await verifySessionCookie(swap(50), keys)).toBe('bad-signature');
    expect(await verifySessionCookie(value.slice(0, -1), keys)).toBe('malformed');
    expect(await verifySessionCookie(value.replace('.', '!'), keys)).toBe('malformed');
  });
});

describe.each([
  ['node:crypto', 'Web Crypto'],
  ['Web Crypto', 'node:crypto'],
])('signed with %s, verified with %s', (signer, verifier) => {
  const find = (name: string) => backends.find(([candidate]) => candidate === name)![1];

  it('accepts the value, with rotation', async () => {
    const id = generateSessionId();
    const [, oldKey] = await importSigningKeys([SECRET, OLD_SECRET], find(signer));
    const value = await signSessionId(id, oldKey!);
    const keys = await importSigningKeys([SECRET, OLD_SECRET], find(verifier));
    expect(await verifySessionCookie(value, keys)).toEqual({ id, keyIndex: 1 });
    expect(await storeIdOf(id, true, find(verifier))).toBe(await storeIdOf(id, true, find(signer)));
  });
});
