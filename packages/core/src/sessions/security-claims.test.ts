/** Claims of SECURITY.md that no other test names on its own. */
import { describe, expect, it } from 'vitest';
import { defaultCryptoBackend } from '../crypto/crypto-backend.js';
import { generateSessionId, importSigningKeys, signSessionId, storeIdOf } from '../crypto/session-id.js';
import { Browser, TestResponse } from '../testing/http.js';
import { RecordingStore } from '../testing/recording-store.js';
import { createSessions } from './create-sessions.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';

describe('security claims', () => {
  it('session fixation: a validly signed cookie naming an ID the store does not know gets a new ID, never that one', async () => {
    const store = new RecordingStore();
    const sessions = createSessions<Record<string, unknown>>({ store, secret: SECRET });
    const planted = generateSessionId();
    const [key] = await importSigningKeys([SECRET], defaultCryptoBackend());
    const cookie = `sid=${await signSessionId(planted, key!)}`;
    const session = await sessions.open({ cookie });
    expect(session.isNew).toBe(true);
    session.set('user', 'victim');
    const response = new TestResponse();
    await sessions.save(session, response);
    expect(response.setCookies[0]).not.toContain(planted);
    expect(session.id).not.toBe(planted);
    expect(store.records.has(await storeIdOf(planted, true, defaultCryptoBackend()))).toBe(false);
  });

  it('guessing IDs: an ID is 256 random bits (43 base64url characters), and 10,000 of them never repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const id = generateSessionId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(10_000);
  });

  it('theft of the store: the store sees the SHA-256 of the ID, never the ID in the cookie', async () => {
    const store = new RecordingStore();
    const browser = new Browser(createSessions<Record<string, unknown>>({ store, secret: SECRET }));
    await browser.request((session) => session.set('user', 'ada'));
    const id = browser.cookie!.split('.')[0]!;
    expect([...store.records.keys()]).toEqual([await storeIdOf(id, true, defaultCryptoBackend())]);
    expect([...store.records.keys()]).not.toContain(id);
  });

  it('cookie shadowing: of several cookies of the name, the one with a valid signature is used', async () => {
    const sessions = createSessions<Record<string, unknown>>({ store: new RecordingStore(), secret: SECRET });
    const browser = new Browser(sessions);
    await browser.request((session) => session.set('user', 'ada'));
    const session = await sessions.open({ cookie: `sid=${generateSessionId()}.forged; sid=${browser.cookie!}; sid=junk` });
    expect(session.get('user')).toBe('ada');
  });
});
