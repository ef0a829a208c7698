import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSessions } from './create-sessions.js';
import { isValidStoreId } from '../store/store.js';
import { TestResponse } from '../testing/http.js';
import { RecordingStore } from '../testing/recording-store.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
/** `FUZZ_RUNS` raises the count for the long run (`pnpm test:fuzz`). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

const base64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), minLength: 43, maxLength: 43 });
const forged = fc.tuple(base64url, base64url).map(([id, signature]) => `${id}.${signature}`);
const anyText = fc.string({ unit: 'binary', maxLength: 200 });
const controlText = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)), maxLength: 20 });
const percent = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 30 }).map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));

describe('open() under hostile Cookie headers', () => {
  it(`never throws and never hands the store an invalid or unverified ID (${RUNS} cases)`, async () => {
    const store = new RecordingStore();
    const sessions = createSessions<Record<string, unknown>>({ store, secret: SECRET });
    const seed = await sessions.open({ cookie: undefined });
    seed.set('user', 'ada');
    const response = new TestResponse();
    await sessions.save(seed, response);
    const realValue = response.setCookies[0]!.split(';')[0]!.slice('sid='.length);
    const [realId, realSignature] = realValue.split('.') as [string, string];

    const value = fc.oneof(
      anyText,
      controlText,
      percent,
      forged,
      base64url.map((signature) => `${realId}.${signature}`),
      base64url.map((id) => `${id}.${realSignature}`),
      fc.constant(realValue),
      fc.tuple(fc.constant(realValue), anyText).map(([real, noise]) => real + noise),
    );
    const pair = fc.tuple(fc.constantFrom('sid', 'SID', ' sid', 'sid ', 'other', ''), value).map(([name, text]) => `${name}=${text}`);
    const header = fc.oneof(
      fc.array(pair, { maxLength: 8 }).map((pairs) => pairs.join('; ')),
      anyText,
      fc.string({ maxLength: 8192 }),
    );

    await fc.assert(
      fc.asyncProperty(header, async (cookie) => {
        store.calls.length = 0;
        const session = await sessions.open({ cookie });
        await sessions.save(session, new TestResponse());
        for (const call of store.calls) expect(isValidStoreId(call.id)).toBe(true);
        // Only the real, correctly signed cookie may reach the store.
        if (!cookie.includes(realValue)) expect(store.calls).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
