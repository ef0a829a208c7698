/**
 * The sample-app contract (shared/spec/demo-app-contract.md), over real HTTP, against the three
 * apps, once per store of E2E_STORES. Each store's apps run only during that store's block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSetCookie } from './cookie-jar.js';
import { APP_NAMES, startApps, type AppName, type RunningApp } from './demo-process.js';
import { NETWORK_STORES, isShared, setUpStore, storesToTest, type StoreName, type StoreSetup } from './store-setup.js';
import { Visitor, type VisitResponse } from './visitor.js';

const COOKIE = 'sid';
const IDLE_TIMEOUT = 1800;

/** A JSON request's headers. */
const ACCEPT_JSON = { accept: 'application/json' };

function sessionCookie(response: VisitResponse): string | undefined {
  const header = response.setCookies.find((value) => value.startsWith(`${COOKIE}=`));
  return header;
}

function expectNoSessionCookie(response: VisitResponse): void {
  expect(response.setCookies.filter((value) => value.startsWith(`${COOKIE}=`))).toEqual([]);
}

/** Never a 500 for a client's mistake: the status and, for JSON, an error naming the field. */
function expectRefused(response: VisitResponse, status: number, field?: string): void {
  expect(response.status, response.text).toBe(status);
  if (response.headers.get('content-type')?.includes('json')) {
    const body = response.json<{ error: string; field?: string }>();
    expect(typeof body.error).toBe('string');
    if (field !== undefined) {
      expect(body.field).toBe(field);
      expect(body.error).toContain(field);
    }
  } else if (field !== undefined) {
    expect(response.text).toContain(field);
  }
}

async function login(visitor: Visitor, url: string, username: string): Promise<VisitResponse> {
  const response = await visitor.post(url, '/login', { json: { username }, headers: ACCEPT_JSON });
  expect(response.status, response.text).toBe(200);
  expect(response.json()).toEqual({ user: username });
  return response;
}

