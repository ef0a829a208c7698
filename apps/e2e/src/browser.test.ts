/**
 * The three apps in a real browser: Debian's Chromium, headless, driven by playwright-core (which
 * never downloads a browser of its own). One screenshot per app lands in `test-results/`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_NAMES, startApps, type AppName, type RunningApp } from './demo-process.js';
import { setUpStore, type StoreSetup } from './store-setup.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));

describe('in Chromium', () => {
  let browser: Browser;
  let setup: StoreSetup;
  let apps: Record<AppName, RunningApp>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}. Install Debian's: apt-get update && apt-get install -y chromium ` +
          '(or point CHROMIUM_PATH at a Chromium binary).',
      );
    }
    mkdirSync(RESULTS, { recursive: true });
    setup = await setUpStore('file');
    [browser, apps] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
      startApps(setup.environment),
    ]);
  }, 90_000);

  /**
   * Another origin on the same machine (a second loopback port: another origin, the same site)
   * whose page holds a login form that posts to `target`, as a forging site would.
   */
  async function forgingSite(target: string): Promise<{ url: string; close(): Promise<void> }> {
    const server: Server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><form id="forged" method="post" action="${new URL('/login', target).href}">` +
          '<input name="username" value="Mallory"><button>Log in</button></form>',
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  it.each(APP_NAMES)('%s: refuses the login form posted from another origin, accepts it from its own page', async (name) => {
    const context = await browser.newContext();
    const site = await forgingSite(apps[name].url);
    try {
      const page = await context.newPage();
      await page.goto(apps[name].url);
      await page.goto(site.url);
      const [answer] = await Promise.all([page.waitForResponse(new URL('/login', apps[name].url).href), page.click('#forged button')]);
      expect(answer.status()).toBe(403);
      expect(await answer.headerValue('content-type')).toContain('text/html');
      await page.goto(apps[name].url);
      expect(await page.textContent('#status')).toBe('You are not logged in');

      await page.fill('input[name="username"]', 'Ada Lovelace');
      await Promise.all([page.waitForURL(apps[name].url), page.click('#login-form button')]);
      expect(await page.textContent('#status')).toBe('Logged in as Ada Lovelace');
    } finally {
      await context.close();
      await site.close();
    }
  });

  afterAll(async () => {
    await browser?.close();
    if (apps) await Promise.all(Object.values(apps).map((app) => app.stop()));
    await setup?.cleanup();
  });

  it.each(APP_NAMES)('%s: log in, see the welcome once, fill the cart, log out', async (name) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(apps[name].url);
      expect(await page.textContent('#status')).toBe('You are not logged in');

      await page.fill('input[name="username"]', 'Ada Lovelace');
      await Promise.all([page.waitForURL(apps[name].url), page.click('#login-form button')]);
      expect(await page.textContent('#status')).toBe('Logged in as Ada Lovelace');
      expect(await page.locator('#flashes li').allTextContents()).toEqual(['Welcome, Ada Lovelace']);
      // The session cookie is HttpOnly: the page's scripts cannot read it.
      expect(await page.evaluate(() => document.cookie)).toBe('');
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'sid', httpOnly: true, sameSite: 'Lax' });

      await page.reload();
      expect(await page.locator('#flashes li').count()).toBe(0);
      expect(await page.textContent('#status')).toBe('Logged in as Ada Lovelace');

      for (const item of ['Tea', 'Biscuits <3']) {
        await page.fill('input[name="item"]', item);
        await Promise.all([page.waitForURL(apps[name].url), page.click('#cart-form button')]);
      }
      expect(await page.locator('#cart li').allTextContents()).toEqual(['Tea', 'Biscuits <3']);
      await page.screenshot({ path: `${RESULTS}${name}.png`, fullPage: true });

      await Promise.all([page.waitForURL(apps[name].url), page.click('#logout-form button')]);
      expect(await page.textContent('#status')).toBe('You are not logged in');
      expect(await page.locator('#cart li').count()).toBe(0);
      expect(await context.cookies()).toEqual([]);
      expect(existsSync(`${RESULTS}${name}.png`)).toBe(true);
    } finally {
      await context.close();
    }
  });
});
