import { createAppStarter, MapStore, testAdapter } from '@sess/adapter-test-suite';
import express5, { type Express } from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { serveExpress } from './testing/serve-express.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s', (_name, express: () => Express) => {
  const serve = serveExpress(express);
  testAdapter({ name: 'the adapter test suite', serve, trustsProxy: true });

  const start = createAppStarter(serve);

  it.each(['json', 'redirect', 'end', 'sendStatus', 'stream', 'writeHead'])(
    'sets the cookie and finishes the store write before answering with res.%s',
    async (via) => {
      // Every store call takes 30 ms: a response sent before the write ended would let the next
      // request read the old value.
      const { jar } = await start({}, new MapStore(30));
      const first = await jar.fetch(`/answer?via=${via}`);
      expect(first.headers.getSetCookie()).toHaveLength(1);
      const body = await first.text();
      if (via === 'stream') expect(body).toBe('1-done');
      if (via === 'json') expect(JSON.parse(body)).toEqual({ count: 1 });
      if (via === 'sendStatus') expect(first.status).toBe(201);
      if (via === 'redirect') expect(first.status).toBe(302);
      expect((await jar.fetch(`/answer?via=${via}`)).status).toBeLessThan(400);
      expect(await (await jar.fetch('/read')).text()).toBe('2');
    },
  );

  it('hands an error thrown while the held response is written to the error handler', async () => {
    const { jar } = await start();
    const response = await jar.fetch('/bad-status');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('RangeError');
  });

  it('answers 503 through the error handler when the store fails to save, whichever way the handler answered', async () => {
    const { jar, store } = await start({}, new MapStore());
    store.failing.add('set');
    for (const via of ['json', 'stream', 'writeHead']) {
      const response = await jar.fetch(`/answer?via=${via}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('StoreUnavailableError');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('releases the lock when the client gives up before the handler answers', async () => {
    const { jar } = await start({ locking: true });
    await (await jar.fetch('/count')).text();
    const abort = new AbortController();
    const hanging = jar.fetch('/hang', { signal: abort.signal });
    await sleep(50);
    abort.abort();
    await expect(hanging).rejects.toThrow();
    const response = await jar.fetch('/count', { signal: AbortSignal.timeout(3000) });
    expect(await response.text()).toBe('2');
  });
});
