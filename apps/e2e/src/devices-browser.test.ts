/**
 * The device list in a real browser (Debian's Chromium, headless, through playwright-core): the
 * same user signs in from two browser contexts, ends one from the other's page, and the ended one
 * is logged out.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_NAMES, startApps, type AppName, type RunningApp } from './demo-process.js';
import { setUpStore, type StoreSetup } from './store-setup.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'];
const LAPTOP = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1';

describe('the device list, in Chromium', () => {
  let browser: Browser;
  let setup: StoreSetup;
  let apps: Record<AppName, RunningApp>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    }
    setup = await setUpStore('file');
    [browser, apps] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS }),
      startApps(setup.environment),
    ]);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (apps) await Promise.all(Object.values(apps).map((app) => app.stop()));
    await setup?.cleanup();
  });

  async function signIn(context: BrowserContext, url: string, user: string) {
    const page = await context.newPage();
    await page.goto(url);
    await page.fill('input[name="username"]', user);
    await Promise.all([page.waitForURL(url), page.click('#login-form button')]);
    expect(await page.textContent('#status')).toBe(`Logged in as ${user}`);
    return page;
  }

  it.each(APP_NAMES)('%s: signs in on two browsers, ends the other from one page, and the other is logged out', async (name) => {
    const url = apps[name].url;
    const user = `Ada ${name}`;
    const [laptop, phone] = await Promise.all([browser.newContext({ userAgent: LAPTOP }), browser.newContext({ userAgent: PHONE })]);
    try {
      const laptopPage = await signIn(laptop, url, user);
      const phonePage = await signIn(phone, url, user);

      // The +1 button counts.
      await Promise.all([phonePage.waitForURL(url), phonePage.click('#counter-form button')]);
      expect(await phonePage.textContent('#count')).toBe('1');

      await phonePage.reload();
      const devices = phonePage.locator('#devices li');
      expect(await devices.count()).toBe(2);
      expect(await phonePage.locator('#devices li[data-current="true"] .device-label').textContent()).toBe('Safari on iPhone');
      const other = phonePage.locator('#devices li[data-current="false"]');
      expect(await other.locator('.device-label').textContent()).toBe('Firefox on Linux');

      await Promise.all([phonePage.waitForURL(url), other.locator('.revoke-form button').click()]);
      expect(await phonePage.locator('#devices li').count()).toBe(1);
      expect(await phonePage.textContent('#status')).toBe(`Logged in as ${user}`);

      await laptopPage.reload();
      expect(await laptopPage.textContent('#status')).toBe('You are not logged in');
      expect(await laptopPage.locator('#devices').count()).toBe(0);

      // Signed in again on the laptop, then "Sign out other devices" from the phone.
      await signIn(laptop, url, user);
      await phonePage.reload();
      await Promise.all([phonePage.waitForURL(url), phonePage.click('#logout-others-form button')]);
      expect(await phonePage.locator('#devices li').count()).toBe(1);
      await laptopPage.reload();
      expect(await laptopPage.textContent('#status')).toBe('You are not logged in');
    } finally {
      await Promise.all([laptop.close(), phone.close()]);
    }
  });
});
