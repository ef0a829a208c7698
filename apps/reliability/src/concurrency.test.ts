/**
 * Concurrent requests of one session. With locking on, two sample-app processes on one Redis (and on
 * one PostgreSQL) take 200 simultaneous increments of one session, half each, and end at exactly
 * 200: no lost update across processes. With locking off, 100 simultaneous requests each setting a
 * different key of one session all survive, because the core writes only the changed keys (`patch`).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createSessions } from '@sess/core';
import { session } from '@sess/express';
import { RedisStore } from '@sess/store-redis';
import { START_COMMANDS } from '@sess/test-servers';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { DemoProcess } from './demo-process.js';
import { requireServer, SERVER_URLS } from './servers.js';
import { Visitor, type SessionView } from './visitor.js';

const INCREMENTS = 200;
const KEYS = 100;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each([
  ['redis', { SESSION_STORE: 'redis', REDIS_URL: SERVER_URLS.redis }],
  ['postgres', { SESSION_STORE: 'postgres', DATABASE_URL: SERVER_URLS.postgres }],
] as const)('two processes on one %s with locking on', (backend, environment) => {
  it(`count ${INCREMENTS} concurrent increments of one session exactly`, { timeout: 90_000 }, async () => {
    await requireServer(backend);
    const hint = `Start ${backend} with: ${START_COMMANDS[backend]}`;
    const apps = await Promise.all(
      [0, 1].map(() => DemoProcess.start({ environment: { ...environment, SESSION_LOCKING: 'true' }, hint })),
    );
    for (const app of apps) cleanups.push(() => app.stop());

    // One session, created on the first process; both processes then share its cookie.
    const first = new Visitor(apps[0]!.url, 60_000);
    expect((await first.request('POST', '/api/cart', { item: 'shared' })).status).toBe(200);
    const cookie = first.cookie!;
    expect(cookie).toMatch(/^sid=/);

    const answers = await Promise.all(
      Array.from({ length: INCREMENTS }, (_, index) => {
        const visitor = new Visitor(apps[index % 2]!.url, 60_000);
        visitor.cookie = cookie;
        return visitor.request('POST', '/api/counter');
      }),
    );
    expect(answers.filter((answer) => answer.status !== 200).map((answer) => `${answer.status} ${JSON.stringify(answer.body)}`)).toEqual([]);
    // Each increment saw the one before it: the answers are exactly 1..200, each once.
    const counts = answers.map((answer) => (answer.body as { count: number }).count).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: INCREMENTS }, (_, index) => index + 1));

    for (const app of apps) {
      const reader = new Visitor(app.url);
      reader.cookie = cookie;
      const answer = await reader.request('GET', '/api/session');
      expect(answer.body).toEqual({ user: null, count: INCREMENTS, cart: ['shared'] } satisfies SessionView);
    }
  });
});

describe('one process on Redis with locking off', () => {
  it(`keeps all ${KEYS} keys set by concurrent requests of one session`, { timeout: 60_000 }, async () => {
    await requireServer('redis');
    const prefix = `sess-reliability-${process.pid}-${Date.now()}:`;
    const store = new RedisStore({ url: SERVER_URLS.redis, prefix });
    cleanups.push(async () => {
      await store.clear();
      await store.close();
    });
    const app = express();
    app.use(session(createSessions({ store, secret: 'reliability-secret-0123456789-abcdefghijklmnopqrstuvwxyz', locking: false })));
    app.post('/start', (request, response) => {
      request.session.set('started', true);
      response.json({ ok: true });
    });
    // Reads the session, then yields before writing, so that the requests really overlap.
    app.post('/set/:index', async (request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      request.session.set(`key_${request.params.index}`, Number(request.params.index));
      response.json({ ok: true });
    });
    app.get('/keys', (request, response) => {
      response.json(Object.fromEntries(request.session.entries()));
    });
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    cleanups.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const visitor = new Visitor(base, 30_000);
    expect((await visitor.request('POST', '/start')).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: KEYS }, (_, index) => {
        const concurrent = new Visitor(base, 30_000);
        concurrent.cookie = visitor.cookie;
        return concurrent.request('POST', `/set/${index}`);
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: KEYS }, () => 200));

    const { body } = await visitor.request('GET', '/keys');
    const expected: Record<string, unknown> = { started: true };
    for (let index = 0; index < KEYS; index += 1) expected[`key_${index}`] = index;
    expect(body).toEqual(expected);
  });
});
