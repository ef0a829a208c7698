/**
 * The app of the adapter test suite on Fastify 4 or 5: the session plugin, the suite's routes, the
 * error handler, and the routes of this package's own tests (every way Fastify answers, a hijacked
 * reply, a scope without sessions).
 */
import { createServer, type RequestListener } from 'node:http';
import { Readable } from 'node:stream';
import { listen, type ServeAdapter, type TestServer } from '@sess/adapter-test-suite';
import type Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { expectTypeOf } from 'vitest';
import { saveSession, session } from '../index.js';

// The typing recipe of the README: every `request.session` in the program knows these keys.
declare module '@sess/core' {
  interface SessionData {
    count: number;
  }
}

/** Builds the app before it is served: plugins to register before the session plugin, say. */
export type AppSetup = (app: FastifyInstance) => Promise<void> | void;

/**
 * Serves a Fastify app built by `create` (with `trustProxy`, so that `X-Forwarded-Proto` decides
 * `secure`) over the suite's `listen`: its request handler is taken through `serverFactory`.
 */
export async function serveApp(create: typeof Fastify, build: (app: FastifyInstance) => Promise<void> | void): Promise<TestServer> {
  let handler: RequestListener | undefined;
  const app = create({
    trustProxy: true,
    serverFactory: (handle) => {
      handler = handle as RequestListener;
      return createServer(handle);
    },
  });
  await build(app);
  await app.ready();
  const server = await listen(handler!);
  return {
    url: server.url,
    async close() {
      await server.close();
      await app.close();
    },
  };
}

/** A `serve` for `testAdapter` and `fuzzAdapter` on the given major of Fastify. */
export function serveFastify(create: typeof Fastify, setup?: AppSetup): ServeAdapter {
  return (sessionsOrOptions, routes) =>
    serveApp(create, async (app) => {
      await setup?.(app);
      // Forms, as @fastify/formbody would read them (the suite's CSRF scenarios post forms).
      app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, text, done) =>
        done(null, Object.fromEntries(new URLSearchParams(text as string))),
      );
      await app.register(session(sessionsOrOptions));
      for (const route of routes.list) {
        app.route({
          method: route.method,
          url: route.path,
          handler: async (request, reply) => reply.type('text/plain').send(await route.handle(request.session)),
        });
      }
      // Increments the counter and answers in the way the query names, to cover every way out.
      app.get<{ Querystring: { via?: string } }>('/answer', async (request, reply) => {
        expectTypeOf(request.session.get('count')).toEqualTypeOf<number | undefined>();
        const count = (request.session.get('count') ?? 0) + 1;
        request.session.set('count', count);
        switch (request.query.via) {
          case 'json':
            return { count };
          case 'redirect':
            return reply.redirect('/read');
          case 'stream':
            return reply.type('text/plain').send(Readable.from([String(count), '-', 'done']));
          case 'buffer':
            return reply.type('application/octet-stream').send(Buffer.from(`${count}`));
          case 'large':
            return reply.type('text/plain').send(`${count}:${'x'.repeat(4096)}`);
          default:
            return reply.code(204).send();
        }
      });
      // Takes over the response: Fastify runs no onSend hook for it.
      app.get<{ Querystring: { save?: string } }>('/hijack', async (request, reply) => {
        request.session.set('count', (request.session.get('count') ?? 0) + 1);
        reply.hijack();
        if (request.query.save === 'yes') {
          try {
            await saveSession(request);
          } catch (error) {
            const { status, body } = routes.onError(error);
            reply.raw.writeHead(status, { 'Content-Type': 'text/plain' }).end(body);
            return;
          }
        }
        reply.raw.writeHead(200, { 'Content-Type': 'text/plain' }).end('hijacked');
      });
      app.setErrorHandler(async (error, _request, reply) => {
        const { status, body } = routes.onError(error);
        return reply.code(status).type('text/plain').send(body);
      });
    });
}
