import { describe, expect, it } from 'vitest';
import { createSessions } from '../sessions/create-sessions.js';
import { RegistryUnsupportedError, SessionStateError } from '../errors.js';
import { MemoryStore } from '../store/memory-store.js';
import type { SessionInterface } from '../sessions/base-sessions.js';
import type { Session } from '../session/session.js';
import type { Store } from '../store/store.js';
import { TestResponse } from '../testing/http.js';

const SECRET = 'a-test-secret-that-is-long-enough-0001';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1';

type Sessions = SessionInterface<Record<string, unknown>>;

/** One browser with its own User-Agent and address. */
class Device {
  cookie: string | undefined;
  constructor(
    readonly sessions: Sessions,
    readonly userAgent: string,
    readonly ip = '203.0.113.9',
  ) {}

  async request<R>(handler: (session: Session<Record<string, unknown>>) => R | Promise<R>): Promise<R> {
    const session = await this.sessions.open({
      cookie: this.cookie === undefined ? undefined : `sid=${this.cookie}`,
      userAgent: this.userAgent,
      ip: this.ip,
    });
    const result = await handler(session);
    const response = new TestResponse();
    await this.sessions.save(session, response);
    for (const cookie of response.setCookies) {
      this.cookie = /Max-Age=0/.test(cookie) ? undefined : cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    }
    return result;
  }

  login(user: string): Promise<void> {
    return this.request((session) => {
      session.regenerate();
      session.set('user', user);
      session.owner = user;
    });
  }
}

function setup(store: Store = new MemoryStore(), options: { deviceAddress?: boolean } = {}) {
  const sessions = createSessions<Record<string, unknown>>({ store, secret: SECRET, ...options });
  return { store, sessions, laptop: new Device(sessions, FIREFOX), phone: new Device(sessions, IPHONE, '2001:db8:7:1::5') };
}

