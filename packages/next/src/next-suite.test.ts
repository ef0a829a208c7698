/**
 * `@sess/adapter-test-suite` on @sess/next: the suite's scenarios, its CSRF scenarios and its fuzz
 * property, against a built Next.js app (`suite-app/`: one Route Handler for every path) that Next's
 * own production server runs in this process (`next({ dev: false })`, `getRequestHandler()`). Each
 * app the suite asks for gets its own node:http server on a free port in front of that one handler:
 * every request goes through Next's request handling, the Route Handler, `sessions.route()` and
 * `cookies()`, and back as Next's response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fuzzAdapter, listen, testAdapter, type ServeAdapter } from '@sess/adapter-test-suite';
import next from 'next';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildNextApp, packageRoot } from './testing/next-build.js';
import { SUITE_APP_HEADER, suiteApps } from './testing/suite-apps.js';

const dir = join(packageRoot, 'suite-app');

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

let server: ReturnType<typeof next> | undefined;
let handle: RequestHandler | undefined;

// Built and started once for the file, before any test: a test's own time is the requests'.
beforeAll(async () => {
  buildNextApp(dir);
  server = next({ dir, dev: false, hostname: '127.0.0.1' });
  await server.prepare();
  const started = server.getRequestHandler();
  handle = started;
  // The route bundle loads on its first request, here rather than in a test; one naming no app is refused.
  const probe = await listen((request, response) => void started(request, response));
  try {
    const answer = await fetch(`${probe.url}/read`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toBe('no such app');
  } finally {
    await probe.close();
  }
}, 240_000);

afterAll(async () => {
  await server?.close();
});

let apps = 0;

/** The suite's `serve`: the app registered for the Route Handler, and a server of its own. */
const serveNext: ServeAdapter = async (sessionsOrOptions, routes) => {
  const nextHandle = handle;
  if (nextHandle === undefined) throw new Error('the Next server did not start (see beforeAll)');
  const key = String((apps += 1));
  suiteApps().set(key, { sessionsOrOptions, routes });
  const http = await listen((request, response) => {
    // Set here, after the client: a request cannot name another app.
    request.headers[SUITE_APP_HEADER] = key;
    void nextHandle(request, response);
  });
  return {
    url: http.url,
    async close() {
      await http.close();
      suiteApps().delete(key);
    },
  };
};

testAdapter({ name: 'next 16 (Route Handler, next build, Next server): the adapter test suite', serve: serveNext, trustsProxy: true });

fuzzAdapter({ name: 'Next Route Handler', serve: serveNext });
