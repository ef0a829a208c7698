/**
 * The sess sample app on Express 5: only routing. Every route's behaviour lives in `demo-kit`,
 * shared with the Koa and Hono apps, so the three serve one contract.
 */
import { session } from '@sess/express';
import { announce, prepareDemo, readRequestBody, responseOf, wantsJson, type DemoResult } from 'demo-kit';
import express, { type NextFunction, type Request, type Response } from 'express';

const demo = await prepareDemo({ appName: 'express-demo', defaultPort: 3001 });

function send(response: Response, result: DemoResult): void {
  const { status, headers, body } = responseOf(result);
  response.status(status).set(headers).send(body);
}

const json = (request: Request): boolean =>
  wantsJson({ accept: request.get('accept'), contentType: request.get('content-type') });

const body = (request: Request) =>
  readRequestBody(request, { contentType: request.get('content-type'), contentLength: request.get('content-length') });

const app = express();
app.disable('x-powered-by');
// Pages depend on the session: no ETag revalidation (the Cache-Control header says no-store anyway).
app.set('etag', false);

// Before the session middleware: a health check never opens a session.
app.get('/healthz', async (_request, response) => send(response, await demo.health()));

app.use(session(demo.sessions));

app.get('/', async (request, response) => send(response, await demo.page(request.session)));
app.post('/login', async (request, response) => send(response, demo.login(request.session, await body(request), json(request))));
app.post('/logout', (request, response) => send(response, demo.logout(request.session, json(request))));
app.get('/api/session', (request, response) => send(response, demo.readSession(request.session)));
app.post('/api/counter', (request, response) => send(response, demo.incrementCounter(request.session)));
app.post('/counter', (request, response) => send(response, demo.incrementCounter(request.session, json(request))));
app.get('/api/devices', async (request, response) => send(response, await demo.listDevices(request.session)));
app.post('/api/devices/revoke', async (request, response) => send(response, await demo.revokeDevice(request.session, await body(request), true)));
app.post('/devices/revoke', async (request, response) =>
  send(response, await demo.revokeDevice(request.session, await body(request), json(request))),
);
app.post('/api/logout-others', async (request, response) => send(response, await demo.logoutOthers(request.session, true)));
app.post('/logout-others', async (request, response) => send(response, await demo.logoutOthers(request.session, json(request))));
app.post(['/cart', '/api/cart'], async (request, response) =>
  send(response, demo.addToCart(request.session, await body(request), json(request))),
);
app.delete('/api/cart', (request, response) => send(response, demo.clearCart(request.session)));
app.post('/api/flash', async (request, response) => send(response, demo.queueFlash(request.session, await body(request))));
app.get('/api/flash', (request, response) => send(response, demo.takeFlashes(request.session)));

app.use((request: Request, response: Response) => send(response, demo.notFound(demo.answersJson(request.path, { accept: request.get('accept') }))));

// Express recognises an error handler by its four parameters.
app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
  // Too late for an error body: Express's own handler ends the connection.
  if (response.headersSent) return next(error);
  const answerJson = demo.answersJson(request.path, { accept: request.get('accept'), contentType: request.get('content-type') });
  send(response, demo.error(error, answerJson));
});

const server = app.listen(demo.config.port, demo.config.host, (error?: Error) => {
  if (error) {
    console.error(`express-demo cannot listen on ${demo.config.host}:${demo.config.port}: ${error.message}`);
    process.exit(1);
  }
  announce(demo, server);
});
