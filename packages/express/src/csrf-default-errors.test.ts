/**
 * A refused cross-site request reaches Express's own error handling as a 403 when the app has no
 * error handler of its own (finalhandler reads the error's `status`).
 */
import { listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import express5 from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { session } from './index.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe.each([
  ['express 5', express5],
  ['express 4', express4 as unknown as typeof express5],
])('%s without an error handler of the app', (_name, express) => {
  it('answers 403 for a cross-site POST, runs no handler and sets no cookie', async () => {
    const app = express();
    let ran = false;
    app.use(session({ store: new MapStore(), secret: TEST_SECRET }));
    app.post('/transfer', (request, response) => {
      ran = true;
      request.session.set('count', 1);
      response.send('done');
    });
    const server = await listen(app);
    servers.push(server);
    const refused = await fetch(`${server.url}/transfer`, { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(ran).toBe(false);
    const served = await fetch(`${server.url}/transfer`, { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin', Origin: server.url } });
    expect([served.status, await served.text()]).toEqual([200, 'done']);
  });
});
