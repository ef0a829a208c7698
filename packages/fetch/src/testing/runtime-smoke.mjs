// Serves smoke-app.mjs with the runtime's own HTTP server (Bun or Deno), runs the checks, and
// prints `ok` or throws. Started by runtimes.test.ts.
import { fetchHandler, store } from './smoke-app.mjs';
import { checkSessions } from './smoke-checks.mjs';

function listen() {
  if (globalThis.Bun) {
    const server = globalThis.Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => fetchHandler(request) });
    return { base: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
  }
  const server = globalThis.Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, (request) => fetchHandler(request));
  return { base: `http://127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

const { base, stop } = listen();
try {
  await checkSessions(base);
  // `secure: 'auto'` follows the request URL's protocol.
  const secure = await fetchHandler(new Request('https://example.com/count'));
  if (!(secure.headers.get('set-cookie') ?? '').includes('; Secure')) throw new Error('no Secure cookie on https');
} finally {
  await stop();
  await store.close();
}
console.log('ok');
