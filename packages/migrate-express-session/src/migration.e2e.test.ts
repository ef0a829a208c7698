/**
 * End to end: an Express app on express-session + connect-redis logs users in over real HTTP; the
 * same app switched to sess (@sess/express, @sess/store-redis) with `migrateFrom` keeps them
 * logged in, moves them to a sess cookie, and retires the old session.
 */
import { createSessions, type Session, type SessionValues } from '@sess/core';
import { session as sessSession } from '@sess/express';
import { RedisStore as SessRedisStore } from '@sess/store-redis';
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import express, { type Express } from 'express';
import expressSession from 'express-session';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressSessionSource, type ExpressSessionSourceOptions } from './express-session-source.js';
import { REDIS_URL, connectRedis, request, serve, uniquePrefix, type RunningApp } from './testing/http.js';

const OLD_SECRET = 'the secret the express-session app had';
const SESS_SECRET = 'a new secret of at least thirty-two bytes for sess';
const connectPrefix = uniquePrefix('migrate-connect');
const sessPrefix = uniquePrefix('migrate-sess');

type Values = Record<string, unknown>;

/**
 * `req.session` of the sess app. express-session's types and @sess/express's both declare
 * `Express.Request.session`, and this file loads both apps.
 */
const sessOf = (req: express.Request) => req.session as unknown as Session<SessionValues>;

/** The app before: express-session on connect-redis, as it is usually configured. */
function expressSessionApp(store: ConnectRedisStore, options: { maxAge?: number } = {}): Express {
  const app = express();
  app.use(
    expressSession({
      store,
      secret: [OLD_SECRET],
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: options.maxAge ?? 3_600_000 },
    }),
  );
  app.post('/login/:user', (req, res) => {
    const values = req.session as unknown as Values;
    values.user = req.params.user;
    values.cart = ['apple', { sku: 'pear', count: 2 }];
    res.json({ user: values.user });
  });
  app.get('/me', (req, res) => {
    const values = req.session as unknown as Values;
    res.json({ user: values.user ?? null, cart: values.cart ?? null });
  });
  return app;
}

/** The app after: the same routes on sess, taking over express-session's sessions. */
function sessApp(migration: Partial<ExpressSessionSourceOptions> & Pick<ExpressSessionSourceOptions, 'store'>): Express {
  return sessAppWith(migration).app;
}

/** {@link sessApp} and its session interface. */
function sessAppWith(migration: Partial<ExpressSessionSourceOptions> & Pick<ExpressSessionSourceOptions, 'store'>) {
  const sessions = createSessions({
    store: new SessRedisStore({ url: REDIS_URL, prefix: sessPrefix }),
    secret: SESS_SECRET,
    migrateFrom: expressSessionSource({ secret: OLD_SECRET, ...migration }),
  });
  const app = express();
  app.use(sessSession(sessions));
  app.get('/me', (req, res) => {
    const session = sessOf(req);
    res.json({ user: session.get('user') ?? null, cart: session.get('cart') ?? null });
  });
  app.post('/logout', (req, res) => {
    sessOf(req).destroy();
    res.json({ user: null });
  });
  return { app, sessions };
}

