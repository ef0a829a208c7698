/**
 * The sess sample app on Fastify 5: only routing. Every route's behaviour lives in `demo-kit`,
 * shared with the Express, Koa and Hono apps, so they all serve one contract.
 */
import { session } from '@sess/fastify';
import { announce, prepareDemo, readRequestBody, responseOf, wantsJson, type DemoResult } from 'demo-kit';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

const demo = await prepareDemo({ appName: 'fastify-demo', defaultPort: 3004 });

function send(reply: FastifyReply, result: DemoResult): FastifyReply {
  const { status, headers, body } = responseOf(result);
  return reply.code(status).headers(headers).send(body);
}

const json = (request: FastifyRequest): boolean =>
  wantsJson({ accept: request.headers.accept, contentType: request.headers['content-type'] });

// The kit's reader: urlencoded and JSON only, with a size limit (413), 415 for other types, 400 for bad JSON.
const body = (request: FastifyRequest) =>
  readRequestBody(request.raw, { contentType: request.headers['content-type'], contentLength: request.headers['content-length'] });

const app = Fastify();

// The kit reads bodies itself: Fastify's parsers are replaced by one that leaves the body unread.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_request, _payload, done) => done(null));

// Every error, from a handler or from the session plugin (a store that is down), ends here. Set
// before the routes' scope is made, which takes the error handler it finds.
app.setErrorHandler((error, request, reply) => {
  const answerJson = demo.answersJson(request.url.split('?')[0]!, {
    accept: request.headers.accept,
    contentType: request.headers['content-type'],
  });
  return send(reply, demo.error(error, answerJson));
});

// Outside the session plugin's scope: a health check never opens a session.
app.get('/healthz', async (_request, reply) => send(reply, await demo.health()));

await app.register(async (routes) => {
  await routes.register(session(demo.sessions));

  routes.get('/', async (request, reply) => send(reply, await demo.page(request.session)));
  routes.post('/login', async (request, reply) => send(reply, demo.login(request.session, await body(request), json(request))));
  routes.post('/logout', async (request, reply) => send(reply, demo.logout(request.session, json(request))));
  routes.get('/api/session', async (request, reply) => send(reply, demo.readSession(request.session)));
  routes.post('/api/counter', async (request, reply) => send(reply, demo.incrementCounter(request.session)));
  routes.post('/counter', async (request, reply) => send(reply, demo.incrementCounter(request.session, json(request))));
  routes.get('/api/devices', async (request, reply) => send(reply, await demo.listDevices(request.session)));
  routes.post('/api/devices/revoke', async (request, reply) => send(reply, await demo.revokeDevice(request.session, await body(request), true)));
  routes.post('/devices/revoke', async (request, reply) => send(reply, await demo.revokeDevice(request.session, await body(request), json(request))));
  routes.post('/api/logout-others', async (request, reply) => send(reply, await demo.logoutOthers(request.session, true)));
  routes.post('/logout-others', async (request, reply) => send(reply, await demo.logoutOthers(request.session, json(request))));
  for (const path of ['/cart', '/api/cart']) {
    routes.post(path, async (request, reply) => send(reply, demo.addToCart(request.session, await body(request), json(request))));
  }
  routes.delete('/api/cart', async (request, reply) => send(reply, demo.clearCart(request.session)));
  routes.post('/api/flash', async (request, reply) => send(reply, demo.queueFlash(request.session, await body(request))));
  routes.get('/api/flash', async (request, reply) => send(reply, demo.takeFlashes(request.session)));

  routes.setNotFoundHandler(async (request, reply) =>
    send(reply, demo.notFound(demo.answersJson(request.url.split('?')[0]!, { accept: request.headers.accept }))),
  );
});

try {
  await app.listen({ port: demo.config.port, host: demo.config.host });
} catch (error) {
  console.error(`fastify-demo cannot listen on ${demo.config.host}:${demo.config.port}: ${(error as Error).message}`);
  process.exit(1);
}
announce(demo, app.server);
