import { describe, expect, it } from 'vitest';
import { createSessions } from '../sessions/create-sessions.js';
import { CsrfError, SessionConfigError } from '../errors.js';
import { runSession } from '../sessions/request-lifecycle.js';
import type { SessionRequest } from '../sessions/http-types.js';
import type { SessionEvent } from '../session/session-event.js';
import type { SessionsOptions } from '../options/sessions-options.js';
import { TestResponse } from '../testing/http.js';
import { RecordingStore } from '../testing/recording-store.js';
import { csrfTokenMatches, maskCsrfSecret, newCsrfSecret } from './csrf-token.js';
import { isUnsafeMethod } from './origin-check.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
type Data = Record<string, unknown>;
const APP = { host: '127.0.0.1:3001', secure: false } as const;

function setup(options: Partial<SessionsOptions<Data>> = {}, store: RecordingStore | 'cookie' = new RecordingStore()) {
  const events: SessionEvent[] = [];
  const sessions = createSessions<Data>({ store, secret: SECRET, onEvent: (event) => events.push(event), ...options });
  return { sessions, events, store };
}

/** Runs one request: `handle` gets the session; the response's first cookie is returned with the result. */
async function request(
  sessions: ReturnType<typeof setup>['sessions'],
  input: SessionRequest,
  handle: (session: Awaited<ReturnType<typeof sessions.open>>) => unknown = () => undefined,
): Promise<{ cookie: string | undefined; result: unknown; response: TestResponse }> {
  const response = new TestResponse();
  const result = await runSession(sessions, input, async (session) => handle(session), () => response);
  const set = response.setCookies[0];
  return { cookie: set === undefined ? input.cookie ?? undefined : set.slice(0, set.indexOf(';')), result, response };
}

async function refusal(promise: Promise<unknown>): Promise<CsrfError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(CsrfError.isInstance(error)).toBe(true);
  return error as CsrfError;
}

