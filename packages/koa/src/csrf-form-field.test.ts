/**
 * With tokens on, the `_csrf` field of a form that a body parser put on `ctx.request.body` before
 * the session middleware is checked before the downstream middleware run.
 */
import { CookieJar, listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import Koa from 'koa';
import { afterEach, expect, it } from 'vitest';
import { session } from './index.js';

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

it('accepts the page token in a parsed form field and refuses a wrong one before the handler', async () => {
  const app = new Koa();
  app.silent = true;
  let ran = 0;
  // What koa-bodyparser and koa-body do for a urlencoded form.
  app.use(async (context, next) => {
    if (context.is('application/x-www-form-urlencoded')) {
      let text = '';
      for await (const chunk of context.req) text += String(chunk);
      (context.request as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(text));
    }
    await next();
  });
  app.use(session({ store: new MapStore(), secret: TEST_SECRET, csrf: { token: true } }));
  app.use((context) => {
    if (context.method === 'GET') {
      context.body = context.session.csrfToken();
      return;
    }
    ran++;
    context.session.set('count', ran);
    context.body = 'added';
  });
  const server = await listen(app.callback());
  servers.push(server);
  const jar = new CookieJar(server.url);
  const token = await (await jar.fetch('/')).text();
  const post = (field: string) =>
    jar.fetch('/cart', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: field, item: 'tea' }).toString() });
  expect([(await post(token)).status, ran]).toEqual([200, 1]);
  const wrong = await post(`${token.slice(0, -2)}AA` === token ? `${token.slice(0, -2)}BB` : `${token.slice(0, -2)}AA`);
  expect([wrong.status, ran]).toEqual([403, 1]);
});
