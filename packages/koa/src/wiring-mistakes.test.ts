import { listen, MapStore, TEST_SECRET, type TestServer } from '@sess/adapter-test-suite';
import { createSessions, type Session } from '@sess/core';
import Koa3 from 'koa';
import Koa2 from 'koa2';
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

async function start(app: Koa3): Promise<string> {
  const server = await listen(app.callback());
  servers.push(server);
  return server.url;
}

/** The first middleware of an app: answers errors with their name and message, and tells whether a session was there. */
function reportErrors(app: Koa3): void {
  app.use(async (context, next) => {
    try {
      await next();
    } catch (error) {
      const failure = error as Error & { status?: number };
      context.status = failure.status ?? 500;
      const hasSession = Object.prototype.hasOwnProperty.call(context, 'session') ? String(context.session !== undefined) : 'none';
      context.body = { name: failure.name, message: failure.message, hasSession };
    }
  });
}

describe.each([
  ['koa 3', Koa3],
  ['koa 2', Koa2],
])('%s: wiring mistakes', (_name, Koa: typeof Koa3) => {
  it('a middleware registered before the session middleware gets an error that says to register it first', async () => {
    const app = new Koa();
    reportErrors(app);
    const accountSession = session(createSessions<Account>({ store: new MapStore(), secret: TEST_SECRET }));
    app.use(async (context, next) => {
      if (context.path === '/early') context.body = { count: context.session.get('count') ?? null };
      else if (context.path === '/early-of') context.body = { user: accountSession.of(context).get('user') ?? null };
      else await next();
    });
    app.use(accountSession);
    app.use((context) => {
      const current = accountSession.of(context);
      current.set('visits', (current.get('visits') ?? 0) + 1);
      context.body = { visits: current.get('visits') };
    });
    const url = await start(app);

    const beforeAny = (await (await fetch(`${url}/early-of`)).json()) as { name: string; message: string };
    expect(beforeAny.name).toBe('SessionConfigError');
    expect(beforeAny.message).toMatch(/ctx\.session is not set.*app\.use\(session\(…\)\) before the routes/);

    expect(await (await fetch(`${url}/late`)).json()).toEqual({ visits: 1 });
    const early = (await (await fetch(`${url}/early`)).json()) as { name: string; message: string };
    expect(early.name).toBe('SessionConfigError');
    expect(early.message).toMatch(/ctx\.session is not set/);
  });

  it('leaves the other apps of the process alone', async () => {
    const withSessions = new Koa();
    withSessions.use(session(createSessions({ store: new MapStore(), secret: TEST_SECRET })));
    withSessions.use((context) => {
      context.body = { has: context.session !== undefined };
    });
    const other = new Koa();
    other.use((context) => {
      context.body = { session: (context as { session?: unknown }).session ?? null };
    });
    expect(await (await fetch(await start(withSessions))).json()).toEqual({ has: true });
    expect(await (await fetch(await start(other))).json()).toEqual({ session: null });
  });

  it('an upstream error handler after a failed open finds no session rather than the guard error', async () => {
    const store = new MapStore();
    const app = new Koa();
    reportErrors(app);
    app.use(session(createSessions({ store, secret: TEST_SECRET })));
    app.use((context) => {
      context.session.set('count', 1);
      context.body = { ok: true };
    });
    const url = await start(app);
    const cookie = (await fetch(url, { method: 'POST' })).headers.get('set-cookie')!.split(';')[0]!;
    store.failing.add('get');
    const failed = await fetch(url, { method: 'POST', headers: { cookie } });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ name: 'StoreUnavailableError', hasSession: 'false' });
  });
});

describe('per-app typing', () => {
  it('types the session of `of` with the data the sessions were created with', () => {
    const accountSession = session(createSessions<Account>({ store: new MapStore(), secret: TEST_SECRET }));
    expectTypeOf(accountSession.of).returns.toEqualTypeOf<Session<Account>>();
    const app = new Koa3();
    app.use(accountSession);
    app.use((context) => {
      const current = accountSession.of(context);
      expectTypeOf(current.get('user')).toEqualTypeOf<string | undefined>();
      // @ts-expect-error: `usr` is not a key of Account
      current.get('usr');
      // @ts-expect-error: `visits` holds a number
      current.set('visits', 'many');
    });
    expect(app.middleware).toHaveLength(2);
  });
});
