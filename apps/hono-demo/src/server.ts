/**
 * The sess sample app on Hono (served by @hono/node-server): only routing. Every route's behaviour
 * lives in `demo-kit`, shared with the Express and Koa apps, so the three serve one contract.
 */
import { serve } from '@hono/node-server';
import { session, type SessionEnv } from '@sess/hono';
import { announce, prepareDemo, readRequestBody, responseOf, wantsJson, type DemoResult } from 'demo-kit';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const demo = await prepareDemo({ appName: 'hono-demo', defaultPort: 3003 });

function send(context: Context, result: DemoResult): Response {
  const { status, headers, body } = responseOf(result);
  return context.body(body, status as ContentfulStatusCode, headers);
}

const json = (context: Context): boolean =>
  wantsJson({ accept: context.req.header('Accept'), contentType: context.req.header('Content-Type') });

// The kit's reader: urlencoded and JSON only, with a size limit (413), 415 for other types, 400 for bad JSON.
const body = (context: Context) =>
  readRequestBody(context.req.raw.body, {
    contentType: context.req.header('Content-Type'),
    contentLength: context.req.header('Content-Length'),
  });

const app = new Hono<SessionEnv>();

// Before the session middleware: a health check never opens a session.
app.get('/healthz', async (context) => send(context, await demo.health()));

app.use(session(demo.sessions));

app.get('/', async (context) => send(context, await demo.page(context.get('session'))));
app.post('/login', async (context) => send(context, demo.login(context.get('session'), await body(context), json(context))));
app.post('/logout', (context) => send(context, demo.logout(context.get('session'), json(context))));
app.get('/api/session', (context) => send(context, demo.readSession(context.get('session'))));
app.post('/api/counter', (context) => send(context, demo.incrementCounter(context.get('session'))));
app.post('/counter', (context) => send(context, demo.incrementCounter(context.get('session'), json(context))));
app.get('/api/devices', async (context) => send(context, await demo.listDevices(context.get('session'))));
app.post('/api/devices/revoke', async (context) => send(context, await demo.revokeDevice(context.get('session'), await body(context), true)));
app.post('/devices/revoke', async (context) =>
  send(context, await demo.revokeDevice(context.get('session'), await body(context), json(context))),
);
app.post('/api/logout-others', async (context) => send(context, await demo.logoutOthers(context.get('session'), true)));
app.post('/logout-others', async (context) => send(context, await demo.logoutOthers(context.get('session'), json(context))));
for (const path of ['/cart', '/api/cart']) {
  app.post(path, async (context) => send(context, demo.addToCart(context.get('session'), await body(context), json(context))));
}
app.delete('/api/cart', (context) => send(context, demo.clearCart(context.get('session'))));
app.post('/api/flash', async (context) => send(context, demo.queueFlash(context.get('session'), await body(context))));
app.get('/api/flash', (context) => send(context, demo.takeFlashes(context.get('session'))));

app.notFound((context) => send(context, demo.notFound(demo.answersJson(context.req.path, { accept: context.req.header('Accept') }))));

// Every error, from a handler or from the session middleware (a store that is down), ends here.
app.onError((error, context) => {
  const answerJson = demo.answersJson(context.req.path, {
    accept: context.req.header('Accept'),
    contentType: context.req.header('Content-Type'),
  });
  return send(context, demo.error(error, answerJson));
});

const server = serve({ fetch: app.fetch, port: demo.config.port, hostname: demo.config.host }, () => announce(demo, server));
server.on('error', (error) => {
  console.error(`hono-demo cannot listen on ${demo.config.host}:${demo.config.port}: ${error.message}`);
  process.exit(1);
});
