import { Readable } from 'node:stream';
import express5, { type Express, type Response } from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { increment, startExpress, type AppParts } from './testing/start-express.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a client saw of one response, and what reached the app's error handler meanwhile. */
async function observe(started: Awaited<ReturnType<typeof startExpress>>, path: string, method = 'POST') {
  const response = await started.jar.fetch(path, { method });
  const body = await response.text();
  // A late error reaches the error handler after the response: give it the time it takes.
  await sleep(80);
  return {
    status: response.status,
    body,
    errors: started.errors.map((error) => (error as { code?: string; message?: string }).code ?? (error as Error).message),
  };
}

/** Routes that answer, then fail or answer again, each in one of the ways users' apps do. */
function lateErrors({ app }: AppParts): void {
  app.post('/json-then-throw', (request, response, next) => {
    increment(request.session);
    response.json({ ok: true });
    setTimeout(() => next(new Error('failed after answering')), 5);
  });
  app.post('/redirect-then-next', (request, response, next) => {
    increment(request.session);
    response.redirect('/');
    next(new Error('failed after redirecting'));
  });
  app.post('/send-twice', (request, response) => {
    increment(request.session);
    response.send('first');
    response.send('second');
  });
  app.post('/start', (request, response) => {
    request.session.set('count', 0);
    response.end();
  });
  app.get('/count', (request, response) => void response.json({ count: request.session.get('count') ?? 0 }));
}

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s', (_name, express: () => Express) => {
  describe('an answer followed by an error or a second answer behaves as without sessions', () => {
    it.each(['/json-then-throw', '/redirect-then-next', '/send-twice'])('%s', async (path) => {
      const bare = await startExpress(express, (parts) => lateErrors({ ...parts, app: stubSessions(parts.app) }));
      const withSessions = await startExpress(express, (parts) => {
        parts.app.use(parts.sessions);
        lateErrors(parts);
      });
      const expected = await observe(bare, path);
      await (await withSessions.jar.fetch('/start', { method: 'POST' })).text();
      expect(await observe(withSessions, path)).toEqual(expected);
      // The process lives, and the change was saved.
      expect(await (await withSessions.jar.fetch('/count')).json()).toEqual({ count: 1 });
    });
  });

  it("keeps the session's Set-Cookie, Vary and Cache-Control rules when the app passes headers to writeHead", async () => {
    const { jar } = await startExpress(express, ({ app, sessions }) => {
      app.use(sessions);
      app.post('/answer', (request, response) => {
        increment(request.session);
        response.writeHead(200, {
          'Content-Type': 'text/plain',
          'Cache-Control': 'public, max-age=600',
          Vary: 'Accept-Language',
          'Set-Cookie': 'theme=dark; Path=/',
        });
        response.end('ok');
      });
      app.post('/raw', (request, response) => {
        increment(request.session);
        response.writeHead(201, 'Made', ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Type', 'text/plain']);
        response.end('raw');
      });
    });
    const answer = await jar.fetch('/answer', { method: 'POST' });
    const cookies = answer.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toBe('theme=dark; Path=/');
    expect(cookies[1]).toMatch(/^sid=/);
    expect(answer.headers.get('cache-control')).toBe('public, max-age=600, no-cache="Set-Cookie"');
    expect(answer.headers.get('vary')).toBe('Accept-Language, Cookie');
    const raw = await jar.fetch('/raw', { method: 'POST' });
    expect(raw.status).toBe(201);
    expect(raw.statusText).toBe('Made');
    expect(raw.headers.getSetCookie().map((cookie) => cookie.slice(0, 2))).toEqual(['a=', 'b=', 'si']);
    expect(await raw.text()).toBe('raw');
  });

  it('throws for an invalid status code at once, as Node does, and the error handler answers', async () => {
    const { jar, errors } = await startExpress(express, ({ app, sessions }) => {
      app.use(sessions);
      app.post('/bad', (request, response) => {
        increment(request.session);
        response.writeHead(1000);
        response.end();
      });
    });
    const response = await jar.fetch('/bad', { method: 'POST' });
    expect(response.status).toBe(500);
    expect((errors[0] as { code?: string }).code).toBe('ERR_HTTP_INVALID_STATUS_CODE');
  });

  it('keeps the status of the answer when the handler changes it after answering', async () => {
    const { jar } = await startExpress(express, ({ app, sessions }) => {
      app.use(sessions);
      app.post('/answer', (request, response) => {
        increment(request.session);
        response.status(201).json({ ok: true });
        response.status(500);
      });
    });
    expect((await jar.fetch('/answer', { method: 'POST' })).status).toBe(201);
  });

  it('asks a writer to wait for drain while held, and sends every byte of a large piped stream', async () => {
    const seen: boolean[] = [];
    const chunk = 'x'.repeat(64 * 1024);
    const { jar } = await startExpress(express, ({ app, sessions }) => {
      app.use(sessions);
      app.post('/stream', (request, response) => {
        increment(request.session);
        response.type('text/plain');
        seen.push(response.write('start:'));
        response.once('drain', () => {
          seen.push(true);
          Readable.from(Array.from({ length: 64 }, () => chunk)).pipe(response);
        });
      });
      app.get('/count', (request, response) => void response.json({ count: request.session.get('count') ?? 0 }));
    });
    const response = await jar.fetch('/stream', { method: 'POST' });
    const body = await response.text();
    expect(body.length).toBe('start:'.length + 64 * chunk.length);
    // The held write said "not flushed", and the 'drain' it promised came.
    expect(seen).toEqual([false, true]);
    expect(await (await jar.fetch('/count')).json()).toEqual({ count: 1 });
  });
});

/** An app whose `req.session` is a plain stand-in, for the same routes without sess. */
function stubSessions(app: Express): Express {
  app.use((request, _response: Response, next) => {
    const values = new Map<string, unknown>();
    (request as { session: unknown }).session = { get: (key: string) => values.get(key), set: (key: string, value: unknown) => values.set(key, value) };
    next();
  });
  return app;
}

describe('a session middleware mounted twice', () => {
  it('is refused with SessionConfigError for the request, instead of a session that is never saved', async () => {
    const { jar, errors } = await startExpress(express5, ({ app, sessions }) => {
      app.use(sessions, sessions);
      app.get('/', (_request, response) => void response.send('ok'));
    });
    const response = await jar.fetch('/');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('SessionConfigError');
    expect(errors).toHaveLength(1);
  });
});

describe('a change after the response', () => {
  it('is refused with SessionStateError instead of being lost without a word', async () => {
    const { jar, errors } = await startExpress(express5, ({ app, sessions }) => {
      app.use(sessions);
      app.post('/late', async (request, response) => {
        response.json({ ok: true });
        await sleep(5);
        request.session.set('count', 1);
      });
    });
    const response = await jar.fetch('/late', { method: 'POST' });
    expect(await response.json()).toEqual({ ok: true });
    await sleep(50);
    expect((errors[0] as Error | undefined)?.name).toBe('SessionStateError');
    expect((errors[0] as Error).message).toMatch(/already saved/);
  });
});
