import { createServer, type Server, type Socket } from 'node:net';
import { createSessions, StoreUnavailableError, type SessionRecord } from '@sess/core';
import { randomStoreId } from '@sess/store-test-suite';
import { uniqueSuffix } from '@sess/test-servers';
import connectPgSimple from 'connect-pg-simple';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import createMemoryStore from 'memorystore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESS_FIELD, connectStore, fromConnectSession, toConnectSession, type ConnectSession, type ConnectStore } from './connect-store.js';
import { connectRedis } from './testing/test-servers.js';

const MemoryStore = createMemoryStore(session);
const PgStore = connectPgSimple(session);

const record = (data: SessionRecord['data'], lifetimeMs = 60_000): SessionRecord => ({
  data,
  createdAt: Date.now() - 1_000,
  expiresAt: Date.now() + lifetimeMs,
});

/** Reads what the connect store itself holds for `sid`. */
function rawGet(store: ConnectStore, sid: string): Promise<ConnectSession | null | undefined> {
  return new Promise((resolve, reject) => store.get(sid, (error, value) => (error ? reject(error) : resolve(value))));
}

describe('the connect shape', () => {
  it('writes express-session\'s cookie with the deadline, the data at the top level and sess fields under __sess', () => {
    const given = { ...record({ user: 'ada', cart: ['apple'] }), owner: 'ada' };
    const session = toConnectSession(given, given.expiresAt - 60_000);
    expect(session.cookie.expires).toEqual(new Date(given.expiresAt));
    expect(session.cookie.originalMaxAge).toBe(60_000);
    expect(session.user).toBe('ada');
    expect(session[SESS_FIELD]).toEqual({ createdAt: given.createdAt, expiresAt: given.expiresAt, owner: 'ada' });
    expect(fromConnectSession(JSON.parse(JSON.stringify(session)))).toEqual(given);
  });

  it('keeps data keys named cookie, __sess and __proto__ apart from its own fields', () => {
    const data = JSON.parse('{"cookie":"chocolate","__sess":{"mine":true},"__proto__":{"polluted":1},"plain":1}');
    const given = record(data);
    const stored = JSON.parse(JSON.stringify(toConnectSession(given)));
    expect(stored.cookie.expires).toBe(new Date(given.expiresAt).toISOString());
    const read = fromConnectSession(stored)!;
    expect(read.data).toEqual(data);
    expect(Object.getPrototypeOf(read.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not take a session written by express-session (no __sess) or an expired one for a sess record', () => {
    expect(fromConnectSession({ cookie: { expires: null, originalMaxAge: null }, user: 'ada' })).toBeUndefined();
    expect(fromConnectSession(null)).toBeUndefined();
    expect(fromConnectSession({ cookie: {}, [SESS_FIELD]: { createdAt: 'x', expiresAt: 1 } })).toBeUndefined();
    const expired = toConnectSession(record({ a: 1 }, 10));
    expect(fromConnectSession(expired, Date.now() + 20)).toBeUndefined();
  });
});

describe('over a real connect store', () => {
  it('lets connect-redis derive its TTL from the record\'s deadline', async () => {
    const client = await connectRedis();
    const prefix = `sess-test-connect-ttl-${uniqueSuffix()}:`;
    try {
      const store = connectStore(new RedisStore({ client, prefix }), { name: 'connect-redis' });
      const id = randomStoreId();
      await store.set(id, record({ user: 'ada' }, 120_000));
      const ttl = await client.ttl(`${prefix}${id}`);
      expect(ttl).toBeGreaterThan(110);
      expect(ttl).toBeLessThanOrEqual(120);
      await store.destroy(id);
    } finally {
      client.destroy();
    }
  });

  it('returns no record for a session an express-session app wrote into the same store', async () => {
    const memory = new MemoryStore({ checkPeriod: 60_000 });
    const store = connectStore(memory, { name: 'memorystore', close: () => memory.stopInterval() });
    const id = randomStoreId();
    await new Promise<void>((resolve) =>
      memory.set(id, { cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) }, user: 'ada' } as never, () => resolve()),
    );
    expect(await rawGet(memory, id)).toMatchObject({ user: 'ada' });
    expect(await store.get(id)).toBeUndefined();
    await store.close!();
  });
});

describe('failures', () => {
  let silent: Server;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A server that accepts connections and never answers: a hung backend.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('turns a refused connection into StoreUnavailableError naming the store', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const pgStore = new PgStore({ conString: `postgres://postgres@127.0.0.1:${deadPort}/test`, errorLog: () => undefined });
    const store = connectStore(pgStore, { name: 'connect-pg-simple' });
    const error = await store.get(randomStoreId()).catch((caught: unknown) => caught);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/\[connect-pg-simple\] get failed/);
    await store.close!();
  });

  it("gives up on a backend that never answers after the core's storeTimeout", async () => {
    const pgStore = new PgStore({ conString: `postgres://postgres@127.0.0.1:${port}/test`, errorLog: () => undefined });
    const store = connectStore(pgStore, { name: 'connect-pg-simple' });
    const sessions = createSessions({ store, secret: 'a secret long enough to sign the cookies of this test', storeTimeout: 300 });
    const error = await sessions.ping().catch((caught: unknown) => caught);
    expect(StoreUnavailableError.isInstance(error)).toBe(true);
    expect((error as StoreUnavailableError).detail).toMatch(/\[connect-pg-simple\] ping did not answer within 300 ms/);
  });
});