describe('the session registry', () => {
  it("lists an owner's sessions newest first, with device, times and the current one marked", async () => {
    const { sessions, laptop, phone } = setup();
    await laptop.login('ada');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await phone.login('ada');
    const list = await phone.request((session) => sessions.list('ada', session));
    expect(list.map((entry) => [entry.device, entry.current])).toEqual([
      ['Safari on iPhone', true],
      ['Firefox on Linux', false],
    ]);
    for (const entry of list) {
      expect(entry.handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(entry.createdAt.getTime()).toBeLessThanOrEqual(entry.lastSeenAt.getTime());
      expect(entry.lastSeenAt.getTime()).toBeLessThanOrEqual(Date.now());
      expect(entry.expiresAt.getTime() - entry.lastSeenAt.getTime()).toBe(1800 * 1000);
      expect(entry.address).toBeUndefined();
      // Neither the cookie's ID nor any part of the cookie is in the entry.
      expect(JSON.stringify(entry)).not.toContain(phone.cookie!.slice(0, 20));
      expect(JSON.stringify(entry)).not.toContain(laptop.cookie!.slice(0, 20));
    }
    expect(await sessions.list('grace')).toEqual([]);
  });

  it('keeps handles stable, different from store IDs, and useless as cookies', async () => {
    const { store, sessions, laptop } = setup(new MemoryStore());
    await laptop.login('ada');
    const [first] = await sessions.list('ada');
    const [again] = await sessions.list('ada');
    expect(again!.handle).toBe(first!.handle);
    const [owned] = await (store as MemoryStore).listByOwner('ada');
    expect(first!.handle).not.toBe(owned!.id);
    const thief = new Device(sessions, FIREFOX);
    thief.cookie = first!.handle;
    expect(await thief.request((session) => [session.isNew, session.get('user')])).toEqual([true, undefined]);
  });

  it('keeps a truncated address only when deviceAddress is on', async () => {
    const { sessions, laptop, phone } = setup(new MemoryStore(), { deviceAddress: true });
    await laptop.login('ada');
    await phone.login('ada');
    const addresses = (await sessions.list('ada')).map((entry) => entry.address).sort();
    expect(addresses).toEqual(['2001:db8:7::', '203.0.113.0']);
  });

  it("revokes one session of its owner only, and the revoked one is a new visitor from then on", async () => {
    const { sessions, laptop, phone } = setup();
    const other = new Device(sessions, FIREFOX);
    await laptop.login('ada');
    await phone.login('ada');
    await other.login('grace');
    const laptopHandle = (await sessions.list('ada')).find((entry) => entry.device === 'Firefox on Linux')!.handle;
    const graceHandle = (await sessions.list('grace'))[0]!.handle;
    expect(await sessions.revoke('ada', graceHandle)).toBe(false);
    expect(await sessions.revoke('ada', 'not-a-handle')).toBe(false);
    expect(await sessions.revoke('ada', laptopHandle)).toBe(true);
    expect(await sessions.revoke('ada', laptopHandle)).toBe(false);
    expect(await laptop.request((session) => session.get('user'))).toBeUndefined();
    expect(await phone.request((session) => session.get('user'))).toBe('ada');
    expect(await other.request((session) => session.get('user'))).toBe('grace');
    await expect(sessions.revoke('', laptopHandle)).rejects.toBeInstanceOf(SessionStateError);
  });

  it('signs out the other devices and keeps this one', async () => {
    const { sessions, laptop, phone } = setup();
    await laptop.login('ada');
    await phone.login('ada');
    const tablet = new Device(sessions, IPHONE);
    await tablet.login('ada');
    expect(await phone.request((session) => sessions.revokeOthers(session))).toBe(2);
    expect(await laptop.request((session) => session.get('user'))).toBeUndefined();
    expect(await tablet.request((session) => session.get('user'))).toBeUndefined();
    expect(await phone.request((session) => session.get('user'))).toBe('ada');
    expect((await sessions.list('ada')).map((entry) => entry.device)).toEqual(['Safari on iPhone']);
    expect(await new Device(sessions, FIREFOX).request((session) => sessions.revokeOthers(session))).toBe(0);
  });

  it('keeps a revoked session ended when its own request saves afterwards', async () => {
    const { sessions, laptop, phone } = setup();
    await laptop.login('ada');
    await phone.login('ada');
    const handle = (await sessions.list('ada')).find((entry) => !entry.current && entry.device === 'Firefox on Linux')!.handle;
    await laptop.request(async (session) => {
      expect(await sessions.revoke('ada', handle)).toBe(true);
      session.set('cart', ['late']);
    });
    expect(await laptop.request((session) => [session.get('user'), session.get('cart')])).toEqual([undefined, undefined]);
    expect(await sessions.list('ada')).toHaveLength(1);
  });

  it('keeps the device label through clear()', async () => {
    const { sessions, laptop } = setup();
    await laptop.login('ada');
    await laptop.request((session) => {
      session.clear();
      session.set('user', 'ada');
    });
    expect((await sessions.list('ada'))[0]!.device).toBe('Firefox on Linux');
  });

  it('says why a store without listByOwner cannot list', async () => {
    const memory = new MemoryStore();
    const bare: Store = { name: 'bare', get: (id) => memory.get(id), set: (id, record) => memory.set(id, record), destroy: (id) => memory.destroy(id) };
    const { sessions, laptop } = setup(bare);
    await laptop.login('ada');
    const error = await sessions.list('ada').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RegistryUnsupportedError);
    expect((error as RegistryUnsupportedError).reason).toBe('store-cannot-list');
    expect((error as Error).message).toContain('bare store cannot list');
  });

  it('lists only the current cookie session, and refuses to revoke with a typed error', async () => {
    const sessions = createSessions<Record<string, unknown>>({ store: 'cookie', secret: SECRET });
    const laptop = new Device(sessions, FIREFOX);
    await laptop.login('ada');
    const list = await laptop.request((session) => sessions.list('ada', session));
    expect(list).toMatchObject([{ handle: 'current', current: true, device: 'Firefox on Linux' }]);
    expect(await laptop.request((session) => sessions.list('grace', session))).toEqual([]);
    const error = await laptop.request((session) => sessions.revokeOthers(session).catch((caught: unknown) => caught));
    expect(RegistryUnsupportedError.isInstance(error)).toBe(true);
    expect((error as RegistryUnsupportedError).reason).toBe('cookie-sessions');
    expect((error as RegistryUnsupportedError).status).toBe(501);
    await expect(sessions.revoke('ada', 'current')).rejects.toBeInstanceOf(RegistryUnsupportedError);
  });
});
