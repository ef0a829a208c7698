import { createAppStarter, MapStore, testAdapter } from '@sess/adapter-test-suite';
import { describe, expect, it } from 'vitest';
import { nodeServers } from '@sess/test-servers/node-servers';
import { serveFetchOn } from './testing/serve-fetch.js';

for (const nodeServer of nodeServers) testAdapter({ name: `withSession over ${nodeServer.name}: the adapter test suite`, serve: serveFetchOn(nodeServer) });

describe.each(nodeServers)('withSession over $name', (nodeServer) => {
  const start = createAppStarter(serveFetchOn(nodeServer));

  it.each(['json', 'redirect', 'fetched', 'stream'])('sets the cookie and finishes the store write before answering with a %s response', async (via) => {
    // Every store call takes 30 ms: a response sent before the write ended would let the next
    // request read the old value.
    const { jar } = await start({}, new MapStore(30));
    const first = await jar.fetch(`/answer?via=${via}`);
    expect(first.headers.getSetCookie()).toHaveLength(1);
    expect(first.headers.get('Vary')).toMatch(/\bCookie\b/);
    expect(first.headers.get('Cache-Control')).toContain('private');
    const body = await first.text();
    if (via === 'stream') expect(body).toBe('1-done');
    if (via === 'json') expect(JSON.parse(body)).toEqual({ count: 1 });
    if (via === 'fetched') expect(body).toBe('ok');
    if (via === 'redirect') expect(first.status).toBe(302);
    expect((await jar.fetch(`/answer?via=${via}`)).status).toBeLessThan(400);
    expect(await (await jar.fetch('/read')).text()).toBe('2');
  });
});
