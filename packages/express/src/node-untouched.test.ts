import http, { ClientRequest, IncomingMessage, OutgoingMessage, ServerResponse } from 'node:http';
import { CookieJar, listen, MapStore, TEST_SECRET } from '@sess/adapter-test-suite';
import { createSessions } from '@sess/core';
import express5, { type Express } from 'express';
import express4 from 'express4';
import { describe, expect, it } from 'vitest';
import { session } from './index.js';

/** Every own property of `target`, with its descriptor, to compare before and after. */
function snapshot(target: object): Map<PropertyKey, PropertyDescriptor> {
  return new Map(Reflect.ownKeys(target).map((key) => [key, Object.getOwnPropertyDescriptor(target, key)!]));
}

const shared = { ServerResponse: ServerResponse.prototype, OutgoingMessage: OutgoingMessage.prototype, ClientRequest: ClientRequest.prototype, IncomingMessage: IncomingMessage.prototype };

describe.each([
  ['express 5', express5],
  ['express 4', express4],
])('%s', (_name, express: () => Express) => {
  it("changes nothing outside the app: Node's http prototypes and Express's own response object stay as they were", async () => {
    const before = Object.fromEntries(Object.entries({ ...shared, express: (express as unknown as { response: object }).response }).map(([name, target]) => [name, snapshot(target)]));
    const app = express();
    app.use(session(createSessions({ store: new MapStore(20), secret: TEST_SECRET })));
    app.post('/count', (request, response) => {
      request.session.set('count', (request.session.get('count') ?? 0) + 1);
      response.json({ count: request.session.get('count') });
    });
    // An app of the same process without sessions.
    const other = express();
    other.get('/', (_request, response) => void response.send('plain'));
    const server = await listen(app);
    const otherServer = await listen(other);
    try {
      const jar = new CookieJar(server.url);
      for (let i = 1; i <= 2; i++) expect(await (await jar.fetch('/count', { method: 'POST' })).json()).toEqual({ count: i });
      // An outgoing request of the same process, through Node's own client.
      const port = Number(new URL(otherServer.url).port);
      const body = await new Promise<string>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        }).on('error', reject);
      });
      expect(body).toBe('plain');
      const after = Object.fromEntries(Object.entries({ ...shared, express: (express as unknown as { response: object }).response }).map(([name, target]) => [name, snapshot(target)]));
      expect(after).toEqual(before);
      // The other app's own response object is untouched too.
      expect(Reflect.ownKeys(other.response)).toEqual(['app']);
    } finally {
      await server.close();
      await otherServer.close();
    }
  });

  it('leaves each request and response the own properties they would have without sessions, in the same order, plus req.session', async () => {
    /** The own keys of the request and response as the handler sees them, and once the response finished. */
    async function keysSeen(withSessions: boolean) {
      const app = express();
      // The same number of middleware in both: each one moves where Express's router adds its properties.
      app.use(withSessions ? session(createSessions({ store: new MapStore(), secret: TEST_SECRET })) : (_request, _response, next) => next());
      const seen: { request: PropertyKey[]; response: PropertyKey[]; finished?: PropertyKey[] } = { request: [], response: [] };
      let finished!: () => void;
      const done = new Promise<void>((resolve) => (finished = resolve));
      app.post('/', (request, response) => {
        if (withSessions) request.session.set('count', 1);
        seen.request = Reflect.ownKeys(request);
        seen.response = Reflect.ownKeys(response);
        response.on('finish', () => {
          seen.finished = Reflect.ownKeys(response);
          finished();
        });
        response.json({ ok: true });
      });
      const server = await listen(app);
      try {
        expect((await fetch(server.url, { method: 'POST' })).status).toBe(200);
        await done;
      } finally {
        await server.close();
      }
      return seen;
    }
    const bare = await keysSeen(false);
    const withSessions = await keysSeen(true);
    expect(withSessions.request.filter((key) => key !== 'session')).toEqual(bare.request);
    expect(withSessions.request.filter((key) => key === 'session')).toHaveLength(1);
    expect(withSessions.response).toEqual(bare.response);
    expect(withSessions.finished).toEqual(bare.finished);
  });
});

