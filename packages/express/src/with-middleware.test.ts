import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import compression from 'compression';
import express5, { type Express } from 'express';
import express4 from 'express4';
import helmet from 'helmet';
import { describe, expect, it } from 'vitest';
import { increment, startExpress, type AppParts } from './testing/start-express.js';

/** A body well above compression's 1 KB threshold. */
const TEXT = 'session '.repeat(2000);
const folder = mkdtempSync(join(tmpdir(), 'sess-express-'));
writeFileSync(join(folder, 'page.txt'), TEXT);

/** The ways of answering under test, each after an optional change of the session. */
const WAYS = ['json', 'write-end', 'sendFile', 'static', 'pipe'] as const;

function routes({ app }: AppParts, serveStatic: typeof express5.static): void {
  // A change when asked for (`?change`), then the answer the path names.
  app.use((request, _response, next) => {
    if ('change' in request.query) increment(request.session);
    next();
  });
  app.use('/static', serveStatic(folder));
  app.get('/json', (_request, response) => void response.json({ text: TEXT }));
  app.get('/write-end', (_request, response) => {
    response.type('text/plain');
    response.write(TEXT.slice(0, 100));
    setTimeout(() => response.end(TEXT.slice(100)), 5);
  });
  app.get('/sendFile', (_request, response) => response.sendFile(join(folder, 'page.txt')));
  app.get('/pipe', (_request, response) => {
    response.type('text/plain');
    Readable.from([TEXT.slice(0, 5000), TEXT.slice(5000)]).pipe(response);
  });
  app.get('/count', (request, response) => void response.json({ count: request.session.get('count') ?? 0 }));
}

/** The body each way answers with. */
function expectedBody(way: (typeof WAYS)[number]): string {
  return way === 'json' ? JSON.stringify({ text: TEXT }) : TEXT;
}

function pathOf(way: (typeof WAYS)[number]): string {
  return way === 'static' ? '/static/page.txt' : `/${way}`;
}

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s', (_name, express: () => Express) => {
  describe.each(['before', 'after'])('compression mounted %s the sessions', (order) => {
    const start = () =>
      startExpress(express, (parts) => {
        const { app, sessions } = parts;
        if (order === 'before') app.use(compression(), sessions);
        else app.use(sessions, compression());
        routes(parts, (express as typeof express5).static);
      });

    it.each(WAYS)('answers compressed with %s, holding the response until a change is stored', async (way) => {
      const { jar } = await start();
      for (const expected of [1, 2]) {
        const response = await jar.fetch(`${pathOf(way)}?change`, { headers: { 'Accept-Encoding': 'gzip' } });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-encoding')).toBe('gzip');
        expect(response.headers.get('vary')).toMatch(/Accept-Encoding/);
        expect(response.headers.get('vary')).toMatch(/Cookie/);
        expect(await response.text()).toBe(expectedBody(way));
        expect(await (await jar.fetch('/count')).json()).toEqual({ count: expected });
      }
      // Unchanged: goes out at once, compressed all the same.
      const unchanged = await jar.fetch(pathOf(way), { headers: { 'Accept-Encoding': 'gzip' } });
      expect(unchanged.headers.get('content-encoding')).toBe('gzip');
      expect(unchanged.headers.getSetCookie()).toEqual([]);
      expect(await unchanged.text()).toBe(expectedBody(way));
    });

    it.each(WAYS)('answers 503 with %s when the store fails to save, and serves again once it is back', async (way) => {
      const { jar, store } = await start();
      await (await jar.fetch('/count?change')).text();
      store.failing.add('set');
      const failed = await jar.fetch(`${pathOf(way)}?change`, { headers: { 'Accept-Encoding': 'gzip' }, signal: AbortSignal.timeout(3000) });
      expect(failed.status).toBe(503);
      expect(failed.headers.getSetCookie()).toEqual([]);
      expect(await failed.text()).not.toContain('session session');
      store.failing.delete('set');
      const again = await jar.fetch(`${pathOf(way)}?change`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(await again.text()).toBe(expectedBody(way));
      expect(await (await jar.fetch('/count')).json()).toEqual({ count: 2 });
    });
  });

  it("keeps helmet's headers and the session's cookie on a held response", async () => {
    const { jar } = await startExpress(express, (parts) => {
      parts.app.use(helmet(), parts.sessions);
      routes(parts, (express as typeof express5).static);
    });
    const response = await jar.fetch('/json?change');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(await (await jar.fetch('/count')).json()).toEqual({ count: 1 });
  });
});