describe('the origin check', () => {
  const cases: Array<[string, Partial<SessionRequest>, boolean]> = [
    ['GET from another site', { method: 'GET', secFetchSite: 'cross-site', origin: 'https://evil.example' }, true],
    ['a cross-site form POST', { method: 'POST', secFetchSite: 'cross-site', origin: 'https://evil.example' }, false],
    ['a cross-site DELETE without Origin', { method: 'DELETE', secFetchSite: 'cross-site' }, false],
    ['a same-origin POST', { method: 'POST', secFetchSite: 'same-origin', origin: 'http://127.0.0.1:3001' }, true],
    ['a POST typed by the user', { method: 'POST', secFetchSite: 'none' }, true],
    ['a same-site POST from a sibling', { method: 'POST', secFetchSite: 'same-site', origin: 'http://127.0.0.1:4000' }, false],
    ['a POST with neither header', { method: 'POST' }, true],
    ['an old browser\'s POST from its own origin', { method: 'PUT', origin: 'http://127.0.0.1:3001' }, true],
    ['an old browser\'s POST from another origin', { method: 'PATCH', origin: 'http://127.0.0.1:4000' }, false],
    ['Origin: null (sandboxed frame)', { method: 'POST', origin: 'null' }, false],
    ['the other scheme', { method: 'POST', origin: 'https://127.0.0.1:3001' }, false],
    ['a lower-case method', { method: 'post', secFetchSite: 'cross-site' }, false],
    ['a method outside the four', { method: 'PROPFIND', secFetchSite: 'cross-site' }, false],
  ];
  for (const [name, headers, served] of cases) {
    it(`${served ? 'serves' : 'refuses'} ${name}`, async () => {
      const { sessions, store } = setup();
      const opened = sessions.open({ cookie: undefined, ...APP, ...headers });
      if (served) await expect(opened).resolves.toBeDefined();
      else expect((await refusal(opened)).status).toBe(403);
      if (!served) expect((store as RecordingStore).calls).toEqual([]);
    });
  }

  it('compares with the host and scheme the adapter reports, default ports left out', async () => {
    const { sessions } = setup();
    await expect(sessions.open({ cookie: undefined, method: 'POST', origin: 'https://app.example', host: 'APP.example:443', secure: true })).resolves.toBeDefined();
    await refusal(sessions.open({ cookie: undefined, method: 'POST', origin: 'https://app.example' }));
  });

  it('serves allowed origins, even cross-site, and same-site requests only when told', async () => {
    const { sessions } = setup({ csrf: { allowedOrigins: ['https://admin.example.com/'] } });
    await expect(sessions.open({ cookie: undefined, ...APP, method: 'POST', secFetchSite: 'cross-site', origin: 'https://admin.example.com' })).resolves.toBeDefined();
    await refusal(sessions.open({ cookie: undefined, ...APP, method: 'POST', secFetchSite: 'same-site', origin: 'https://shop.example.com' }));
    const sameSite = setup({ csrf: { allowSameSite: true } }).sessions;
    await expect(sameSite.open({ cookie: undefined, ...APP, method: 'POST', secFetchSite: 'same-site', origin: 'https://shop.example.com' })).resolves.toBeDefined();
    await refusal(sameSite.open({ cookie: undefined, ...APP, method: 'POST', secFetchSite: 'cross-site', origin: 'https://evil.example' }));
  });

  it('leaves alone what `skip` says, and everything with `csrf: false`', async () => {
    const { sessions } = setup({ csrf: { skip: (request) => request.path?.startsWith('/webhooks/') === true } });
    const hook = { cookie: undefined, ...APP, method: 'POST', secFetchSite: 'cross-site', origin: 'https://evil.example' };
    await expect(sessions.open({ ...hook, path: '/webhooks/stripe' })).resolves.toBeDefined();
    await refusal(sessions.open({ ...hook, path: '/login' }));
    await expect(setup({ csrf: false }).sessions.open(hook)).resolves.toBeDefined();
    const failing = setup({ csrf: { skip: () => { throw new RangeError('skip failed'); } } }).sessions;
    await expect(failing.open(hook)).rejects.toThrow(RangeError);
  });

  it('reports refusals to onEvent, with the origin; the error says nothing about the request', async () => {
    const { sessions, events } = setup();
    const error = await refusal(sessions.open({ cookie: undefined, ...APP, method: 'POST', origin: 'https://evil.example' }));
    expect(events).toEqual([{ type: 'csrf-refused', reason: 'origin', origin: 'https://evil.example' }]);
    expect(error.message).toBe('[sess] cross-site request refused');
    expect(error.expose).toBe(true);
    expect(error.getResponse().status).toBe(403);
  });

  it('rejects runSession before the handler: no header written, no store call, no lock taken', async () => {
    const { sessions, store } = setup({ locking: true });
    const first = await request(sessions, { cookie: undefined, ...APP, method: 'POST' }, (session) => session.set('n', 1));
    const calls = (store as RecordingStore).calls.length;
    const response = new TestResponse();
    let ran = false;
    const refused = runSession(
      sessions,
      { cookie: first.cookie, ...APP, method: 'DELETE', secFetchSite: 'cross-site' },
      async () => {
        ran = true;
      },
      () => response,
    );
    expect((await refusal(refused)).reason).toBe('cross-site');
    expect([ran, response.headers.size, response.setCookies]).toEqual([false, 0, []]);
    expect((store as RecordingStore).calls.length).toBe(calls);
    const served = await request(sessions, { cookie: first.cookie, ...APP, method: 'POST' }, (session) => session.get('n'));
    expect(served.result).toBe(1);
  });

  it('knows the unsafe methods', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'get', undefined].map(isUnsafeMethod)).toEqual([false, false, false, false, false, false]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'delete', 'PROPPATCH'].map(isUnsafeMethod)).toEqual([true, true, true, true, true, true]);
  });
});

describe('csrf options', () => {
  it('refuses unknown names with a hint and malformed origins', () => {
    expect(() => setup({ csrf: { allowedOrigin: [] } as never })).toThrow(/no option `allowedOrigin`: did you mean `allowedOrigins`/);
    expect(() => setup({ csrf: { token: { headr: 'x' } } as never })).toThrow(/did you mean `header`/);
    expect(() => setup({ csrf: { allowedOrigins: ['https://a.example/path'] } })).toThrow(SessionConfigError);
    expect(() => setup({ csrf: { allowedOrigins: ['a.example'] } })).toThrow(/not an origin/);
    expect(() => setup({ csrf: { allowedOrigins: 'https://a.example' as never } })).toThrow(/array/);
    expect(() => setup({ csrf: { token: { header: 'bad header' } } })).toThrow(/not a valid header name/);
    expect(() => setup({ csrf: { skip: true as never } })).toThrow(/function/);
    expect(() => setup({ csrf: 'on' as never })).toThrow(/options object/);
    expect(() => setup({ csrf: { allowSameSite: 'yes' as never } })).toThrow(/true or false/);
    expect(() => setup({ csrf: { token: 'on' as never } })).toThrow(/`token` takes/);
  });
});

