import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.js';

describe('base64url', () => {
  it('round-trips bytes of every length', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
  });

  it('refuses non-canonical text whose unused low bits are set', () => {
    const text = toBase64Url(new Uint8Array(32));
    expect(text.endsWith('A')).toBe(true);
    expect(fromBase64Url(`${text.slice(0, -1)}B`)).toBeUndefined();
    expect(fromBase64Url(`${text}=`)).toBeUndefined();
    expect(fromBase64Url('a+b/')).toBeUndefined();
  });
});
