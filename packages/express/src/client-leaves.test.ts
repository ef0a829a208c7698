import { MapStore } from '@sess/adapter-test-suite';
import express5, { type Express } from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { increment, startExpress, type AppParts } from './testing/start-express.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A MapStore whose reads take `readMs` and writes `writeMs`, to leave while one is running. */
class SlowStore extends MapStore {
  constructor(
    readonly readMs: number,
    readonly writeMs: number,
  ) {
    super();
  }

  override async get(id: string) {
    await sleep(this.readMs);
    return super.get(id);
  }

  override async set(id: string, record: Parameters<MapStore['set']>[1]) {
    await sleep(this.writeMs);
    return super.set(id, record);
  }
}

function routes({ app, sessions }: AppParts): void {
  app.use(sessions);
  app.post('/count', async (request, response) => {
    await request.session.load();
    response.json({ count: increment(request.session) });
  });
  app.post('/slow-count', (request, response) => {
    const count = increment(request.session);
    setTimeout(() => void response.json({ count }), 150);
  });
  app.post('/lazy-count', async (request, response) => {
    await request.session.load();
    const count = increment(request.session);
    setTimeout(() => void response.json({ count }), 150);
  });
  app.get('/count', async (request, response) => {
    await request.session.load();
    response.json({ count: request.session.get('count') ?? 0 });
  });
}

/** Starts a request and gives up on it after `ms`. */
async function leaveAfter(fetching: (signal: AbortSignal) => Promise<Response>, ms: number): Promise<void> {
  const abort = new AbortController();
  const pending = fetching(abort.signal);
  await sleep(ms);
  abort.abort();
  await expect(pending).rejects.toThrow();
}

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s: a client that leaves', (_name, express: () => Express) => {
  it.each([
    ['while the session opens', 'count', 40],
    ['while the handler runs', 'slow-count', 140],
    ['while a lazy load runs', 'lazy-count', 140],
  ])('%s leaves no lock behind and nothing saved', async (_when, route, leaveAtMs) => {
    const store = new SlowStore(100, 10);
    const { jar } = await startExpress(express, routes, { locking: { waitMs: 2000, ttlMs: 10_000 }, lazy: route === 'lazy-count' }, store);
    await (await jar.fetch('/count', { method: 'POST' })).text();
    await leaveAfter((signal) => jar.fetch(`/${route}`, { method: 'POST', signal }), leaveAtMs);
    // Give the server the time to notice, then the next request of the session must not wait for a lock.
    await sleep(200);
    const started = Date.now();
    const next = await jar.fetch('/count', { signal: AbortSignal.timeout(1500) });
    expect(await next.json()).toEqual({ count: 1 });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('during the save, still saves what the handler answered and releases the lock', async () => {
    const store = new SlowStore(10, 150);
    const { jar } = await startExpress(express, routes, { locking: { waitMs: 2000 } }, store);
    await (await jar.fetch('/count', { method: 'POST' })).text();
    await leaveAfter((signal) => jar.fetch('/count', { method: 'POST', signal }), 60);
    await sleep(200);
    expect(await (await jar.fetch('/count', { signal: AbortSignal.timeout(1500) })).json()).toEqual({ count: 2 });
  });
});
