import { createSessions, MemoryStore } from '@sess/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ReadonlySession } from './index.js';

describe('ReadonlySession (the session of a Server Component)', () => {
  it('reads the session and offers no way to change it, in its type and at run time', async () => {
    const sessions = createSessions<{ cart: string[]; user: string }>({
      store: new MemoryStore(),
      secret: 'a test secret that is long enough to sign cookies',
    });
    const session = await sessions.open({ cookie: undefined });
    session.set('cart', ['pear']);
    session.set('user', 'ada');
    session.flash('hello');
    const readonly = new ReadonlySession(session);

    expectTypeOf(readonly.get('user')).toEqualTypeOf<string | undefined>();
    expectTypeOf(readonly.get('cart')).toEqualTypeOf<readonly string[] | undefined>();
    // @ts-expect-error: Next forbids setting cookies while rendering, so there is no `set`
    expect(() => readonly.set('user', 'grace')).toThrow(TypeError);
    // @ts-expect-error: consuming flashes is a write too
    expect(() => readonly.consumeFlashes()).toThrow(TypeError);

    expect(readonly.get('user')).toBe('ada');
    expect(readonly.has('cart')).toBe(true);
    expect(readonly.keys().sort()).toEqual(['cart', 'user']);
    expect(readonly.isNew).toBe(true);
    expect(readonly.peekFlashes()).toEqual([{ message: 'hello', category: 'message' }]);
    // What `get` returns is a copy: changing it leaves the session alone.
    (readonly.get('cart') as string[]).push('plum');
    expect(session.get('cart')).toEqual(['pear']);
  });
});