// Each test starts several apps and sends a dozen requests: room for a busy machine.
describe('moving an express-session + connect-redis app to sess', { timeout: 30_000 }, () => {
  let client: Awaited<ReturnType<typeof connectRedis>>;
  let connectStore: ConnectRedisStore;
  const running: RunningApp[] = [];

  beforeAll(async () => {
    client = await connectRedis();
    connectStore = new ConnectRedisStore({ client, prefix: connectPrefix });
  });

  afterAll(async () => {
    await Promise.all(running.map((app) => app.close()));
    for (const prefix of [connectPrefix, sessPrefix]) {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length > 0) await client.del(keys);
    }
    client.destroy();
  });

  async function start(app: Express): Promise<RunningApp> {
    const started = await serve(app);
    running.push(started);
    return started;
  }

  /** Logs `user` in on the express-session app; returns its cookie (`connect.sid=s%3A...`). */
  async function loginOnExpressSession(before: RunningApp, user: string): Promise<string> {
    const login = await request(`${before.url}/login/${user}`, { method: 'POST' });
    expect(login.status).toBe(200);
    const value = login.cookies.get('connect.sid');
    expect(value).toMatch(/^s%3A/);
    const cookie = `connect.sid=${value}`;
    expect((await request(`${before.url}/me`, { cookies: [cookie] })).body).toMatchObject({ user });
    return cookie;
  }

  it('keeps the user logged in, sets a sess cookie, and the sess cookie alone works afterwards', async () => {
    const before = await start(expressSessionApp(connectStore));
    const legacyCookie = await loginOnExpressSession(before, 'ada');
    const sid = decodeURIComponent(legacyCookie.split('=')[1]!).slice(2).split('.')[0]!;
    expect(await client.exists(`${connectPrefix}${sid}`)).toBe(1);

    const after = await start(sessApp({ store: connectStore }));
    const first = await request(`${after.url}/me`, { cookies: [legacyCookie] });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ user: 'ada', cart: ['apple', { sku: 'pear', count: 2 }] });
    const sessValue = first.cookies.get('sid');
    expect(sessValue).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+$/);
    // A new ID: nothing of the old one survives in the sess cookie.
    expect(sessValue).not.toContain(sid);

    const next = await request(`${after.url}/me`, { cookies: [`sid=${sessValue}`] });
    expect(next.body).toEqual({ user: 'ada', cart: ['apple', { sku: 'pear', count: 2 }] });

    // The old record is retired: the old cookie alone no longer logs anyone in.
    expect(await client.exists(`${connectPrefix}${sid}`)).toBe(0);
    expect((await request(`${after.url}/me`, { cookies: [legacyCookie] })).body).toEqual({ user: null, cart: null });

    // And a logout in sess stays a logout, even for a browser that still sends both cookies.
    const logout = await request(`${after.url}/logout`, { method: 'POST', cookies: [`sid=${sessValue}`, legacyCookie] });
    expect(logout.status).toBe(200);
    expect((await request(`${after.url}/me`, { cookies: [legacyCookie] })).body).toEqual({ user: null, cart: null });
  });

  it('serves users of both apps during a rolling deploy with afterMigration: keep', async () => {
    const before = await start(expressSessionApp(connectStore));
    const legacyCookie = await loginOnExpressSession(before, 'grace');
    const after = await start(sessApp({ store: connectStore, afterMigration: 'keep' }));
    const first = await request(`${after.url}/me`, { cookies: [legacyCookie] });
    expect(first.body).toMatchObject({ user: 'grace' });
    expect(first.cookies.get('sid')).toBeDefined();
    // The instance still on express-session keeps serving the same user.
    expect((await request(`${before.url}/me`, { cookies: [legacyCookie] })).body).toMatchObject({ user: 'grace' });
  });

  it('refuses a forged, tampered or foreign cookie and an expired session', async () => {
    const before = await start(expressSessionApp(connectStore));
    const legacyCookie = await loginOnExpressSession(before, 'mallory');
    const after = await start(sessApp({ store: connectStore, afterMigration: 'keep' }));
    const [name, value] = legacyCookie.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const sid = decoded.slice(2, decoded.lastIndexOf('.'));
    const tampered = [
      `${name}=${encodeURIComponent(`s:${sid}.${'A'.repeat(43)}`)}`, // signature replaced
      `${name}=${encodeURIComponent(`s:${sid}x${decoded.slice(decoded.lastIndexOf('.'))}`)}`, // ID changed
      `${name}=${encodeURIComponent(sid)}`, // unsigned
    ];
    for (const cookie of tampered) {
      const answer = await request(`${after.url}/me`, { cookies: [cookie] });
      expect(answer.body, cookie).toEqual({ user: null, cart: null });
      expect(answer.cookies.has('sid'), cookie).toBe(false);
    }

    // Signed with a secret the app never had.
    const foreign = await start(sessApp({ store: connectStore, secret: 'some other secret', afterMigration: 'keep' }));
    expect((await request(`${foreign.url}/me`, { cookies: [legacyCookie] })).body).toEqual({ user: null, cart: null });

    // An express-session whose cookie has expired while the store still has it (no TTL in Redis).
    const keepForever = new ConnectRedisStore({ client, prefix: connectPrefix, disableTTL: true });
    const shortLived = await start(expressSessionApp(keepForever, { maxAge: 1_000 }));
    const expiring = await loginOnExpressSession(shortLived, 'expired');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const expiringSid = decodeURIComponent(expiring.split('=')[1]!).slice(2).split('.')[0]!;
    expect(await client.exists(`${connectPrefix}${expiringSid}`)).toBe(1);
    const late = await start(sessApp({ store: keepForever, afterMigration: 'keep' }));
    expect((await request(`${late.url}/me`, { cookies: [expiring] })).body).toEqual({ user: null, cart: null });
  });

  it('accepts every secret of a rotated list and applies transform and owner', async () => {
    const before = await start(expressSessionApp(connectStore));
    const legacyCookie = await loginOnExpressSession(before, 'linus');
    const { app, sessions } = sessAppWith({
        store: connectStore,
        secret: ['a newer express-session secret', OLD_SECRET],
        transform: ({ user, cart }) => ({ user: `migrated:${String(user)}`, cart }),
        owner: (data) => String(data.user),
    });
    const after = await start(app);
    const first = await request(`${after.url}/me`, { cookies: [legacyCookie] });
    expect(first.body).toMatchObject({ user: 'migrated:linus' });
    const sessCookie = `sid=${first.cookies.get('sid')}`;
    expect((await request(`${after.url}/me`, { cookies: [sessCookie] })).body).toMatchObject({ user: 'migrated:linus' });
    // The owner was recorded: "log out everywhere" ends the migrated session.
    expect(await sessions.destroyAll('migrated:linus')).toBe(1);
    expect((await request(`${after.url}/me`, { cookies: [sessCookie] })).body).toEqual({ user: null, cart: null });
  });
});
