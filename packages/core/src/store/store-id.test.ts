import { describe, expect, it } from 'vitest';
import { isValidStoreId, STORE_ID_PATTERN } from './store.js';

describe('isValidStoreId', () => {
  it('accepts exactly what STORE_ID_PATTERN matches', () => {
    const alphabet = 'AZaz09-_' + '@[`{/:.+= \u00e9\u0000\ud83d';
    const samples: unknown[] = [undefined, null, 42, {}, '', 'a'.repeat(15), 'a'.repeat(16), 'a'.repeat(128), 'a'.repeat(129)];
    for (let i = 0; i < 2000; i++) {
      const length = 14 + (i % 118);
      let id = '';
      for (let j = 0; j < length; j++) id += alphabet[(i * 7 + j * 13 + ((i * j) % 5)) % (i % 3 === 0 ? alphabet.length : 8)];
      samples.push(id);
    }
    for (const id of samples) {
      expect(isValidStoreId(id)).toBe(typeof id === 'string' && STORE_ID_PATTERN.test(id));
    }
    expect(samples.filter((id) => isValidStoreId(id)).length).toBeGreaterThan(100);
    expect(samples.filter((id) => typeof id === 'string' && !isValidStoreId(id)).length).toBeGreaterThan(100);
  });
});
