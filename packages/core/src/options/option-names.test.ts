import { describe, expect, it } from 'vitest';
import { createSessions } from '../sessions/create-sessions.js';
import { MemoryStore } from '../store/memory-store.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
const attempt = (options: Record<string, unknown>) => () => createSessions({ store: new MemoryStore(), secret: SECRET, ...options } as never);

describe('unknown options', () => {
  it('are refused with the closest name', () => {
    expect(attempt({ idleTimout: 60 })).toThrow('createSessions() has no option `idleTimout`: did you mean `idleTimeout`?');
    expect(attempt({ IdleTimeout: 60 })).toThrow(/did you mean `idleTimeout`/);
    expect(attempt({ cookie: { sameSIte: 'lax' } })).toThrow('createSessions({ cookie }) has no option `sameSIte`: did you mean `sameSite`?');
    expect(attempt({ locking: { wait: 10 } })).toThrow(/createSessions\(\{ locking \}\) has no option `wait`/);
    expect(() => new MemoryStore({ maxEntry: 10 } as never)).toThrow('MemoryStore has no option `maxEntry`: did you mean `maxEntries`?');
  });

  it("point a name from another library to sess's equivalent", () => {
    expect(attempt({ maxAge: 60_000 })).toThrow(/`maxAge`: sess counts a session's life with `idleTimeout` and `absoluteTimeout`/);
    expect(attempt({ cookie: { maxAge: 60_000 } })).toThrow(/createSessions\(\{ cookie \}\) has no option `maxAge`/);
    expect(attempt({ resave: false })).toThrow(/`resave`: sess writes only what changed/);
    expect(attempt({ saveUninitialized: false })).toThrow(/never stores or sends a cookie for a session that stayed empty/);
    expect(attempt({ rolling: true })).toThrow(/renews sessions as they are used/);
  });

  it('list the known names when nothing is close', () => {
    expect(attempt({ zzz: 1 })).toThrow(/the options are `store`, `secret`, `cookie`/);
  });

  it('warn once when seconds look like milliseconds', () => {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      attempt({ idleTimeout: 1_800_000 })();
      attempt({ idleTimeout: 1_800_000 })();
      attempt({ idleTimeout: 604_800, absoluteTimeout: 2_592_000 })();
    } finally {
      console.warn = original;
    }
    expect(warnings).toEqual(['[sess] `idleTimeout: 1800000` is 21 days; it is in seconds, not milliseconds: did you mean `idleTimeout: 1800`?']);
  });
});
