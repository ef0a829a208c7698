import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';

describe('LruMap', () => {
  it('drops the least recently used entry past its capacity, counting reads and writes as use', () => {
    const map = new LruMap<string, number>(3);
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.get('a')).toBe(1);
    map.set('b', 20);
    map.set('d', 4);
    expect(map.get('c')).toBeUndefined();
    expect([...map.entries()].sort()).toEqual([['a', 1], ['b', 20], ['d', 4]]);
    map.set('e', 5);
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(3);
  });

  it('keeps its order consistent through deletes, clears and a single entry', () => {
    const map = new LruMap<string, number>(2);
    map.set('only', 1);
    expect(map.get('only')).toBe(1);
    expect(map.delete('only')).toBe(true);
    expect(map.delete('only')).toBe(false);
    map.set('x', 1);
    map.set('y', 2);
    map.delete('x');
    map.set('z', 3);
    map.set('w', 4);
    expect(map.get('y')).toBeUndefined();
    expect(map.get('z')).toBe(3);
    map.clear();
    expect(map.size).toBe(0);
    map.set('v', 5);
    expect(map.get('v')).toBe(5);
  });

  it('agrees with a reference LRU over a long random sequence', () => {
    const map = new LruMap<number, number>(50);
    const reference: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 120;
    for (let step = 0; step < 20_000; step++) {
      const key = random();
      const at = reference.indexOf(key);
      if (step % 3 === 0) {
        expect(map.get(key)).toBe(at === -1 ? undefined : key);
        if (at !== -1) reference.push(...reference.splice(at, 1));
      } else {
        map.set(key, key);
        if (at !== -1) reference.splice(at, 1);
        reference.push(key);
        if (reference.length > 50) reference.shift();
      }
    }
    expect([...map.entries()].map(([key]) => key).sort((x, y) => x - y)).toEqual([...reference].sort((x, y) => x - y));
  });
});
