import { describe, expectTypeOf, it } from 'vitest';
import { createSessions } from '../sessions/create-sessions.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Session } from './session.js';
import type { SessionValues } from './session-data.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';

describe('typed keys', () => {
  it('take any key, with unknown values, while the app declares nothing', async () => {
    // This package's tests declare no SessionData: the default is open.
    expectTypeOf<SessionValues>().toEqualTypeOf<Record<string, unknown>>();
    const session = await createSessions({ store: new MemoryStore(), secret: SECRET }).open({ cookie: undefined });
    session.set('anything', 1);
    expectTypeOf(session.get('anything')).toEqualTypeOf<unknown>();
  });

  it('make the declared keys the only keys: a misspelled key or a wrong value does not compile', async () => {
    type Data = { user: string; cart: string[] };
    const session = (await createSessions<Data>({ store: new MemoryStore(), secret: SECRET }).open({ cookie: undefined })) as Session<Data>;
    expectTypeOf(session.get('user')).toEqualTypeOf<string | undefined>();
    session.set('cart', ['book']);
    // @ts-expect-error: `usr` is not a declared key
    session.get('usr');
    // @ts-expect-error: `carr` is not a declared key
    session.set('carr', []);
    // @ts-expect-error: `cart` holds a string[]
    session.set('cart', 'book');
  });
});
