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

describe('base64url against Node Buffer', () => {
  it('encodes and decodes exactly as Buffer does, for 0-300 random bytes', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const text = Buffer.from(bytes).toString('base64url');
      expect(toBase64Url(bytes)).toBe(text);
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('refuses every character outside the alphabet, ASCII or not, at every position', () => {
    const text = toBase64Url(crypto.getRandomValues(new Uint8Array(30)));
    for (const bad of ['+', '/', '=', '.', ' ', '\u00e9', '\u0100', '\uffff']) {
      for (const at of [0, 17, text.length - 1]) expect(fromBase64Url(text.slice(0, at) + bad + text.slice(at + 1))).toBeUndefined();
    }
  });

  it('refuses a final character whose unused bits are set, for both short tails', () => {
    // 1 byte → 2 characters (4 unused bits); 2 bytes → 3 characters (2 unused bits).
    expect(fromBase64Url('AA')).toEqual(new Uint8Array([0]));
    expect(fromBase64Url('AB')).toBeUndefined();
    expect(fromBase64Url('AAA')).toEqual(new Uint8Array([0, 0]));
    expect(fromBase64Url('AAB')).toBeUndefined();
    expect(fromBase64Url('A')).toBeUndefined();
  });
});
