/**
 * The sess sample app on the Next.js App Router: this Node server only starts Next (built by
 * `next build`) where the contract says (`PORT`, `HOST`), after checking the configuration the way
 * every sample app does. The routes are Route Handlers under `src/app`, each one line over
 * `demo-kit`, with the session of `@sess/next`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { announce, prepareDemo } from 'demo-kit';
import next from 'next';
import { DEMO_OPTIONS } from './lib/demo-options.js';

// Stops the app with a message naming the variable when the configuration makes no sense, and
// warns loudly about a development secret; its sessions are what `announce` closes at shutdown.
const demo = await prepareDemo(DEMO_OPTIONS);
const { host, port } = demo.config;

let handle: ((request: IncomingMessage, response: ServerResponse) => Promise<void>) | undefined;
const server = createServer((request, response) => {
  if (handle === undefined) {
    response.writeHead(503, { 'Content-Type': 'text/plain' }).end('starting');
    return;
  }
  void handle(request, response);
});
server.on('error', (error) => {
  console.error(`next-demo cannot listen on ${host}:${port}: ${error.message}`);
  process.exit(1);
});
await new Promise<void>((resolve) => server.listen(port, host, resolve));

// Next learns the port actually bound (`PORT=0` picks a free one) for the URLs it builds.
const address = server.address();
const app = next({
  dev: false,
  dir: fileURLToPath(new URL('..', import.meta.url)),
  hostname: host,
  port: typeof address === 'object' && address !== null ? address.port : port,
});
await app.prepare();
handle = app.getRequestHandler();
announce(demo, server);
