/**
 * With tokens on, a Hono handler parses the form itself and checks its `_csrf` field with
 * `session.verifyCsrfToken`; a handler that forgets cannot use the session (403).
 */
import { getRequestListener } from '@hono/node-server';
import { CookieJar, listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import { Hono } from 'hono';
import { afterEach, expect, it } from 'vitest';
import { session, type SessionEnv } from './index.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

it('accepts the page token verified by the handler, and refuses a wrong one or a forgotten check', async () => {
  const app = new Hono<SessionEnv>();
  let added = 0;
  app.use(session({ store: new MapStore(), secret: TEST_SECRET, csrf: { token: true } }));
  app.get('/', (c) => c.text(c.get('session').csrfToken()));
  app.post('/cart', async (c) => {
    const form = await c.req.parseBody();
    c.get('session').verifyCsrfToken(form._csrf);
    c.get('session').set('count', ++added);
    return c.text('added');
  });
  app.post('/forgot', (c) => c.text(String(c.get('session').get('count'))));
  const server = await listen(getRequestListener(app.fetch));
  servers.push(server);
  const jar = new CookieJar(server.url);
  const token = await (await jar.fetch('/')).text();
  const post = (path: string, field: string) =>
    jar.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: field }).toString() });
  expect([(await post('/cart', token)).status, added]).toEqual([200, 1]);
  expect([(await post('/cart', 'x'.repeat(86))).status, added]).toEqual([403, 1]);
  expect((await post('/forgot', token)).status).toBe(403);
});
