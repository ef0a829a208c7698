import { describe, expect, it } from 'vitest';
import { taggedCodec } from './tagged-codec.js';

const roundTrip = (value: unknown) => taggedCodec.decode(JSON.parse(JSON.stringify(taggedCodec.encode(value))));

describe('taggedCodec', () => {
  it('round-trips Date, Map, Set and BigInt, nested', () => {
    const value = {
      when: new Date('2026-03-04T05:06:07.089Z'),
      tags: new Set(['a', 'b']),
      prices: new Map<unknown, unknown>([['apple', 10n ** 20n], [3, new Date(0)]]),
      list: [1, 'two', null, true, { nested: new Set([1]) }],
    };
    expect(roundTrip(value)).toEqual(value);
  });

  it('keeps user objects that look like tags as they are', () => {
    const value = { ' d': 5 };
    expect(roundTrip(value)).toEqual({ ' d': 5 });
    expect(roundTrip([{ ' o': { ' m': [] } }])).toEqual([{ ' o': { ' m': [] } }]);
  });

  it('refuses functions with a clear error', () => {
    expect(() => taggedCodec.encode(() => 1)).toThrow(/cannot store a value of type function/);
  });
});
