/**
 * The `listByOwner` capability, directly and through the core's session registry (`sessions.list`,
 * `revoke`, `revokeOthers`): what a device list needs from a store.
 */
import { createSessions, type Session, type SessionInterface, type SessionRecord, type SessionResponse, type Store, type StoredData } from '@sess/core';
import { describe, expect, it } from 'vitest';

const SECRET = 'a secret of the store suite, long enough to sign cookies';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1';

type Data = Record<string, unknown>;

/** What the suite's tests share with these ones. */
export interface ListingContext {
  /** The store of the running test. */
  store: () => Store;
  /** A random ID, deleted after the test. */
  newId: () => string;
  /** A record with `data`, created a second ago, living `ttlMs`. */
  newRecord: (data?: StoredData, ttlMs?: number) => SessionRecord;
  /** A random owner. */
  newOwner: () => string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A response that keeps the cookie the session set. */
class Response implements SessionResponse {
  readonly headers = new Map<string, string>();
  cookie: string | undefined;
  /** Whether a cookie was set or expired. */
  sent = false;
  getHeader(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }
  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), value);
  }
  appendHeader(name: string, value: string): void {
    if (name.toLowerCase() !== 'set-cookie') return;
    this.sent = true;
    this.cookie = /Max-Age=0/.test(value) ? undefined : value.slice(0, value.indexOf(';'));
  }
}

/** One browser: a User-Agent and the cookie it was given. */
class Browser {
  cookie: string | undefined;
  constructor(
    readonly sessions: SessionInterface<Data>,
    readonly userAgent: string,
  ) {}
  open(): Promise<Session<Data>> {
    return this.sessions.open({ cookie: this.cookie, userAgent: this.userAgent });
  }
  async save(session: Session<Data>): Promise<void> {
    const response = new Response();
    await this.sessions.save(session, response);
    if (response.sent) this.cookie = response.cookie;
  }
  async login(user: string): Promise<void> {
    const session = await this.open();
    session.regenerate();
    session.set('user', user);
    session.owner = user;
    await this.save(session);
  }
  async user(): Promise<unknown> {
    const session = await this.open();
    const user = session.get('user');
    await this.save(session);
    return user;
  }
}

