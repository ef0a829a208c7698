/**
 * The sess sample app on Koa 3: only routing. Every route's behaviour lives in `demo-kit`, shared
 * with the Express and Hono apps, so the three serve one contract.
 */
import { Router } from '@koa/router';
import { session } from '@sess/koa';
import { announce, prepareDemo, readRequestBody, responseOf, wantsJson, type DemoResult } from 'demo-kit';
import Koa, { type Context } from 'koa';

const demo = await prepareDemo({ appName: 'koa-demo', defaultPort: 3002 });

function send(context: Context, result: DemoResult): void {
  const { status, headers, body } = responseOf(result);
  context.status = status;
  context.set(headers);
  context.body = body;
}

const json = (context: Context): boolean => wantsJson({ accept: context.get('Accept'), contentType: context.get('Content-Type') });

// The kit's reader: urlencoded and JSON only, with a size limit (413), 415 for other types, 400 for bad JSON.
const body = (context: Context) =>
  readRequestBody(context.req, { contentType: context.get('Content-Type'), contentLength: context.get('Content-Length') });

const app = new Koa();

// Outermost: every error, from a handler or from the session middleware (a store that is down), is
// answered here as JSON or HTML; nothing reaches Koa's default 500 page.
app.use(async (context, next) => {
  try {
    await next();
    if (context.status === 404 && context.body == null) {
      send(context, demo.notFound(demo.answersJson(context.path, { accept: context.get('Accept') })));
    }
  } catch (error) {
    const answerJson = demo.answersJson(context.path, { accept: context.get('Accept'), contentType: context.get('Content-Type') });
    send(context, demo.error(error, answerJson));
  }
});

// Before the session middleware: a health check never opens a session.
const health = new Router();
health.get('/healthz', async (context) => send(context, await demo.health()));
app.use(health.routes());

app.use(session(demo.sessions));

const router = new Router();
router.get('/', async (context) => send(context, await demo.page(context.session)));
router.post('/login', async (context) => send(context, demo.login(context.session, await body(context), json(context))));
router.post('/logout', (context) => send(context, demo.logout(context.session, json(context))));
router.get('/api/session', (context) => send(context, demo.readSession(context.session)));
router.post('/api/counter', (context) => send(context, demo.incrementCounter(context.session)));
router.post('/counter', (context) => send(context, demo.incrementCounter(context.session, json(context))));
router.get('/api/devices', async (context) => send(context, await demo.listDevices(context.session)));
router.post('/api/devices/revoke', async (context) => send(context, await demo.revokeDevice(context.session, await body(context), true)));
router.post('/devices/revoke', async (context) => send(context, await demo.revokeDevice(context.session, await body(context), json(context))));
router.post('/api/logout-others', async (context) => send(context, await demo.logoutOthers(context.session, true)));
router.post('/logout-others', async (context) => send(context, await demo.logoutOthers(context.session, json(context))));
router.post(['/cart', '/api/cart'], async (context) => send(context, demo.addToCart(context.session, await body(context), json(context))));
router.delete('/api/cart', (context) => send(context, demo.clearCart(context.session)));
router.post('/api/flash', async (context) => send(context, demo.queueFlash(context.session, await body(context))));
router.get('/api/flash', (context) => send(context, demo.takeFlashes(context.session)));
app.use(router.routes());
app.use(router.allowedMethods());

const server = app.listen(demo.config.port, demo.config.host, () => announce(demo, server));
server.on('error', (error) => {
  console.error(`koa-demo cannot listen on ${demo.config.host}:${demo.config.port}: ${error.message}`);
  process.exit(1);
});
