/**
 * The configuration part of the contract, once per store of E2E_STORES: cookie name and `Secure`,
 * idle and absolute timeouts, secret rotation and `SESSION_LOCKING`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSetCookie } from './cookie-jar.js';
import { APP_NAMES, startApp, startApps, type AppName, type RunningApp } from './demo-process.js';
import { TEST_SECRET, isShared, setUpStore, storesToTest, type StoreName, type StoreSetup } from './store-setup.js';
import { Visitor } from './visitor.js';

const COOKIE = 'demo_sid';
const NEW_SECRET = 'e2e-rotated-secret-9876543210-zyxwvutsrqponmlkjihgfedcba';
const IDLE_SECONDS = 2;
const ABSOLUTE_SECONDS = 4;
const ACCEPT_JSON = { accept: 'application/json' };

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function userOf(visitor: Visitor, url: string): Promise<string | null> {
  const response = await visitor.get(url, '/api/session');
  expect(response.status, response.text).toBe(200);
  return response.json().user;
}

async function login(visitor: Visitor, url: string, username: string): Promise<void> {
  const response = await visitor.post(url, '/login', { json: { username }, headers: ACCEPT_JSON });
  expect(response.status, response.text).toBe(200);
}

/** A visitor holding `cookie` with no expiry of its own, so only the server decides whether it is alive. */
function replaying(cookie: string): Visitor {
  const visitor = new Visitor();
  visitor.jar.set(COOKIE, cookie);
  return visitor;
}

describe.each(storesToTest())('SESSION_STORE=%s, configured', (store: StoreName) => {
  let setup: StoreSetup;
  let apps: Record<AppName, RunningApp>;
  /** An app still signing with the old secret alone, on the same store. */
  let oldApp: RunningApp;

  beforeAll(async () => {
    setup = await setUpStore(store, {
      SESSION_COOKIE_NAME: COOKIE,
      SESSION_COOKIE_SECURE: 'true',
      SESSION_IDLE_TIMEOUT: String(IDLE_SECONDS),
      SESSION_ABSOLUTE_TIMEOUT: String(ABSOLUTE_SECONDS),
      SESSION_LOCKING: 'true',
      SESSION_SECRET: `${NEW_SECRET}, ${TEST_SECRET}`,
    });
    try {
      [apps, oldApp] = await Promise.all([
        startApps(setup.environment, setup.hint),
        startApp('express-demo', { ...setup.environment, SESSION_SECRET: TEST_SECRET }, setup.hint),
      ]);
    } catch (error) {
      if (apps) await Promise.all(Object.values(apps).map((app) => app.stop()));
      await setup.cleanup();
      throw error;
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...Object.values(apps ?? {}), ...(oldApp ? [oldApp] : [])].map((app) => app.stop()));
    await setup?.cleanup();
  });

  it.each(APP_NAMES)('%s names the cookie SESSION_COOKIE_NAME, marks it Secure and gives it the idle timeout', async (name) => {
    const response = await new Visitor().post(apps[name].url, '/api/counter');
    const header = response.setCookies.find((value) => value.startsWith(`${COOKIE}=`));
    expect(header, response.setCookies.join('\n')).toBeDefined();
    const cookie = parseSetCookie(header!);
    expect(cookie.attributes.has('secure')).toBe(true);
    expect(cookie.attributes.has('httponly')).toBe(true);
    expect(Number(cookie.attributes.get('max-age'))).toBeLessThanOrEqual(IDLE_SECONDS);
    expect(response.setCookies.some((value) => value.startsWith('sid='))).toBe(false);
  });

  // The timeout tests wait on the clock: run them side by side.
  it.concurrent.for(APP_NAMES)('%s ends a session after SESSION_IDLE_TIMEOUT seconds without a request', async (name, { expect }) => {
    const url = apps[name].url;
    const visitor = new Visitor();
    await login(visitor, url, 'idle');
    const cookie = visitor.jar.get(COOKIE)!;
    expect(await userOf(replaying(cookie), url)).toBe('idle');
    await sleep(IDLE_SECONDS * 1000 + 700);
    const page = await replaying(cookie).get(url, '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('You are not logged in');
  });

  it.concurrent.for(APP_NAMES)('%s ends an active session SESSION_ABSOLUTE_TIMEOUT seconds after login', async (name, { expect }) => {
    const url = apps[name].url;
    const visitor = new Visitor();
    await login(visitor, url, 'busy');
    const loggedInAt = Date.now();
    // Activity every 700 ms keeps the idle deadline away, past the idle timeout...
    while (Date.now() - loggedInAt < (IDLE_SECONDS + 1) * 1000) {
      expect(await userOf(visitor, url)).toBe('busy');
      await sleep(700);
    }
    // ...but not past the absolute one, even replaying the last cookie the app sent.
    const cookie = visitor.jar.get(COOKIE)!;
    await sleep(Math.max(0, loggedInAt + ABSOLUTE_SECONDS * 1000 + 700 - Date.now()));
    expect(await userOf(replaying(cookie), url)).toBeNull();
  });

  if (isShared(store)) {
    it('accepts cookies signed with an older secret of SESSION_SECRET (rotation), and signs with the first', async () => {
      const visitor = new Visitor();
      await login(visitor, oldApp.url, 'rotated');
      const oldCookie = visitor.jar.get(COOKIE)!;
      for (const name of APP_NAMES) {
        expect(await userOf(replaying(oldCookie), apps[name].url)).toBe('rotated');
      }
      // A new session signed by the rotated apps is unknown to an app that has only the old secret.
      const fresh = new Visitor();
      await login(fresh, apps['koa-demo'].url, 'new');
      expect(await userOf(fresh, apps['hono-demo'].url)).toBe('new');
      expect(await userOf(replaying(fresh.jar.get(COOKIE)!), oldApp.url)).toBeNull();
    });
  }

  if (store === 'cookie') {
    it('keeps no server state: concurrent requests of one cookie each see only their own copy', async () => {
      // Documents the nature of cookie sessions: SESSION_LOCKING cannot order requests across
      // copies of the cookie, so each response carries its own count.
      const visitor = new Visitor();
      await visitor.post(apps['express-demo'].url, '/api/counter');
      const cookie = visitor.jar.get(COOKIE)!;
      const counts = await Promise.all(
        APP_NAMES.map(async (name) => (await replaying(cookie).post(apps[name].url, '/api/counter')).json().count),
      );
      expect(counts).toEqual(APP_NAMES.map(() => 2));
    });
  } else {
    const across = isShared(store) ? APP_NAMES : (['express-demo'] as const);
    it(`SESSION_LOCKING=true queues concurrent requests of one session (${across.join(', ')}): no lost update`, async () => {
      const visitor = new Visitor();
      expect((await visitor.post(apps['express-demo'].url, '/api/counter')).json()).toEqual({ count: 1 });
      const cookie = visitor.jar.get(COOKIE)!;
      const requests = Array.from({ length: 24 }, (_, index) =>
        replaying(cookie).post(apps[across[index % across.length]!].url, '/api/counter'),
      );
      const responses = await Promise.all(requests);
      for (const response of responses) expect(response.status, response.text).toBe(200);
      const counts = responses.map((response) => response.json().count as number).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 24 }, (_, index) => index + 2));
      expect((await replaying(cookie).get(apps[across[0]!].url, '/api/session')).json().count).toBe(25);
    });
  }
});
