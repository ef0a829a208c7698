import { describe, expect, it } from 'vitest';
import { SessionStateError } from '../errors.js';
import { createSessions } from '../sessions/create-sessions.js';
import { MemoryStore } from '../store/memory-store.js';
import { Browser } from '../testing/http.js';
import { jsonCodec } from './codec.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
type Data = Record<string, unknown>;

class User {
  constructor(readonly name: string) {}
}

describe('values between requests (default codec)', () => {
  it('bring Date, Map, Set, BigInt and nested undefined back as they were', async () => {
    const browser = new Browser(createSessions<Data>({ store: new MemoryStore(), secret: SECRET }));
    const at = new Date('2026-12-01T10:00:00.000Z');
    await browser.request((session) => {
      session.set('at', at);
      session.set('tags', new Set(['a', 'b']));
      session.set('seen', new Map([['home', 3]]));
      session.set('big', 2n ** 70n);
      session.set('list', [1, undefined, 3]);
    });
    const { result } = await browser.request((session) => ({
      at: session.get('at'),
      tags: session.get('tags'),
      seen: session.get('seen'),
      big: session.get('big'),
      list: session.get('list'),
    }));
    expect(result.at).toBeInstanceOf(Date);
    expect((result.at as Date).getTime()).toBe(at.getTime());
    expect(result.tags).toEqual(new Set(['a', 'b']));
    expect(result.seen).toEqual(new Map([['home', 3]]));
    expect(result.big).toBe(2n ** 70n);
    expect(result.list).toEqual([1, undefined, 3]);
  });

  it('refuse at set, naming the key and the fix, what would not come back: class instances, functions, NaN', async () => {
    const session = await createSessions<Data>({ store: new MemoryStore(), secret: SECRET }).open({ cookie: undefined });
    expect(() => session.set('user', new User('ada'))).toThrow('the value under "user" holds an instance of User, which would come back as a plain object: store its fields');
    expect(() => session.set('callback', () => 1)).toThrow(/"callback" is a function/);
    expect(() => session.set('nested', { score: Number.NaN })).toThrow(/"nested" is NaN, which would come back as null/);
    expect(() => session.set('inf', Infinity)).toThrow(SessionStateError);
    expect(session.keys()).toEqual([]);
  });

  it('read records written with jsonCodec unchanged (the store format did not change for plain JSON)', async () => {
    const store = new MemoryStore();
    const before = new Browser(createSessions<Data>({ store, secret: SECRET, codec: jsonCodec }));
    const data = { user: 'ada', cart: ['book', { id: 7, note: null }], flags: { admin: false }, count: 3 };
    await before.request((session) => {
      for (const [key, value] of Object.entries(data)) session.set(key, value);
    });
    const after = new Browser(createSessions<Data>({ store, secret: SECRET }));
    after.cookie = before.cookie;
    const { result } = await after.request((session) => session.toJSON());
    expect(result).toEqual(data);
  });
});

describe('values with jsonCodec', () => {
  it('refuse at set what JSON would change, naming the key and the fix', async () => {
    const session = await createSessions<Data>({ store: new MemoryStore(), secret: SECRET, codec: jsonCodec }).open({ cookie: undefined });
    expect(() => session.set('at', new Date())).toThrow('the value under "at" holds a Date, which would come back as a string: store date.toISOString(), or use taggedCodec');
    expect(() => session.set('tags', new Set())).toThrow(/"tags" holds a Set, which would come back as \{\}/);
    expect(() => session.set('big', 1n)).toThrow(/"big" holds a BigInt/);
    expect(() => session.set('list', [undefined])).toThrow(/"list" holds undefined, which JSON drops/);
    session.set('plain', { a: [1, 'two', null, true] });
    expect(session.get('plain')).toEqual({ a: [1, 'two', null, true] });
  });
});
