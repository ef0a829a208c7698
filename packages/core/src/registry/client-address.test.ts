import { describe, expect, it } from 'vitest';
import { truncateAddress } from './client-address.js';

describe('truncateAddress', () => {
  it('keeps an IPv4 address to its /24', () => {
    expect(truncateAddress('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateAddress('::ffff:203.0.113.77')).toBe('203.0.113.0');
  });

  it('keeps an IPv6 address to its /48', () => {
    expect(truncateAddress('2001:db8:1234:5678::1')).toBe('2001:db8:1234::');
    expect(truncateAddress('2001:0db8:0001:0002:0003:0004:0005:0006')).toBe('2001:db8:1::');
    expect(truncateAddress('::1')).toBe('0:0:0::');
  });

  it('keeps nothing of what is not an address', () => {
    for (const value of [undefined, '', 'localhost', '300.1.1.1', '1.2.3', '1:2:3', '1::2::3', '<script>', '12345::']) {
      expect(truncateAddress(value)).toBeUndefined();
    }
  });
});
