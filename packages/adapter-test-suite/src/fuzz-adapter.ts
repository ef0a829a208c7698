/**
 * The fuzz property every sess adapter must hold: hostile `Cookie` headers over real sockets.
 * Whatever a client sends, the app answers below 500, no error reaches the framework's error
 * handling, and the store only ever sees well-formed IDs, and only the ID of the one correctly
 * signed cookie.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createSessions, isValidStoreId, MemoryStore, type LockOptions, type SessionPatch, type SessionRecord, type Unlock } from '@sess/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeAdapter, TestRoute, TestServer } from './serve-adapter.js';
import { errorAnswer } from './standard-routes.js';

/** Options of {@link fuzzAdapter}. */
export interface FuzzAdapterOptions {
  /** Name of the `describe` block's subject, such as `Express middleware`. */
  name: string;
  /** Starts the framework's app with the adapter and the given routes (see {@link ServeAdapter}). */
  serve: ServeAdapter;
  /**
   * Cases sent with Node's HTTP client; a tenth of them (at least 300) go as raw bytes, one
   * connection each.
   * @default the FUZZ_RUNS environment variable, else 3,400 (the three adapters of sess add up to 10,200 in CI)
   */
  runs?: number;
}

const MAX_HEADER_BYTES = 8192;
const secret = 'a fuzzing secret that is long enough to sign cookies';

/** A MemoryStore that records the ID of every call, to prove what reaches a store. */
class RecordingStore extends MemoryStore {
  readonly calls: Array<{ method: string; id: string }> = [];
  override get(id: string) {
    this.calls.push({ method: 'get', id });
    return super.get(id);
  }
  override set(id: string, record: SessionRecord) {
    this.calls.push({ method: 'set', id });
    return super.set(id, record);
  }
  override destroy(id: string) {
    this.calls.push({ method: 'destroy', id });
    return super.destroy(id);
  }
  override touch(id: string, expiresAt: number) {
    this.calls.push({ method: 'touch', id });
    return super.touch(id, expiresAt);
  }
  override patch(id: string, change: SessionPatch, expiresAt: number) {
    this.calls.push({ method: 'patch', id });
    return super.patch(id, change, expiresAt);
  }
  override lock(id: string, options: LockOptions): Promise<Unlock> {
    this.calls.push({ method: 'lock', id });
    return super.lock(id, options);
  }
}

interface Answer {
  status: number;
  setCookies: string[];
}

/** One request through Node's HTTP client (keep-alive); `cookies` are latin1 header values. */
function send(agent: Agent, port: number, method: string, path: string, cookies: string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method, path, agent, timeout: 15_000, headers: cookies.length > 0 ? { cookie: cookies } : {} },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, setCookies: incoming.headers['set-cookie'] ?? [] }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${path}: no answer within 15 s`)));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** One request written as raw bytes on its own connection, each cookie on its own `Cookie` line. */
function sendRaw(port: number, method: string, path: string, cookies: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error(`${method} ${path}: no answer within 15 s`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const head = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1];
      if (status === undefined) reject(new Error(`${method} ${path}: no HTTP answer (${JSON.stringify(head.slice(0, 80))})`));
      else resolve(Number(status));
    });
    const lines = cookies.map((cookie) => `Cookie: ${cookie}\r\n`).join('');
    // write, not end: Node's server drops the pending answer of a client that half-closes first.
    socket.write(Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines}Content-Length: 0\r\n\r\n`, 'latin1'));
  });
}

const BASE64URL = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
const token = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...BASE64URL), minLength, maxLength });