/** Registers the tests of `listByOwner`. */
export function describeListByOwner(context: ListingContext): void {
  const { store, newId, newRecord, newOwner } = context;
  /** Sessions over the running test's store; `touchAfter: 0` makes every request renew. */
  const sessionsOf = (): SessionInterface<Data> => createSessions<Data>({ store: store(), secret: SECRET, touchAfter: 0, idleTimeout: 600 });

  describe('listByOwner', () => {
    it("lists that owner's live records with their IDs, and no one else's", async () => {
      const [owner, other] = [newOwner(), newOwner()];
      const owned = [newId(), newId(), newId()];
      const theirs = newId();
      const unowned = newId();
      await Promise.all([
        ...owned.map((id) => store().set(id, { ...newRecord({ n: id }), owner })),
        store().set(theirs, { ...newRecord(), owner: other }),
        store().set(unowned, newRecord()),
      ]);
      const listed = await store().listByOwner!(owner);
      expect(listed.map(({ id }) => id).sort()).toEqual([...owned].sort());
      for (const { id, record } of listed) {
        expect(record.owner).toBe(owner);
        expect(record.data).toEqual({ n: id });
      }
      expect((await store().listByOwner!(other)).map(({ id }) => id)).toEqual([theirs]);
      expect(await store().listByOwner!(newOwner())).toEqual([]);
    });

    it('round-trips what get returns: data, createdAt, expiresAt and owner', async () => {
      const owner = newOwner();
      const id = newId();
      const record: SessionRecord = {
        data: { user: 'ada', __device: { label: 'Firefox on Linux', address: '203.0.113.0' }, emoji: '👩‍💻' },
        createdAt: Date.now() - 5_000,
        expiresAt: Date.now() + 60_000,
        owner,
      };
      await store().set(id, record);
      const [listed] = await store().listByOwner!(owner);
      expect(listed).toEqual({ id, record });
      expect(listed!.record).toEqual(await store().get(id));
    });

    it('never lists an expired record', async () => {
      const owner = newOwner();
      const [short, long] = [newId(), newId()];
      await store().set(short, { ...newRecord({ n: 1 }, 300), owner });
      await store().set(long, { ...newRecord({ n: 2 }), owner });
      await sleep(500);
      expect((await store().listByOwner!(owner)).map(({ id }) => id)).toEqual([long]);
    });

    it('follows destroy, a replaced owner and a moved expiry', async () => {
      const [before, after] = [newOwner(), newOwner()];
      const [moved, destroyed, touched] = [newId(), newId(), newId()];
      await Promise.all([moved, destroyed, touched].map((id) => store().set(id, { ...newRecord(), owner: before })));
      await store().destroy(destroyed);
      await store().set(moved, { ...newRecord(), owner: after });
      const later = Date.now() + 120_000;
      if (store().touch) await store().touch!(touched, later);
      else await store().set(touched, { ...newRecord(), expiresAt: later, owner: before });
      const listed = await store().listByOwner!(before);
      expect(listed.map(({ id }) => id)).toEqual([touched]);
      expect(listed[0]!.record.expiresAt).toBe(later);
      expect((await store().listByOwner!(after)).map(({ id }) => id)).toEqual([moved]);
    });

    it('lets the core list, revoke one session and sign out the others, owners kept apart', async () => {
      const sessions = sessionsOf();
      const [ada, grace] = [newOwner(), newOwner()];
      const laptop = new Browser(sessions, FIREFOX);
      const phone = new Browser(sessions, IPHONE);
      const tablet = new Browser(sessions, IPHONE);
      const graces = new Browser(sessions, FIREFOX);
      await laptop.login(ada);
      await sleep(5);
      await phone.login(ada);
      await sleep(5);
      await tablet.login(ada);
      await graces.login(grace);

      const session = await phone.open();
      const devices = await sessions.list(ada, session);
      await phone.save(session);
      expect(devices.map((entry) => [entry.device, entry.current])).toEqual([
        ['Safari on iPhone', false],
        ['Safari on iPhone', true],
        ['Firefox on Linux', false],
      ]);
      const graceHandle = (await sessions.list(grace))[0]!.handle;
      expect(await sessions.revoke(ada, graceHandle)).toBe(false);
      expect(await graces.user()).toBe(grace);

      expect(await sessions.revoke(ada, devices[2]!.handle)).toBe(true);
      expect(await laptop.user()).toBeUndefined();
      expect((await sessions.list(ada)).map((entry) => entry.handle)).toEqual([devices[0]!.handle, devices[1]!.handle]);

      const current = await phone.open();
      expect(await sessions.revokeOthers(current)).toBe(1);
      await phone.save(current);
      expect(await tablet.user()).toBeUndefined();
      expect(await phone.user()).toBe(ada);
      expect(await graces.user()).toBe(grace);
      expect((await sessions.list(ada)).map((entry) => entry.handle)).toEqual([devices[1]!.handle]);
      await sessions.destroyAll(ada).catch(() => undefined);
      await sessions.destroyAll(grace).catch(() => undefined);
      for (const browser of [phone, graces]) {
        const last = await browser.open();
        last.destroy();
        await browser.save(last);
      }
    });

    it('keeps a revoked session ended while requests of it renew and write at the same time', async () => {
      const sessions = sessionsOf();
      const owner = newOwner();
      const laptop = new Browser(sessions, FIREFOX);
      const phone = new Browser(sessions, IPHONE);
      await laptop.login(owner);
      await phone.login(owner);
      const handle = (await sessions.list(owner)).find((entry) => entry.device === 'Firefox on Linux')!.handle;
      // Requests of the laptop load the session, then save (renew, write) around the revoke.
      const inFlight = await Promise.all(Array.from({ length: 6 }, () => laptop.open()));
      const revoked = sessions.revoke(owner, handle);
      await Promise.all(
        inFlight.map(async (session, index) => {
          if (index % 2 === 0) session.set('cart', [`item ${index}`]);
          await laptop.save(session).catch(() => undefined);
        }),
      );
      expect(await revoked).toBe(true);
      expect(await laptop.user()).toBeUndefined();
      expect((await sessions.list(owner)).map((entry) => entry.device)).toEqual(['Safari on iPhone']);
      const last = await phone.open();
      last.destroy();
      await phone.save(last);
    });
  });
}
