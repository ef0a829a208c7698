/**
 * The "Devices" part of the sample-app contract (the session registry) and the page's +1 button,
 * over real HTTP, against every app, once per store of E2E_STORES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_NAMES, startApps, type AppName, type RunningApp } from './demo-process.js';
import { setUpStore, storesToTest, type StoreName, type StoreSetup } from './store-setup.js';
import { Visitor } from './visitor.js';

const ACCEPT_JSON = { accept: 'application/json' };
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1';

interface Device {
  handle: string;
  current: boolean;
  device: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** A visitor whose every request carries `userAgent`. */
class Browser extends Visitor {
  constructor(readonly userAgent: string) {
    super();
  }
  override request(baseUrl: string, method: string, path: string, options: Parameters<Visitor['request']>[3] = {}) {
    return super.request(baseUrl, method, path, { ...options, headers: { 'user-agent': this.userAgent, ...options.headers } });
  }
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.each(storesToTest())('SESSION_STORE=%s', (store: StoreName) => {
  let setup: StoreSetup;
  let apps: Record<AppName, RunningApp>;
  const serverSide = store !== 'cookie';
  /** Tests that only one kind of session can pass are registered only for it (nothing is skipped). */
  const withRecords = serverSide ? it : () => undefined;
  const withCookies = serverSide ? () => undefined : it;

  beforeAll(async () => {
    setup = await setUpStore(store);
    try {
      apps = await startApps(setup.environment, setup.hint);
    } catch (error) {
      await setup.cleanup();
      throw error;
    }
  }, 60_000);

  afterAll(async () => {
    if (apps) await Promise.all(Object.values(apps).map((app) => app.stop()));
    await setup?.cleanup();
  });

  describe.each(APP_NAMES)('%s', (name: AppName) => {
    const url = (): string => apps[name].url;
    /** A user name no other test (or app, on a shared store) uses. */
    const someone = (): string => `${name} user ${Math.random().toString(36).slice(2, 10)}`;

    async function login(visitor: Visitor, user: string): Promise<void> {
      const response = await visitor.post(url(), '/login', { json: { username: user }, headers: ACCEPT_JSON });
      expect(response.status, response.text).toBe(200);
    }

    async function devices(visitor: Visitor): Promise<Device[]> {
      const response = await visitor.get(url(), '/api/devices');
      expect(response.status, response.text).toBe(200);
      return response.json<{ devices: Device[] }>().devices;
    }

    async function userOf(visitor: Visitor): Promise<string | null> {
      return (await visitor.get(url(), '/api/session')).json<{ user: string | null }>().user;
    }

    it('counts with the page\'s +1 button: POST /counter answers 303 to /', async () => {
      const visitor = new Visitor();
      for (let expected = 1; expected <= 2; expected++) {
        const response = await visitor.post(url(), '/counter', { form: {} });
        expect(response.status).toBe(303);
        expect(response.headers.get('location')).toBe('/');
        expect((await visitor.get(url(), '/api/session')).json().count).toBe(expected);
      }
      const page = await visitor.get(url(), '/');
      expect(page.text).toMatch(/<form method="post" action="\/counter"[^>]*>[\s\S]*?<button[^>]*>\+1<\/button>/);
      expect(page.text).toMatch(/<span id="count">2<\/span>/);
    });

    it('answers 401 to a visitor, with no cookie, on every devices route', async () => {
      const visitor = new Visitor();
      const list = await visitor.get(url(), '/api/devices');
      expect(list.status).toBe(401);
      expect(typeof list.json().error).toBe('string');
      expect(list.setCookies).toEqual([]);
      expect((await visitor.post(url(), '/api/logout-others')).status).toBe(401);
      expect((await visitor.post(url(), '/api/devices/revoke', { json: { handle: 'x'.repeat(43) } })).status).toBe(401);
    });

    it('lists the devices of the logged-in user, newest first, and never an ID', async () => {
      const user = someone();
      const laptop = new Browser(FIREFOX);
      const phone = new Browser(IPHONE);
      await login(laptop, user);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await login(phone, user);
      const listed = await devices(phone);
      const cookie = phone.jar.header()!;
      if (!serverSide) {
        // Cookie sessions know only the current one.
        expect(listed).toMatchObject([{ current: true, device: 'Safari on iPhone' }]);
        return;
      }
      expect(listed.map((entry) => [entry.device, entry.current])).toEqual([
        ['Safari on iPhone', true],
        ['Firefox on Linux', false],
      ]);
      for (const entry of listed) {
        expect(Object.keys(entry).sort()).toEqual(['createdAt', 'current', 'device', 'expiresAt', 'handle', 'lastSeenAt']);
        for (const time of [entry.createdAt, entry.lastSeenAt, entry.expiresAt]) expect(time).toMatch(ISO);
        expect(Date.parse(entry.expiresAt)).toBeGreaterThan(Date.now());
        expect(entry.handle.length).toBeGreaterThan(0);
        expect(cookie).not.toContain(entry.handle);
        expect(laptop.jar.header()).not.toContain(entry.handle);
      }
      // The page shows them too, with a revoke button for the other device only.
      const page = await phone.get(url(), '/');
      expect(page.text).toContain('Your devices');
      expect(page.text).toContain('Firefox on Linux');
      expect(page.text).toMatch(/<form method="post" action="\/devices\/revoke"[^>]*><input type="hidden" name="handle" value="[^"]+">/);
      expect(page.text.match(/action="\/devices\/revoke"/g)).toHaveLength(1);
      expect(page.text).toMatch(/<form method="post" action="\/logout-others"/);
    });

    withRecords("revokes one device of the user's, not someone else's, and the revoked one is logged out", async () => {
      const [ada, grace] = [someone(), someone()];
      const laptop = new Browser(FIREFOX);
      const phone = new Browser(IPHONE);
      const graces = new Browser(FIREFOX);
      await login(laptop, ada);
      await login(phone, ada);
      await login(graces, grace);
      const graceHandle = (await devices(graces))[0]!.handle;
      const other = (await devices(phone)).find((entry) => !entry.current)!;

      const refused = await phone.post(url(), '/api/devices/revoke', { json: { handle: graceHandle } });
      expect(refused.status).toBe(200);
      expect(refused.json()).toEqual({ revoked: false });
      expect(await userOf(graces)).toBe(grace);
      expect((await phone.post(url(), '/api/devices/revoke', { json: { handle: 'no-such-handle' } })).json()).toEqual({ revoked: false });

      // A handle sent as the session cookie is a new visitor.
      const thief = new Visitor();
      thief.jar.store([`sid=${other.handle}; Path=/`]);
      expect(await userOf(thief)).toBeNull();

      const revoked = await phone.post(url(), '/api/devices/revoke', { json: { handle: other.handle } });
      expect(revoked.status).toBe(200);
      expect(revoked.json()).toEqual({ revoked: true });
      expect(await userOf(laptop)).toBeNull();
      expect(await userOf(phone)).toBe(ada);
      expect((await devices(phone)).map((entry) => entry.current)).toEqual([true]);
    });

    withRecords('revokes from the page form with a 303, and signs out the other devices', async () => {
      const user = someone();
      const [laptop, phone, tablet] = [new Browser(FIREFOX), new Browser(IPHONE), new Browser(IPHONE)];
      for (const browser of [laptop, phone, tablet]) await login(browser, user);
      const handle = (await devices(phone)).find((entry) => entry.device === 'Firefox on Linux')!.handle;
      const form = await phone.post(url(), '/devices/revoke', { form: { handle } });
      expect(form.status).toBe(303);
      expect(form.headers.get('location')).toBe('/');
      expect(await userOf(laptop)).toBeNull();

      const others = await phone.post(url(), '/api/logout-others');
      expect(others.status).toBe(200);
      expect(others.json()).toEqual({ revoked: 1 });
      expect(await userOf(tablet)).toBeNull();
      expect(await userOf(phone)).toBe(user);
      await login(laptop, user);
      const page = await phone.post(url(), '/logout-others', { form: {} });
      expect(page.status).toBe(303);
      expect(await userOf(laptop)).toBeNull();
      expect(await devices(phone)).toHaveLength(1);
    });

    it('refuses a handle that is not a string of 1 to 200 characters with 400', async () => {
      const visitor = new Visitor();
      await login(visitor, someone());
      for (const handle of ['', 'x'.repeat(201), 42, null, ['a']]) {
        const response = await visitor.post(url(), '/api/devices/revoke', { json: { handle } });
        expect(response.status, JSON.stringify(handle)).toBe(400);
        expect(response.json().field).toBe('handle');
      }
      expect((await visitor.post(url(), '/api/devices/revoke', { json: {} })).status).toBe(400);
    });

    withCookies('answers 501 with a JSON error to revoke and logout-others with cookie sessions', async () => {
      const visitor = new Visitor();
      await login(visitor, someone());
      const handle = (await devices(visitor))[0]!.handle;
      for (const [path, options] of [
        ['/api/devices/revoke', { json: { handle } }],
        ['/devices/revoke', { form: { handle } }],
        ['/api/logout-others', {}],
        ['/logout-others', { form: {} }],
      ] as const) {
        const response = await visitor.post(url(), path, options);
        expect(response.status, path).toBe(501);
        expect(response.headers.get('content-type')).toContain('application/json');
        expect(response.json().error).toContain('cookie');
      }
      const page = await visitor.get(url(), '/');
      expect(page.text).toContain('Your devices');
      expect(page.text).not.toContain('action="/logout-others"');
      expect(await userOf(visitor)).not.toBeNull();
    });
  });
});