/** Cookie values a hostile or broken client sends, built around the one real cookie value. */
function cookieValue(real: string): fc.Arbitrary<string> {
  const [realId = '', realSignature = ''] = real.split('.');
  const control = fc.string({ unit: fc.integer({ min: 1, max: 0x1f }).map((code) => String.fromCharCode(code)), maxLength: 20 });
  const percent = fc
    .array(fc.oneof(fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`), fc.constantFrom('%', '%z', '%E0%A4', '%%')), {
      maxLength: 30,
    })
    .map((parts) => parts.join(''));
  const flipped = fc.nat({ max: real.length - 1 }).map((index) => real.slice(0, index) + (real[index] === 'A' ? 'B' : 'A') + real.slice(index + 1));
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    control,
    percent,
    fc.tuple(token(43, 43), token(43, 43)).map(([id, signature]) => `${id}.${signature}`),
    fc.tuple(token(0, 200), token(0, 200)).map(([id, signature]) => `${id}.${signature}`),
    token(43, 43).map((signature) => `${realId}.${signature}`),
    token(43, 43).map((id) => `${id}.${realSignature}`),
    flipped,
    fc.constant(real),
    fc.constant(`"${real}"`),
    fc.constant([...real].map((character) => `%${character.charCodeAt(0).toString(16)}`).join('')),
    fc.string({ maxLength: 20 }).map((noise) => real + noise),
    fc.string({ maxLength: 20 }).map((noise) => noise + real),
  );
}

/** Whole `Cookie` headers (before wire encoding): pairs with duplicate and odd names, or noise up to 8 KB. */
function cookieHeader(real: string): fc.Arbitrary<string> {
  const name = fc.oneof(fc.constantFrom('sid', 'sid', 'SID', ' sid', 'sid ', '\tsid', '__Host-sid', 'other', '', '$Version'), fc.string({ maxLength: 10 }));
  const pair = fc.tuple(name, cookieValue(real)).map(([key, value]) => `${key}=${value}`);
  return fc.oneof(
    fc.tuple(fc.array(pair, { minLength: 1, maxLength: 8 }), fc.constantFrom('; ', ';', ',', ' ;', ';;')).map(([pairs, separator]) => pairs.join(separator)),
    fc.array(pair, { minLength: 20, maxLength: 120 }).map((pairs) => pairs.join('; ')),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ maxLength: MAX_HEADER_BYTES }),
  );
}

/** UTF-8 bytes as a latin1 string (what a browser puts on the wire), cut to `budget` bytes. */
function toWire(text: string, budget: number): string {
  return Buffer.from(text, 'utf8').toString('latin1').slice(0, budget);
}

const route = fc.constantFrom(['GET', '/read'], ['POST', '/write'], ['GET', '/untouched']);

/** The routes of the fuzzed app: one that reads the session, one that writes it, one that ignores it. */
const FUZZ_ROUTES: readonly TestRoute[] = [
  { method: 'GET', path: '/read', handle: async (session) => String(session.get('n') ?? 0) },
  {
    method: 'POST',
    path: '/write',
    handle: async (session) => {
      session.set('n', Number(session.get('n') ?? 0) + 1);
      return 'ok';
    },
  },
  { method: 'GET', path: '/untouched', handle: async () => 'ok' },
];

/**
 * Registers `describe(`${name} under hostile Cookie headers`)`: fast-check sends `runs` generated
 * `Cookie` headers through Node's HTTP client (keep-alive) and a tenth of that as raw bytes, and
 * checks every answer and every store call.
 */
export function fuzzAdapter({ name, serve, runs = Number(process.env.FUZZ_RUNS ?? 3_400) }: FuzzAdapterOptions): void {
  const RUNS = runs;
  /** Cases sent as raw bytes, one connection each: control characters no HTTP client would send. */
  const RAW_RUNS = Math.max(300, Math.round(RUNS / 10));
  const store = new RecordingStore();
  const errors: unknown[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let server: TestServer;
  let port = 0;

  describe(`${name} under hostile Cookie headers`, () => {
    beforeAll(async () => {
      server = await serve(createSessions({ store, secret }), {
        list: FUZZ_ROUTES,
        onError: (error) => {
          errors.push(error);
          return errorAnswer(error);
        },
      });
      port = Number(new URL(server.url).port);
    });

    afterAll(async () => {
      agent.destroy();
      await server.close();
      await store.close();
    });

    let real = '';
    let realStoreId = '';

    beforeAll(async () => {
      const seeded = await send(agent, port, 'POST', '/write', []);
      real = /^sid=([^;]*)/.exec(seeded.setCookies[0] ?? '')?.[1] ?? '';
      realStoreId = store.calls.find((call) => call.method === 'set')?.id ?? '';
      expect(real).toMatch(/^[\w-]+\.[\w-]+$/);
      expect(isValidStoreId(realStoreId)).toBe(true);
    });

    /** Checks what one request did to the store; `header` is every Cookie line, as the server read them. */
    function checkStoreCalls(header: string): void {
      for (const call of store.calls) {
        expect(isValidStoreId(call.id), `${call.method}(${JSON.stringify(call.id)})`).toBe(true);
        // A new visitor's session is written under a fresh ID; anything else touches the real one only.
        if (call.method !== 'set') expect(call.id).toBe(realStoreId);
      }
      // A header without the correctly signed cookie never makes the store read anything.
      if (!header.includes(real)) expect(store.calls.filter((call) => call.method !== 'set')).toEqual([]);
      expect(errors).toEqual([]);
    }

    it(`answers every header below 500 and hands the store only the real ID (${RUNS} cases over HTTP)`, { timeout: 60_000 + RUNS * 20 }, async () => {
      const cookies = fc.array(cookieHeader(real), { minLength: 0, maxLength: 3 });
      let served = 0;
      await fc.assert(
        fc.asyncProperty(cookies, route, async (headers, [method, path]) => {
          // Node's client refuses control characters other than tab: those go through the raw test.
          let budget = MAX_HEADER_BYTES;
          const wire = headers.map((header) => {
            const value = toWire(header, budget).replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
            budget -= value.length;
            return value;
          });
          store.calls.length = 0;
          const answer = await send(agent, port, method, path, wire);
          expect(answer.status).toBeLessThan(500);
          if (answer.status === 200) served += 1;
          checkStoreCalls(wire.join('; '));
        }),
        { numRuns: RUNS },
      );
      // Not a vacuous pass: the requests reached the routes.
      expect(served).toBe(RUNS);
    });

    it(`answers raw requests carrying control characters below 500 (${RAW_RUNS} cases, one socket each)`, { timeout: 60_000 + RAW_RUNS * 50 }, async () => {
      const cookies = fc.array(cookieHeader(real), { minLength: 1, maxLength: 3 });
      let served = 0;
      await fc.assert(
        fc.asyncProperty(cookies, route, async (headers, [method, path]) => {
          // CR, LF and NUL would end or break the header line itself; every other byte goes as is.
          let budget = MAX_HEADER_BYTES;
          const wire = headers.map((header) => {
            const value = toWire(header, budget).replace(/[\r\n\0]/g, '');
            budget -= value.length;
            return value;
          });
          store.calls.length = 0;
          const status = await sendRaw(port, method, path, wire);
          expect(status).toBeLessThan(500);
          if (status === 200) served += 1;
          checkStoreCalls(wire.join('; '));
        }),
        { numRuns: RAW_RUNS },
      );
      // Most raw requests get past Node's parser to the middleware (a header Node cannot parse is a 400).
      expect(served).toBeGreaterThan(RAW_RUNS / 2);
    });
  });
}
