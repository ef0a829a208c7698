/**
 * A refused cross-site request reaches Koa's own error handling as a 403 with the error's message
 * (it is `expose`d: it says nothing about the request) when the app handles no errors itself.
 */
import { listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { afterEach, describe, expect, it } from 'vitest';
import { session } from './index.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe.each([
  ['koa 3', Koa3],
  ['koa 2', Koa2 as unknown as typeof Koa3],
])('%s without an error handler of the app', (_name, Koa) => {
  it('answers 403 for a cross-site POST, runs no handler and sets no cookie', async () => {
    const app = new Koa();
    app.silent = true;
    let ran = false;
    app.use(session({ store: new MapStore(), secret: TEST_SECRET }));
    app.use((context) => {
      ran = true;
      context.session.set('count', 1);
      context.body = 'done';
    });
    const server = await listen(app.callback());
    servers.push(server);
    const refused = await fetch(`${server.url}/transfer`, { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' } });
    expect([refused.status, await refused.text()]).toEqual([403, '[sess] cross-site request refused']);
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(ran).toBe(false);
    const served = await fetch(`${server.url}/transfer`, { method: 'POST', headers: { Origin: server.url } });
    expect([served.status, await served.text()]).toEqual([200, 'done']);
  });
});
