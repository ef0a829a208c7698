import { describe, expect, it } from 'vitest';
import { createSessions } from '../sessions/create-sessions.js';
import { SessionConfigError } from '../errors.js';
import type { SessionsOptions } from './sessions-options.js';
import { RecordingStore } from '../testing/recording-store.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';

function attempt(options: Partial<SessionsOptions<object>>): unknown {
  try {
    createSessions({ store: new RecordingStore(), secret: SECRET, ...options } as SessionsOptions<object>);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('options are checked at construction', () => {
  it.each([
    ['a missing secret', { secret: undefined }, /secret.*required/],
    ['an empty secret list', { secret: [] }, /secret.*required/],
    ['a short secret', { secret: 'short' }, /shorter than 32 bytes/],
    ['a short old secret', { secret: [SECRET, 'short'] }, /secret #2/],
    ['a missing store', { store: undefined }, /store/],
    ['a __Host- cookie without secure', { cookie: { name: '__Host-sid' } }, /secure: true/],
    ['a __Host- cookie with a domain', { cookie: { name: '__Host-sid', secure: true, domain: 'example.com' } }, /__Host-/],
    ['a __host- cookie in lower case without secure', { cookie: { name: '__host-sid' } }, /secure: true/],
    ['a __HOST- cookie in upper case with a path', { cookie: { name: '__HOST-sid', secure: true, path: '/app' } }, /__Host-/],
    ['a __secure- cookie in lower case without secure', { cookie: { name: '__secure-sid' } }, /secure: true/],
    ['SameSite=None without secure', { cookie: { sameSite: 'none', secure: false } }, /sameSite/],
    ['a cookie name with a space', { cookie: { name: 'my sid' } }, /not a valid cookie name/],
    ['a path with a semicolon', { cookie: { path: '/; Domain=evil.com' } }, /path/],
    ['a negative idle timeout', { idleTimeout: -1 }, /idleTimeout/],
    ['a zero absolute timeout', { absoluteTimeout: 0 }, /absoluteTimeout/],
  ] as const)('refuses %s', (_name, options, message) => {
    const error = attempt(options as Partial<SessionsOptions<object>>);
    expect(SessionConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message.startsWith('[sess]')).toBe(true);
  });

  it('tells how to make a secret', () => {
    expect((attempt({ secret: 'short' }) as Error).message).toMatch(/openssl rand -base64 32/);
  });

  it('accepts a well-formed __Host- configuration', () => {
    expect(attempt({ cookie: { name: '__Host-sid', secure: true } })).toBeUndefined();
  });
});
