/**
 * With tokens on, the `_csrf` field of a form that `express.urlencoded()` parsed before the session
 * middleware is checked before the route runs, like the `X-CSRF-Token` header.
 */
import { CookieJar, listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import express from 'express';
import { afterEach, expect, it } from 'vitest';
import { session } from './index.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

it('accepts the page token in a parsed form field and refuses a wrong one before the route', async () => {
  const app = express();
  let ran = 0;
  app.use(express.urlencoded({ extended: false }));
  app.use(session({ store: new MapStore(), secret: TEST_SECRET, csrf: { token: true } }));
  app.get('/', (request, response) => void response.send(request.session.csrfToken()));
  app.post('/cart', (request, response) => {
    ran++;
    request.session.set('count', ran);
    response.send('added');
  });
  const server = await listen(app);
  servers.push(server);
  const jar = new CookieJar(server.url);
  const token = await (await jar.fetch('/')).text();
  const post = (field: string) =>
    jar.fetch('/cart', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: field, item: 'tea' }).toString() });
  expect([(await post(token)).status, ran]).toEqual([200, 1]);
  const wrong = await post(`${token.slice(0, -2)}AA` === token ? `${token.slice(0, -2)}BB` : `${token.slice(0, -2)}AA`);
  expect([wrong.status, ran]).toEqual([403, 1]);
});