describe('masked tokens', () => {
  it('differ on every call and match only their own secret', () => {
    const secret = newCsrfSecret();
    const [a, b] = [maskCsrfSecret(secret), maskCsrfSecret(secret)];
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(csrfTokenMatches(a, secret) && csrfTokenMatches(b, secret)).toBe(true);
    expect(csrfTokenMatches(a, newCsrfSecret())).toBe(false);
    expect(csrfTokenMatches(secret, secret)).toBe(false);
    expect(csrfTokenMatches(`${a.slice(0, -1)}${a.endsWith('A') ? 'B' : 'A'}`, secret)).toBe(false);
    expect(csrfTokenMatches(a, undefined)).toBe(false);
    expect(csrfTokenMatches(42, secret)).toBe(false);
  });
});

for (const kind of ['server', 'cookie'] as const) {
  describe(`synchronizer tokens (${kind} sessions)`, () => {
    const make = (options: Partial<SessionsOptions<Data>> = {}) => setup({ csrf: { token: true }, ...options }, kind === 'cookie' ? 'cookie' : new RecordingStore());
    const post = (cookie: string | undefined, token?: string, body?: unknown): SessionRequest => ({
      cookie,
      ...APP,
      method: 'POST',
      secFetchSite: 'same-origin',
      header: (name) => (name === 'x-csrf-token' ? token : undefined),
      body,
    });

    it('accepts the token of the page in the header or an already parsed form field', async () => {
      const { sessions } = make();
      const page = await request(sessions, { cookie: undefined, method: 'GET' }, (session) => session.csrfToken());
      const token = page.result as string;
      const viaHeader = await request(sessions, post(page.cookie, token), (session) => session.set('n', 1));
      const viaField = await request(sessions, post(viaHeader.cookie, undefined, { _csrf: token }), (session) => session.get('n'));
      expect(viaField.result).toBe(1);
    });

    it('refuses a wrong token before the handler, and reports it', async () => {
      const { sessions, events } = make();
      const page = await request(sessions, { cookie: undefined, method: 'GET' }, (session) => session.csrfToken());
      let ran = false;
      const forged = maskCsrfSecret(newCsrfSecret());
      const error = await refusal(request(sessions, post(page.cookie, forged), () => (ran = true)));
      expect([error.reason, ran]).toEqual(['token-invalid', false]);
      expect(events).toContainEqual({ type: 'csrf-refused', reason: 'token-invalid' });
    });

    it('keeps the data of a request without a token out of reach until the handler verifies one', async () => {
      const { sessions } = make();
      const page = await request(sessions, { cookie: undefined, method: 'GET' }, (session) => {
        session.set('user', 'ada');
        return session.csrfToken();
      });
      const missing = await refusal(request(sessions, post(page.cookie), (session) => session.get('user')));
      expect(missing.reason).toBe('token-missing');
      await refusal(request(sessions, post(page.cookie), (session) => session.verifyCsrfToken('')));
      const wrong = await refusal(request(sessions, post(page.cookie), (session) => session.verifyCsrfToken('x'.repeat(86))));
      expect(wrong.reason).toBe('token-invalid');
      const verified = await request(sessions, post(page.cookie), (session) => {
        session.verifyCsrfToken(page.result);
        return session.get('user');
      });
      expect(verified.result).toBe('ada');
    });

    it('refuses a token from before a logout, and changes it at regenerate', async () => {
      const { sessions } = make();
      const page = await request(sessions, { cookie: undefined, method: 'GET' }, (session) => session.csrfToken());
      const before = page.result as string;
      const login = await request(sessions, post(page.cookie, before), (session) => {
        session.set('user', 'ada');
        session.regenerate();
      });
      await refusal(request(sessions, post(login.cookie, before)));
      const next = await request(sessions, { cookie: login.cookie, method: 'GET' }, (session) => session.csrfToken());
      const logout = await request(sessions, post(next.cookie, next.result as string), (session) => session.destroy());
      expect(logout.response.setCookies[0]).toMatch(/Max-Age=0/);
      // The copy of the cookie is dead (server-side) or carries no data any more (cookie sessions: a new visitor).
      const after = kind === 'server' ? next.cookie : undefined;
      await refusal(request(sessions, post(after, next.result as string)));
    });

    it('loads a lazy session to check its token', async () => {
      const { sessions } = make({ lazy: true });
      const page = await request(sessions, { cookie: undefined, method: 'GET' }, async (session) => {
        await session.load();
        return session.csrfToken();
      });
      const done = await request(sessions, post(page.cookie, page.result as string), async (session) => (await session.load()).isNew);
      expect(done.result).toBe(false);
      await refusal(request(sessions, post(page.cookie, maskCsrfSecret(newCsrfSecret()))));
    });
  });
}
