/**
 * A refused cross-site request reaches Hono's default `onError` as a 403: `CsrfError` carries
 * `getResponse()`, as Hono's `HTTPException` does.
 */
import { getRequestListener } from '@hono/node-server';
import { listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import { Hono } from 'hono';
import { afterEach, expect, it } from 'vitest';
import { session, type SessionEnv } from './index.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

it('answers 403 for a cross-site POST without an onError of the app, runs no handler and sets no cookie', async () => {
  const app = new Hono<SessionEnv>();
  let ran = false;
  app.use(session({ store: new MapStore(), secret: TEST_SECRET }));
  app.post('/transfer', (c) => {
    ran = true;
    c.get('session').set('count', 1);
    return c.text('done');
  });
  const server = await listen(getRequestListener(app.fetch));
  servers.push(server);
  const refused = await fetch(`${server.url}/transfer`, { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' } });
  expect([refused.status, await refused.text()]).toEqual([403, '[sess] cross-site request refused']);
  expect(refused.headers.getSetCookie()).toEqual([]);
  expect(ran).toBe(false);
  const served = await fetch(`${server.url}/transfer`, { method: 'POST', headers: { Origin: server.url } });
  expect([served.status, await served.text()]).toEqual([200, 'done']);
});
