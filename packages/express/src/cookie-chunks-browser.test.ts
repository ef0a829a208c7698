/**
 * A cookie session of 10 KB in a real browser (Debian's Chromium, headless, driven by playwright-core,
 * which never downloads a browser): spread by `cookieChunks` over several cookies, kept by Chromium,
 * sent back whole, shrunk back to one cookie and destroyed without leaving a chunk behind.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSessions } from '@sess/core';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from './session.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SECRET = 'a-test-secret-that-is-long-enough-0001';
const digest = (text: string) => createHash('sha256').update(text).digest('hex');
/** `bytes` of text that does not compress: the cookie grows with it. */
const randomText = (bytes: number) => Array.from({ length: bytes / 16 }, () => Math.random().toString(36).slice(2, 10).padEnd(8, '0') + Math.random().toString(36).slice(2, 10).padEnd(8, '0')).join('');

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}. Install Debian's: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
  const app = express();
  app.use(express.json({ limit: '64kb' }));
  const notesSession = session(createSessions<{ notes?: string; user?: string }>({ store: 'cookie', secret: SECRET, cookieChunks: 4 }));
  app.use(notesSession);
  app.get('/', (_request, response) => void response.type('html').send('<!doctype html><title>chunks</title>'));
  app.post('/notes', (request, response) => {
    notesSession.of(request).set('notes', request.body.notes as string);
    notesSession.of(request).set('user', 'ada');
    response.json({ ok: true });
  });
  app.get('/notes', (request, response) => {
    const notes = notesSession.of(request).get('notes');
    response.json({ user: notesSession.of(request).get('user') ?? null, length: notes?.length ?? 0, digest: notes === undefined ? null : digest(notes) });
  });
  app.post('/logout', async (request, response) => {
    await notesSession.of(request).destroy();
    response.json({ ok: true });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('chunked cookie sessions in Chromium', () => {
  it('round-trips a 10 KB session over several cookies, shrinks back to one and leaves none after logout', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    const call = (method: string, path: string, body?: unknown) =>
      page.evaluate(
        async ([method, path, body]) => {
          const response = await fetch(path as string, { method: method as string, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
          return { status: response.status, json: await response.json() };
        },
        [method, path, body] as const,
      );
    const names = async () => (await context.cookies(origin)).map((cookie) => cookie.name).sort();

    const notes = randomText(10_240);
    expect((await call('POST', '/notes', { notes })).status).toBe(200);
    const stored = await context.cookies(origin);
    expect(stored.map((cookie) => cookie.name).sort()).toEqual(['sid.0', 'sid.1', 'sid.2', 'sid.3']);
    for (const cookie of stored) {
      expect(cookie.httpOnly).toBe(true);
      expect(cookie.name.length + cookie.value.length).toBeLessThan(4096);
    }
    // The browser sends every chunk back, and the server reads the whole session from them.
    expect((await call('GET', '/notes')).json).toEqual({ user: 'ada', length: notes.length, digest: digest(notes) });

    // A page reload sends the same cookies in a navigation request too.
    await page.reload();
    expect((await call('GET', '/notes')).json).toEqual({ user: 'ada', length: notes.length, digest: digest(notes) });

    const short = 'a short note';
    await call('POST', '/notes', { notes: short });
    expect(await names()).toEqual(['sid']);
    expect((await call('GET', '/notes')).json).toEqual({ user: 'ada', length: short.length, digest: digest(short) });

    await call('POST', '/notes', { notes: randomText(4_000) });
    expect(await names()).toEqual(['sid.0', 'sid.1']);
    await call('POST', '/logout');
    expect(await names()).toEqual([]);
    expect((await call('GET', '/notes')).json).toEqual({ user: null, length: 0, digest: null });
    await context.close();
  });
});
