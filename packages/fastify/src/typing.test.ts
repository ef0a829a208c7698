/**
 * Types of a request's session: the program-wide `SessionData` through Fastify's declaration
 * merging (`request.session`), and an app's own type through the plugin (`plugin.of(request)`),
 * checked by the compiler and at run time.
 */
import { createSessions, MemoryStore, SessionConfigError, type Session } from '@sess/core';
import { CookieJar, TEST_SECRET } from '@sess/adapter-test-suite';
import Fastify, { type FastifyRequest } from 'fastify';
import { expect, expectTypeOf, it } from 'vitest';
import { session } from './index.js';
import { serveApp } from './testing/serve-fastify.js';

/** The sessions of one app that has its own data type instead of the program's `SessionData`. */
interface Cart {
  items: string[];
}

it('types request.session by SessionData, and plugin.of(request) by the plugin’s own type', async () => {
  expectTypeOf<FastifyRequest['session']>().toEqualTypeOf<Session<{ count: number }>>();

  const carts = session(createSessions<Cart>({ store: new MemoryStore(), secret: TEST_SECRET }));
  const errors: unknown[] = [];
  const server = await serveApp(Fastify, async (app) => {
    app.setErrorHandler(async (error, _request, reply) => {
      errors.push(error);
      return reply.code(500).send('no session here');
    });
    await app.register(async (shop) => {
      await shop.register(carts);
      shop.post('/items', async (request) => {
        const cart = carts.of(request);
        expectTypeOf(cart.get('items')).toEqualTypeOf<string[] | undefined>();
        // @ts-expect-error: not a key of Cart
        cart.get('count');
        cart.set('items', [...(cart.get('items') ?? []), 'apple']);
        return { items: cart.get('items') };
      });
    });
    app.get('/elsewhere', async (request) => carts.of(request).get('items'));
  });
  try {
    const jar = new CookieJar(server.url);
    await jar.fetch('/items', { method: 'POST' });
    expect(await (await jar.fetch('/items', { method: 'POST' })).json()).toEqual({ items: ['apple', 'apple'] });
    expect((await jar.fetch('/elsewhere')).status).toBe(500);
    expect(SessionConfigError.isInstance(errors[0])).toBe(true);
  } finally {
    await server.close();
  }
});
