import { describe, expect, it } from 'vitest';
import { randomBytes } from './random-bytes.js';

describe('randomBytes', () => {
  it('never hands out the same bytes twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 2,000 × 16 bytes spans several 4 KiB refills.
    for (let i = 0; i < 2000; i++) {
      const hex = Buffer.from(randomBytes(16)).toString('hex');
      expect(seen.has(hex)).toBe(false);
      seen.add(hex);
    }
  });

  it('gives copies: changing one result changes no later one', () => {
    const first = randomBytes(32);
    first.fill(0);
    const second = randomBytes(32);
    expect(second.some((byte) => byte !== 0)).toBe(true);
    expect(second.buffer).not.toBe(first.buffer);
  });

  it('looks uniformly random (every byte value appears, none dominates)', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 400; i++) for (const byte of randomBytes(64)) counts[byte]!++;
    // 25,600 bytes: about 100 per value; a stuck or zeroed pool would fail these bounds.
    expect(Math.min(...counts)).toBeGreaterThan(40);
    expect(Math.max(...counts)).toBeLessThan(180);
  });

  it('serves requests larger than the pool directly', () => {
    const big = randomBytes(10_000);
    expect(big).toHaveLength(10_000);
    expect(big.some((byte) => byte !== 0)).toBe(true);
  });
});
