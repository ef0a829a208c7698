import { listen, MapStore, TEST_SECRET, type TestServer } from '@sess/adapter-test-suite';
import { createSessions, SessionConfigError, type Session } from '@sess/core';
import express5, { type ErrorRequestHandler, type Express } from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { session } from './index.js';

interface Account {
  user: string;
  visits: number;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Answers every error with its name, status and message, so the tests can read what a user sees. */
const reportErrors: ErrorRequestHandler = (error: Error & { status?: number }, request, response, _next) => {
  // What an app's error handler usually does with the session: look whether there is one.
  const hasSession = Object.prototype.hasOwnProperty.call(request, 'session') ? String(request.session !== undefined) : 'none';
  response.status(error.status ?? 500).json({ name: error.name, message: error.message, hasSession });
};

async function start(app: Express): Promise<string> {
  app.use(reportErrors);
  const server = await listen(app);
  servers.push(server);
  return server.url;
}

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s: wiring mistakes', (_name, express: () => Express) => {
  it('a route registered before the middleware gets an error that says to register it first', async () => {
    const app = express();
    const store = new MapStore();
    const accountSession = session(createSessions<Account>({ store, secret: TEST_SECRET }));
    app.get('/early', (request, response) => {
      response.json({ count: request.session.get('count') ?? null });
    });
    app.get('/early-of', (request, response) => {
      response.json({ user: accountSession.of(request).get('user') ?? null });
    });
    app.use(accountSession);
    app.get('/late', (request, response) => {
      accountSession.of(request).set('visits', (accountSession.of(request).get('visits') ?? 0) + 1);
      response.json({ visits: accountSession.of(request).get('visits') });
    });
    const url = await start(app);

    // `of` says so from the very first request.
    const beforeAny = await (await fetch(`${url}/early-of`)).json();
    expect(beforeAny.name).toBe('SessionConfigError');
    expect(beforeAny.message).toMatch(/req\.session is not set.*app\.use\(session\(…\)\) before the routes/);

    expect(await (await fetch(`${url}/late`)).json()).toEqual({ visits: 1 });
    // Once a request went through the middleware, `req.session` says so too instead of `undefined`.
    const early = await (await fetch(`${url}/early`)).json();
    expect(early.name).toBe('SessionConfigError');
    expect(early.message).toMatch(/register app\.use\(session\(…\)\) before the routes and middleware that use the session/i);
  });

  it('leaves the other apps of the process alone', async () => {
    const withSessions = express();
    withSessions.use(session(createSessions({ store: new MapStore(), secret: TEST_SECRET })));
    withSessions.get('/', (request, response) => response.json({ has: request.session !== undefined }));
    const other = express();
    other.get('/', (request, response) => response.json({ session: (request as { session?: unknown }).session ?? null }));
    const first = await start(withSessions);
    const second = await start(other);
    expect(await (await fetch(first)).json()).toEqual({ has: true });
    expect(await (await fetch(second)).json()).toEqual({ session: null });
    expect(Object.getOwnPropertyDescriptor((express as unknown as { request: object }).request, 'session')).toBeUndefined();
  });

  it('an error handler after a failed open finds no session rather than the guard error', async () => {
    const store = new MapStore();
    const app = express();
    app.use(session(createSessions({ store, secret: TEST_SECRET })));
    app.post('/count', (request, response) => {
      request.session.set('count', 1);
      response.json({ ok: true });
    });
    const url = await start(app);
    const cookie = (await fetch(`${url}/count`, { method: 'POST' })).headers.get('set-cookie')!.split(';')[0]!;
    store.failing.add('get');
    const failed = await fetch(`${url}/count`, { method: 'POST', headers: { cookie } });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ name: 'StoreUnavailableError', hasSession: 'false' });
  });

  it('an assignment to req.session in a route the middleware did not see is kept as a plain property', async () => {
    const app = express();
    app.get('/assign', (request, response) => {
      (request as { session: unknown }).session = 'mine';
      response.json({ session: (request as { session: unknown }).session });
    });
    app.use(session(createSessions({ store: new MapStore(), secret: TEST_SECRET })));
    app.get('/', (_request, response) => response.json({}));
    const url = await start(app);
    await fetch(url);
    expect(await (await fetch(`${url}/assign`)).json()).toEqual({ session: 'mine' });
  });
});

describe('per-app typing', () => {
  it('types the session of `of` with the data the sessions were created with', () => {
    const accountSession = session(createSessions<Account>({ store: new MapStore(), secret: TEST_SECRET }));
    expectTypeOf(accountSession.of).returns.toEqualTypeOf<Session<Account>>();
    const check = (request: express5.Request) => {
      const current = accountSession.of(request);
      expectTypeOf(current.get('user')).toEqualTypeOf<string | undefined>();
      // @ts-expect-error: `usr` is not a key of Account
      current.get('usr');
      // @ts-expect-error: `visits` holds a number
      current.set('visits', 'many');
    };
    expect(typeof check).toBe('function');
  });

  it('refuses to be created without sessions, saying what it needs', () => {
    expect(() => (session as (value?: unknown) => unknown)()).toThrow(SessionConfigError);
    expect(() => (session as (value?: unknown) => unknown)()).toThrow(/createSessions/);
  });
});
