/**
 * @sess/next in a real Next.js app (`test-app/`): built with `next build` (skipped when the build
 * is newer than its sources and the builds it bundles), served by `next start`, and driven over
 * HTTP: Route Handlers, Server Actions posted as forms (no JavaScript), Server Components, the proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CookieJar } from '@sess/adapter-test-suite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNextApp, nextBin as next, packageRoot } from './testing/next-build.js';

const app = join(packageRoot, 'test-app');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The hidden fields of the page's forms, in order: what a browser without JavaScript posts. */
async function forms(jar: CookieJar): Promise<Array<Record<string, string>>> {
  const html = await (await jar.fetch('/')).text();
  return [...html.matchAll(/<form[^>]*>(.*?)<\/form>/g)].map(([, inner]) =>
    Object.fromEntries([...inner!.matchAll(/<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?/g)].map(([, name, value]) => [name!, value ?? ''])),
  );
}

/** Posts a page's form as a browser without JavaScript would. */
function post(jar: CookieJar, fields: Record<string, string>): Promise<Response> {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  return jar.fetch('/', { method: 'POST', body });
}

const read = async (jar: CookieJar) => (await (await jar.fetch('/api/read')).json()) as { count: number; proxyHits: number; cart: string[] };

describe('@sess/next in a Next.js 16 app (next build && next start)', () => {
  let server: ChildProcess;
  let base = '';
  let log = '';
  let directory = '';
  let failFlag = '';

  beforeAll(async () => {
    buildNextApp(app);
    directory = mkdtempSync(join(tmpdir(), 'sess-next-'));
    failFlag = join(directory, 'fail');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(next, ['start', app, '-p', String(port), '-H', '127.0.0.1'], {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', SESSION_DIR: join(directory, 'sessions'), SESSION_FAIL_FLAG: failFlag },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const up = await fetch(`${base}/api/read`).then(
        async (response) => (await response.body?.cancel(), true),
        () => false,
      );
      if (up) break;
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`next start did not answer: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 240_000);

  afterAll(() => {
    server?.kill();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('keeps a counter in a Route Handler, with the cookie and headers of the core', async () => {
    const jar = new CookieJar(base);
    const first = await jar.fetch('/api/count', { method: 'POST' });
    expect(await first.json()).toEqual({ count: 1 });
    const [cookie, ...others] = first.headers.getSetCookie();
    expect(others).toEqual([]);
    expect(cookie).toMatch(/^sid=[\w-]+\.[\w-]+; /);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=lax/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(first.headers.get('Vary')).toMatch(/\bCookie\b/);
    expect(first.headers.get('Cache-Control')).toContain('private');
    expect(await (await jar.fetch('/api/count', { method: 'POST' })).json()).toEqual({ count: 2 });
    expect((await read(jar)).count).toBe(2);
  });

  it('sets no cookie for a visitor whose session is only read, in a Route Handler or a Server Component', async () => {
    const jar = new CookieJar(base);
    for (const path of ['/api/read', '/']) {
      const response = await jar.fetch(path);
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('shows the session in a Server Component, read-only', async () => {
    const jar = new CookieJar(base);
    await jar.fetch('/api/count', { method: 'POST' });
    const page = await (await jar.fetch('/')).text();
    expect(page).toContain('count: <!-- -->1');
    expect(page).toContain('new: <!-- -->false');
  });

  it("saves a Server Action's change before its redirect() answers, with the cookie of a new session", async () => {
    const jar = new CookieJar(base);
    const [plusOne] = await forms(jar);
    const response = await post(jar, plusOne!);
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/');
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect((await read(jar)).count).toBe(1);
    await post(jar, plusOne!);
    expect((await read(jar)).count).toBe(2);
  });

  it('saves a Server Action that answers without a redirect', async () => {
    const jar = new CookieJar(base);
    const [, addItem] = await forms(jar);
    expect((await post(jar, { ...addItem!, item: 'pear' })).status).toBe(200);
    expect((await post(jar, { ...addItem!, item: 'plum' })).status).toBe(200);
    expect((await read(jar)).cart).toEqual(['pear', 'plum']);
  });

  it("hands a dynamic route's params to the handler", async () => {
    const jar = new CookieJar(base);
    expect(await (await jar.fetch('/api/items/pear', { method: 'POST' })).json()).toEqual({ cart: ['pear'] });
    expect(await (await jar.fetch('/api/items/plum', { method: 'POST' })).json()).toEqual({ cart: ['pear', 'plum'] });
  });

  it("saves a Route Handler's change before its redirect() answers", async () => {
    const jar = new CookieJar(base);
    const response = await jar.fetch('/api/redirect', { method: 'POST' });
    expect(response.status).toBe(307);
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect((await read(jar)).count).toBe(1);
  });

  it('keeps what a failing Route Handler changed in a known session, and Next answers 500', async () => {
    const jar = new CookieJar(base);
    await jar.fetch('/api/count', { method: 'POST' });
    expect((await jar.fetch('/api/throw', { method: 'POST' })).status).toBe(500);
    expect((await read(jar)).count).toBe(2);
  });

  it('opens and saves the session in the proxy; the route behind it sees the change', async () => {
    const jar = new CookieJar(base);
    await jar.fetch('/api/count', { method: 'POST' });
    const first = await jar.fetch('/proxied');
    expect(first.headers.get('X-Proxy-Hits')).toBe('1');
    expect(await first.json()).toEqual({ proxyHits: 1 });
    const second = await jar.fetch('/proxied');
    expect(second.headers.get('X-Proxy-Hits')).toBe('2');
    expect(await second.json()).toEqual({ proxyHits: 2 });
    expect(await read(jar)).toEqual({ count: 1, proxyHits: 2, cart: [] });
  });

  it('answers 503 from a Route Handler and the proxy while the store is down, and serves again after', async () => {
    const jar = new CookieJar(base);
    await jar.fetch('/api/count', { method: 'POST' });
    writeFileSync(failFlag, '');
    try {
      for (const [path, method] of [['/api/count', 'POST'], ['/api/read', 'GET'], ['/proxied', 'GET']] as const) {
        const response = await jar.fetch(path, { method });
        expect(response.status).toBe(503);
        expect(await response.text()).toBe('[sess] the session store is unavailable');
        expect(response.headers.getSetCookie()).toEqual([]);
      }
    } finally {
      rmSync(failFlag);
    }
    expect(await (await jar.fetch('/api/count', { method: 'POST' })).json()).toEqual({ count: 2 });
  });

  it("refuses a cross-site POST with 403 before the handler runs, and serves the app's own origin", async () => {
    const jar = new CookieJar(base);
    await jar.fetch('/api/count', { method: 'POST' });
    const refused = await jar.fetch('/api/count', { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://evil.example' } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe('[sess] cross-site request refused');
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect((await jar.fetch('/api/count', { method: 'POST', headers: { Origin: 'http://127.0.0.2:1' } })).status).toBe(403);
    const own = await jar.fetch('/api/count', { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin', Origin: base } });
    expect(await own.json()).toEqual({ count: 2 });
  });

  it('serves a new visitor for a tampered, unknown or malformed cookie: never a 500', async () => {
    const jar = new CookieJar(base);
    await jar.fetch('/api/count', { method: 'POST' });
    const [value = ''] = [...jar.cookies.values()];
    const hostile = [`${value.slice(0, -2)}xx`, 'a.b', '', '%%%', 'x'.repeat(4000)];
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...hostile), fc.string({ maxLength: 200 })), async (cookie) => {
        const headers = new Headers();
        try {
          headers.set('Cookie', `sid=${cookie}`);
        } catch {
          return; // not a header value fetch can send
        }
        for (const path of ['/api/read', '/']) {
          const response = await fetch(`${base}${path}`, { headers });
          expect(response.status).toBe(200);
          if (path === '/api/read') expect(await response.json()).toEqual({ count: 0, proxyHits: 0, cart: [] });
          else await response.body?.cancel();
        }
      }),
      { numRuns: 60 },
    );
    expect(log).not.toMatch(/TypeError|SessionStateError/);
  });
});
