import { describe, expect, it } from 'vitest';
import { createSessions } from '../sessions/create-sessions.js';
import { SessionStateError } from '../errors.js';
import { MemoryStore } from '../store/memory-store.js';
import { MAX_OWNER_LENGTH } from './session.js';
import type { SessionsOptions } from '../options/sessions-options.js';
import { taggedCodec } from './tagged-codec.js';
import { Browser } from '../testing/http.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
type Data = Record<string, unknown>;

const kinds: Array<[string, () => SessionsOptions<Data>]> = [
  ['server-side, JSON', () => ({ store: new MemoryStore(), secret: SECRET })],
  ['server-side, tagged', () => ({ store: new MemoryStore(), secret: SECRET, codec: taggedCodec })],
  ['cookie, tagged', () => ({ store: 'cookie', secret: SECRET, codec: taggedCodec })],
];

describe.each(kinds)('hostile keys (%s sessions)', (_kind, options) => {
  it('has nothing inherited: constructor, toString and hasOwnProperty are absent until set, then plain keys', async () => {
    const browser = new Browser(createSessions<Data>(options()));
    await browser.request((session) => {
      for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
        expect(session.has(key)).toBe(false);
        expect(session.get(key)).toBeUndefined();
      }
      session.set('constructor', 'c');
      session.set('toString', 1);
    });
    const { result } = await browser.request((session) => ({ keys: session.keys(), constructor: session.get('constructor'), toString: session.pop('toString') }));
    expect(result).toEqual({ keys: ['constructor', 'toString'], constructor: 'c', toString: 1 });
    // After pop, the session still saves and reloads.
    const { result: after } = await browser.request((session) => session.keys());
    expect(after).toEqual(['constructor']);
  });

  it('refuses "__proto__" as a key, and keeps a nested own "__proto__" as data, never as a prototype', async () => {
    const browser = new Browser(createSessions<Data>(options()));
    await browser.request((session) => {
      expect(() => session.set('__proto__', { isAdmin: true })).toThrow(SessionStateError);
      expect(session.get('isAdmin')).toBeUndefined();
      session.set('profile', JSON.parse('{"__proto__": {"isAdmin": true}, "name": "ada"}'));
    });
    const { result } = await browser.request((session) => session.get('profile') as Record<string, unknown>);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(result.isAdmin).toBeUndefined();
    expect(result.name).toBe('ada');
  });
});

describe('values no store can keep', () => {
  const sessions = () => createSessions<Data>({ store: new MemoryStore(), secret: SECRET });

  it('refuses lone surrogates in keys and values at set, naming the key', async () => {
    const session = await sessions().open({ cookie: undefined });
    expect(() => session.set('name', 'ab\uD800')).toThrow(/"name".*lone surrogate/);
    expect(() => session.set('list', ['ok', { deep: '\uDC00x' }])).toThrow(/"list".*lone surrogate/);
    expect(() => session.set('map', { ['k\uD83D']: 1 })).toThrow(/"map".*lone surrogate/);
    expect(() => session.set('bad\uDFFF', 1)).toThrow(SessionStateError);
    // A well-formed pair is fine.
    session.set('emoji', '👩‍💻 \uD83D\uDE00');
    expect(session.get('emoji')).toBe('👩‍💻 😀');
  });

  it('refuses a value nested 5,000 levels deep, and a cycle, at set with SessionStateError', async () => {
    const session = await sessions().open({ cookie: undefined });
    let deep: unknown = 'bottom';
    for (let i = 0; i < 5000; i++) deep = { next: deep };
    expect(() => session.set('deep', deep)).toThrow(/"deep" nests deeper than 64 levels/);
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(() => session.set('cycle', cycle)).toThrow(/"cycle" contains a cycle/);
    expect(session.has('deep')).toBe(false);
  });

  it('refuses at save, naming the key, a value made unstorable in place after set', async () => {
    const instance = sessions();
    const session = await instance.open({ cookie: undefined });
    session.set('list', [] as unknown[]);
    (session.get('list') as unknown[]).push('x\uD800');
    await expect(instance.save(session, { getHeader: () => undefined, setHeader: () => undefined, appendHeader: () => undefined })).rejects.toThrow(
      /"list".*lone surrogate/,
    );
  });
});

describe('owners', () => {
  it('takes 1 to 255 characters, which every store can index, and refuses anything else at once', async () => {
    const session = await createSessions<Data>({ store: new MemoryStore(), secret: SECRET }).open({ cookie: undefined });
    session.owner = 'u'.repeat(MAX_OWNER_LENGTH);
    expect(session.owner).toHaveLength(255);
    expect(() => (session.owner = 'u'.repeat(256))).toThrow(/1 to 255 characters/);
    expect(() => (session.owner = '')).toThrow(SessionStateError);
    expect(() => (session.owner = 42 as unknown as string)).toThrow(/not number/);
    expect(() => (session.owner = 'ada\uD800')).toThrow(/lone surrogate/);
    session.owner = undefined;
    expect(session.owner).toBeUndefined();
  });
});