async function sessionOf(visitor: Visitor, url: string): Promise<{ user: string | null; count: number; cart: string[] }> {
  const response = await visitor.get(url, '/api/session');
  expect(response.status, response.text).toBe(200);
  return response.json();
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `value` with the character at `index` replaced by another base64url character. */
function tamper(value: string, index: number): string {
  const position = BASE64URL.indexOf(value[index]!);
  const replacement = BASE64URL[(position + 17) % 64]!;
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

/**
 * `value` whose last character differs only in the bits base64url discards (43 characters carry
 * 258 bits for 256): a lenient decoder reads the same bytes, but it is not the cookie that was issued.
 */
function nonCanonicalEnding(value: string): string {
  const position = BASE64URL.indexOf(value.at(-1)!);
  return value.slice(0, -1) + BASE64URL[position ^ 1]!;
}

const stores = storesToTest();

describe.each(stores)('SESSION_STORE=%s', (store: StoreName) => {
  let setup: StoreSetup;
  let apps: Record<AppName, RunningApp>;

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

    it('answers /healthz with 200 JSON', async () => {
      const response = await new Visitor().get(url(), '/healthz');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.json()).toMatchObject({ status: 'ok', store });
    });

    it('renders the page for a new visitor without creating a session', async () => {
      const response = await new Visitor().get(url(), '/');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.text).toContain('You are not logged in');
      expect(response.text).toMatch(/<span id="count">0<\/span>/);
      expect(response.text).toMatch(/<form method="post" action="\/login"[^>]*>[\s\S]*?name="username"/);
      expect(response.text).toMatch(/<form method="post" action="\/logout"/);
      expect(response.text).toMatch(/<form method="post" action="\/cart"[^>]*>[\s\S]*?name="item"/);
      expectNoSessionCookie(response);
      if (store === 'cookie') expect(response.text).toContain('cannot revoke a copy of the cookie');
      else expect(response.text).not.toContain('cannot revoke a copy of the cookie');
    });

    it('GET /api/session reads only: no cookie for a visitor without one', async () => {
      const visitor = new Visitor();
      const response = await visitor.get(url(), '/api/session');
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ user: null, count: 0, cart: [] });
      expectNoSessionCookie(response);
      const again = await visitor.get(url(), '/api/flash');
      expect(again.json()).toEqual({ messages: [] });
      expectNoSessionCookie(again);
    });

    it('sets an HttpOnly, SameSite=Lax session cookie with the idle timeout as Max-Age', async () => {
      const response = await new Visitor().post(url(), '/api/counter');
      expect(response.status).toBe(200);
      const header = sessionCookie(response);
      expect(header).toBeDefined();
      const cookie = parseSetCookie(header!);
      expect(cookie.value.length).toBeGreaterThan(20);
      expect(cookie.attributes.has('httponly')).toBe(true);
      expect(cookie.attributes.get('samesite')?.toLowerCase()).toBe('lax');
      expect(cookie.attributes.get('path')).toBe('/');
      expect(cookie.attributes.has('secure')).toBe(false);
      const maxAge = Number(cookie.attributes.get('max-age'));
      expect(maxAge).toBeGreaterThan(IDLE_TIMEOUT - 10);
      expect(maxAge).toBeLessThanOrEqual(IDLE_TIMEOUT);
    });

    it('counts with POST /api/counter only', async () => {
      const visitor = new Visitor();
      for (const expected of [1, 2, 3]) {
        const response = await visitor.post(url(), '/api/counter');
        expect(response.json()).toEqual({ count: expected });
      }
      await visitor.get(url(), '/');
      await visitor.get(url(), '/api/session');
      expect((await sessionOf(visitor, url())).count).toBe(3);
      expect((await visitor.get(url(), '/')).text).toMatch(/<span id="count">3<\/span>/);
    });

    it('changes the session ID at login and keeps the data so far', async () => {
      const visitor = new Visitor();
      await visitor.post(url(), '/api/cart', { json: { item: 'tea' } });
      const before = visitor.jar.get(COOKIE);
      expect(before).toBeDefined();
      const response = await login(visitor, url(), 'ada');
      const after = visitor.jar.get(COOKIE);
      expect(sessionCookie(response)).toBeDefined();
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
      expect(await sessionOf(visitor, url())).toEqual({ user: 'ada', count: 0, cart: ['tea'] });

      // The cookie from before the login is not logged in.
      const old = new Visitor();
      old.jar.set(COOKIE, before!);
      const replay = await sessionOf(old, url());
      expect(replay.user).toBeNull();
      // Server-side, the old record is gone; a cookie session carries its (pre-login) data itself.
      expect(replay.cart).toEqual(store === 'cookie' ? ['tea'] : []);
    });

    it('logs in with a form: 303 to /, the name on the page and the welcome flash once', async () => {
      const visitor = new Visitor();
      const response = await visitor.post(url(), '/login', { form: { username: '  Grace Hopper  ' } });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
      const page = await visitor.get(url(), '/');
      expect(page.text).toContain('Logged in as Grace Hopper');
      expect(page.text).toContain('Welcome, Grace Hopper');
      const reload = await visitor.get(url(), '/');
      expect(reload.text).toContain('Logged in as Grace Hopper');
      expect(reload.text).not.toContain('Welcome, Grace Hopper');
    });

    it('logs out: the session is destroyed, the cookie expired, and a replayed cookie is not logged in', async () => {
      const visitor = new Visitor();
      await login(visitor, url(), 'linus');
      await visitor.post(url(), '/api/cart', { json: { item: 'coffee' } });
      const loggedIn = visitor.jar.get(COOKIE)!;
      const response = await visitor.post(url(), '/logout', { headers: ACCEPT_JSON });
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({ user: null });
      const expired = parseSetCookie(sessionCookie(response)!);
      expect(expired.expiresAt! <= Date.now()).toBe(true);
      expect(visitor.jar.get(COOKIE)).toBeUndefined();
      expect(await sessionOf(visitor, url())).toEqual({ user: null, count: 0, cart: [] });

      const thief = new Visitor();
      thief.jar.set(COOKIE, loggedIn);
      const replay = await sessionOf(thief, url());
      if (store === 'cookie') {
        // The documented limit of cookie sessions: a copy kept from before the logout still works.
        expect(replay.user).toBe('linus');
      } else {
        expect(replay).toEqual({ user: null, count: 0, cart: [] });
      }
    });

    it('logs out with a form: 303 to /, then "You are not logged in"', async () => {
      const visitor = new Visitor();
      await login(visitor, url(), 'barbara');
      const response = await visitor.post(url(), '/logout', { form: {} });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/');
      expect((await visitor.get(url(), '/')).text).toContain('You are not logged in');
    });

    it('serves a tampered or garbage cookie as a new visitor', async () => {
      const visitor = new Visitor();
      await login(visitor, url(), 'mallory');
      const value = visitor.jar.get(COOKIE)!;
      const forgeries = [
        tamper(value, 0), // the ID
        tamper(value, value.length - 10), // the signature
        value.slice(0, -1),
        value + 'A',
        'garbage',
        '',
        'x.y',
        '%zz',
        value + value,
      ];
      if (store === 'cookie') forgeries.push(tamper(value, Math.floor(value.length / 2)));
      for (const forged of forgeries) {
        const stranger = new Visitor();
        stranger.jar.set(COOKIE, forged);
        const page = await stranger.get(url(), '/');
        expect(page.status, `cookie ${JSON.stringify(forged)}`).toBe(200);
        expect(page.text, `cookie ${JSON.stringify(forged)} of ${JSON.stringify(value)}`).toContain('You are not logged in');
        expect(await sessionOf(stranger, url())).toEqual({ user: null, count: 0, cart: [] });
      }
      // The real cookie still works.
      expect((await sessionOf(visitor, url())).user).toBe('mallory');
    });

    it('serves a cookie whose last character differs only in base64url padding bits as a new visitor', async () => {
      // Such a cookie decodes to the same bytes under a lenient decoder, but it is not the value the
      // app issued: a tampered cookie, which the contract says is served as a new visitor.
      const visitor = new Visitor();
      await login(visitor, url(), 'mallory');
      const value = visitor.jar.get(COOKIE)!;
      const stranger = new Visitor();
      stranger.jar.set(COOKIE, nonCanonicalEnding(value));
      expect(await sessionOf(stranger, url()), `cookie ${nonCanonicalEnding(value)} of ${value}`).toEqual({ user: null, count: 0, cart: [] });
    });

    it('refuses bad names with 400 naming the field, never a 500', async () => {
      const visitor = new Visitor();
      const bad: unknown[] = ['', '   ', '\t\n', 'x'.repeat(65), '😀'.repeat(65), 42, null, true, ['ada'], { name: 'ada' }];
      for (const username of bad) {
        const response = await visitor.post(url(), '/login', { json: { username }, headers: ACCEPT_JSON });
        expectRefused(response, 400, 'username');
      }
      expectRefused(await visitor.post(url(), '/login', { json: {}, headers: ACCEPT_JSON }), 400, 'username');
      expectRefused(await visitor.post(url(), '/login', { form: {} }), 400, 'username');
      expectRefused(await visitor.post(url(), '/login', { form: { username: ' ' } }), 400, 'username');
      expectRefused(await visitor.post(url(), '/login', { body: 'username=a&username=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 'username');
      // A JSON body gets a JSON answer even without Accept.
      const jsonError = await visitor.post(url(), '/login', { json: { username: '' } });
      expect(jsonError.headers.get('content-type')).toContain('application/json');
      expectRefused(jsonError, 400, 'username');
      // A form gets an HTML error page.
      const htmlError = await visitor.post(url(), '/login', { form: { username: '' } });
      expect(htmlError.headers.get('content-type')).toContain('text/html');
      // Nothing of this logged anyone in.
      expect((await sessionOf(visitor, url())).user).toBeNull();
      // 64 code points (128 UTF-16 units) is still a name.
      await login(visitor, url(), '😀'.repeat(64));
    });

    it('refuses malformed bodies: 400 for bad JSON, 415 for other types, 413 when too large', async () => {
      const visitor = new Visitor();
      for (const path of ['/login', '/cart', '/api/cart', '/api/flash']) {
        const malformed = await visitor.post(url(), path, { body: '{"username": ', headers: { 'content-type': 'application/json' } });
        expectRefused(malformed, 400);
        expect(malformed.headers.get('content-type')).toContain('application/json');
        expectRefused(await visitor.post(url(), path, { body: '[1,2]', headers: { 'content-type': 'application/json' } }), 400);
        expectRefused(await visitor.post(url(), path, { body: '"ada"', headers: { 'content-type': 'application/json' } }), 400);
        expectRefused(await visitor.post(url(), path, { body: 'username=ada', headers: { 'content-type': 'text/plain' } }), 415);
        expectRefused(await visitor.post(url(), path, { body: 'username=ada', headers: { 'content-type': 'application/xml' } }), 415);
        expectRefused(
          await visitor.post(url(), path, {
            body: '--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nada\r\n--x--\r\n',
            headers: { 'content-type': 'multipart/form-data; boundary=x' },
          }),
          415,
        );
        const huge = await visitor.post(url(), path, { json: { username: 'a'.repeat(100_000), item: 'a', message: 'a' } });
        expectRefused(huge, 413);
      }
      expect((await sessionOf(visitor, url())).user).toBeNull();
    });

    it('keeps a cart: form and JSON, bad items refused, DELETE empties it', async () => {
      const visitor = new Visitor();
      const form = await visitor.post(url(), '/cart', { form: { item: 'apples' } });
      expect(form.status).toBe(303);
      expect(form.headers.get('location')).toBe('/');
      const first = await visitor.post(url(), '/api/cart', { json: { item: '  pears ' } });
      expect(first.json()).toEqual({ cart: ['apples', 'pears'] });
      const second = await visitor.post(url(), '/cart', { json: { item: 'plums' }, headers: ACCEPT_JSON });
      expect(second.json()).toEqual({ cart: ['apples', 'pears', 'plums'] });
      for (const item of ['', ' ', 'x'.repeat(65), 7, null, ['a']]) {
        expectRefused(await visitor.post(url(), '/api/cart', { json: { item } }), 400, 'item');
      }
      expectRefused(await visitor.post(url(), '/cart', { form: { thing: 'x' } }), 400, 'item');
      expect((await sessionOf(visitor, url())).cart).toEqual(['apples', 'pears', 'plums']);
      const page = await visitor.get(url(), '/');
      expect(page.text).toMatch(/<li>apples<\/li>\s*<li>pears<\/li>\s*<li>plums<\/li>/);
      const cleared = await visitor.delete(url(), '/api/cart');
      expect(cleared.status).toBe(200);
      expect(cleared.json()).toEqual({ cart: [] });
      expect((await sessionOf(visitor, url())).cart).toEqual([]);
    });

    if (store === 'cookie') {
      it('answers 413 when the session would no longer fit in a cookie, and keeps the session as it was', async () => {
        const visitor = new Visitor();
        const item = '😀'.repeat(64); // 256 bytes of UTF-8 per item
        let refused: VisitResponse | undefined;
        let kept = 0;
        for (let index = 0; index < 50 && refused === undefined; index++) {
          const response = await visitor.post(url(), '/api/cart', { json: { item } });
          if (response.status === 200) kept++;
          else refused = response;
        }
        expect(refused, 'a 4 KiB cookie cannot hold 50 items of 256 bytes').toBeDefined();
        expectRefused(refused!, 413);
        expect(refused!.json().code).toBe('session_too_large');
        expect((await sessionOf(visitor, url())).cart).toHaveLength(kept);
      });
    } else {
      it('caps the cart at 50 items with a 400, so a session cannot grow without bound', async () => {
        const visitor = new Visitor();
        for (let index = 1; index <= 50; index++) {
          const response = await visitor.post(url(), '/api/cart', { json: { item: `item ${index}` } });
          expect(response.status, response.text).toBe(200);
        }
        expectRefused(await visitor.post(url(), '/api/cart', { json: { item: 'one too many' } }), 400, 'item');
        expect((await sessionOf(visitor, url())).cart).toHaveLength(50);
      });
    }

    it('shows flash messages once, through the API and on the page', async () => {
      const visitor = new Visitor();
      expect((await visitor.post(url(), '/api/flash', { json: { message: 'first' } })).json()).toEqual({ queued: 1 });
      expect((await visitor.post(url(), '/api/flash', { json: { message: 'second' } })).json()).toEqual({ queued: 2 });
      expect((await visitor.get(url(), '/api/flash')).json()).toEqual({ messages: ['first', 'second'] });
      expect((await visitor.get(url(), '/api/flash')).json()).toEqual({ messages: [] });

      await visitor.post(url(), '/api/flash', { json: { message: 'for the page' } });
      expect((await visitor.get(url(), '/')).text).toContain('for the page');
      expect((await visitor.get(url(), '/')).text).not.toContain('for the page');
      expect((await visitor.get(url(), '/api/flash')).json()).toEqual({ messages: [] });

      for (const message of ['', '  ', 'm'.repeat(201), 3, null]) {
        expectRefused(await visitor.post(url(), '/api/flash', { json: { message } }), 400, 'message');
      }
      expect((await visitor.post(url(), '/api/flash', { json: { message: 'm'.repeat(200) } })).json()).toEqual({ queued: 1 });
    });

    it('escapes every user value in the page', async () => {
      const visitor = new Visitor();
      const name = '<script>alert("name")</script>';
      const item = '"><img src=x onerror=alert(1)>';
      await login(visitor, url(), name);
      await visitor.post(url(), '/api/cart', { json: { item } });
      await visitor.post(url(), '/api/flash', { json: { message: '<b>bold</b> & co' } });
      const page = (await visitor.get(url(), '/')).text;
      expect(page).not.toContain('<script>');
      expect(page).not.toContain('<img');
      expect(page).not.toContain('<b>bold');
      expect(page).toContain('Logged in as &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
      expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(page).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; co');
    });

    it('answers an unknown route with 404, not 500', async () => {
      const response = await new Visitor().get(url(), '/no/such/page', { headers: ACCEPT_JSON });
      expect(response.status).toBe(404);
      expect(response.json().error).toBeTypeOf('string');
    });

    it('refuses cross-site POST and DELETE requests with 403 before anything is changed', async () => {
      const visitor = new Visitor();
      await login(visitor, url(), 'ada');
      expect((await visitor.post(url(), '/api/cart', { json: { item: 'tea' } })).status).toBe(200);
      const other = new URL(url());
      other.port = String(Number(other.port) + 1);
      const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
      const form = await visitor.post(url(), '/logout', { form: {}, headers: crossSite });
      expect(form.status).toBe(403);
      expect(form.headers.get('content-type')).toContain('text/html');
      expectNoSessionCookie(form);
      const attempts = [
        await visitor.post(url(), '/api/counter', { headers: { ...ACCEPT_JSON, origin: other.origin } }),
        await visitor.post(url(), '/api/cart', { json: { item: 'forged' }, headers: { 'sec-fetch-site': 'same-site', origin: other.origin } }),
        await visitor.delete(url(), '/api/cart', { headers: { ...ACCEPT_JSON, ...crossSite } }),
        await visitor.post(url(), '/login', { json: { username: 'mallory' }, headers: crossSite }),
      ];
      for (const response of attempts) {
        expectRefused(response, 403);
        expect(response.json().error).toBeTypeOf('string');
        expectNoSessionCookie(response);
      }
      expect(await sessionOf(visitor, url())).toEqual({ user: 'ada', count: 0, cart: ['tea'] });
    });

    it('serves POSTs from its own origin, and clients that send neither Origin nor Sec-Fetch-Site', async () => {
      const visitor = new Visitor();
      const own = { 'sec-fetch-site': 'same-origin', origin: new URL(url()).origin };
      const response = await visitor.post(url(), '/login', { form: { username: 'ada' }, headers: own });
      expect(response.status, response.text).toBe(303);
      expect((await visitor.post(url(), '/api/counter', { headers: { origin: new URL(url()).origin } })).json()).toEqual({ count: 1 });
      expect((await visitor.post(url(), '/api/counter')).json()).toEqual({ count: 2 });
      expect((await sessionOf(visitor, url())).user).toBe('ada');
    });

    it('refuses a cross-site login for a visitor without a session, and sets no cookie', async () => {
      const response = await new Visitor().post(url(), '/login', { form: { username: 'mallory' }, headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
      expect(response.status).toBe(403);
      expectNoSessionCookie(response);
    });
  });

  describe('across apps (one store, one secret)', () => {
    const pairs = APP_NAMES.flatMap((from) => APP_NAMES.filter((to) => to !== from).map((to) => [from, to] as const));

    if (isShared(store)) {
      it.each(pairs)('a login on %s is a login on %s', async (from, to) => {
        const visitor = new Visitor();
        await login(visitor, apps[from].url, `user-of-${from}`);
        await visitor.post(apps[to].url, '/api/cart', { json: { item: `added on ${to}` } });
        expect(await sessionOf(visitor, apps[to].url)).toEqual({ user: `user-of-${from}`, count: 0, cart: [`added on ${to}`] });
        expect((await sessionOf(visitor, apps[from].url)).cart).toEqual([`added on ${to}`]);
        await visitor.post(apps[to].url, '/logout', { headers: ACCEPT_JSON });
        expect((await sessionOf(visitor, apps[from].url)).user).toBeNull();
      });
    } else {
      it.each(pairs)('memory sessions are per process: a login on %s is unknown to %s', async (from, to) => {
        const visitor = new Visitor();
        await login(visitor, apps[from].url, `user-of-${from}`);
        const page = await visitor.get(apps[to].url, '/');
        expect(page.status).toBe(200);
        expect(page.text).toContain('You are not logged in');
        expect((await sessionOf(visitor, apps[from].url)).user).toBe(`user-of-${from}`);
      });
    }
  });

  if (NETWORK_STORES.includes(store)) {
    describe('while the store is down', () => {
      it.each(['hang', 'refuse'] as const)(
        'answers 503 JSON within 2 s when the server does not answer (%s), and serves again once it is back',
        async (failure) => {
          const visitor = new Visitor();
          await login(visitor, apps['express-demo'].url, 'patient');
          await (failure === 'hang' ? setup.proxy!.freeze() : setup.proxy!.cut());
          try {
            // All at once: each waits for the store's timeout, and they must not queue behind each other.
            const checks = APP_NAMES.flatMap((name) =>
              ([['GET', '/api/session'], ['POST', '/api/counter'], ['GET', '/healthz']] as const).map(async ([method, path]) => {
                const response = await visitor.request(apps[name].url, method, path);
                const label = `${name} ${method} ${path}: ${response.text}`;
                expect(response.status, label).toBe(503);
                expect(response.headers.get('content-type'), label).toContain('application/json');
                expect(response.json().error, label).toBeTypeOf('string');
                expect(response.elapsedMs, label).toBeLessThan(2000);
              }),
            );
            await Promise.all(checks);
          } finally {
            await setup.proxy!.restore();
          }
          for (const name of APP_NAMES) {
            const url = apps[name].url;
            const deadline = Date.now() + 15_000;
            let status = 0;
            while (Date.now() < deadline) {
              status = (await visitor.get(url, '/healthz')).status;
              if (status === 200) break;
              await new Promise((resolve) => setTimeout(resolve, 250));
            }
            expect(status, `${name} /healthz after the store came back`).toBe(200);
            expect((await sessionOf(visitor, url)).user).toBe('patient');
          }
        },
        60_000,
      );
    });
  }
});
