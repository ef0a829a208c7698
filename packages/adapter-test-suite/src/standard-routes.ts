/**
 * The routes every adapter's app serves for the suite, written once against the `Session` API, and
 * the answer of the app's error handler.
 */
import { CsrfError, StoreUnavailableError, type Session, type SessionData, type SessionValues } from '@sess/core';
import type { TestAnswer, TestRoute } from './serve-adapter.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The session's `count`, 0 when unset. */
const countOf = (session: Session<SessionValues>) => Number(session.get('count') ?? 0);

/** Adds one to the session's `count` and answers the new value. */
function increment(session: Session<SessionValues>): string {
  const count = countOf(session) + 1;
  session.set('count', count);
  return String(count);
}

/**
 * The suite's routes: `GET /untouched` (never reads the session), `GET /read` (the count), `GET
 * /count` (adds one), `POST /start` (sets 0), `GET /slow-count` (adds one after a random pause, to
 * race without a lock), `GET /lazy-count` (`load()` first, for lazy mode), `POST /regenerate`, `POST
 * /destroy`, `GET /throw` (adds one, then throws `Error`), `POST /regenerate-throw` (adds one and
 * regenerates, then throws `Error`), `POST /count` (adds one: the unsafe request of the CSRF
 * scenarios), `GET /csrf-token` (the session's masked CSRF token).
 */
export const STANDARD_ROUTES: readonly TestRoute[] = [
  { method: 'GET', path: '/untouched', handle: async () => 'ok' },
  { method: 'GET', path: '/read', handle: async (session) => String(countOf(session)) },
  { method: 'GET', path: '/count', handle: async (session) => increment(session) },
  {
    method: 'POST',
    path: '/start',
    handle: async (session) => {
      session.set('count', 0);
      return '0';
    },
  },
  {
    method: 'GET',
    path: '/slow-count',
    handle: async (session) => {
      const count = countOf(session);
      await sleep(Math.random() * 3);
      session.set('count', count + 1);
      return String(count + 1);
    },
  },
  {
    method: 'GET',
    path: '/lazy-count',
    handle: async (session) => {
      await session.load();
      return increment(session);
    },
  },
  {
    method: 'POST',
    path: '/regenerate',
    handle: async (session) => {
      session.regenerate();
      return 'ok';
    },
  },
  {
    method: 'POST',
    path: '/destroy',
    handle: async (session) => {
      session.destroy();
      return 'ok';
    },
  },
  {
    method: 'GET',
    path: '/throw',
    handle: async (session) => {
      increment(session);
      throw new Error('handler failed');
    },
  },
  {
    method: 'POST',
    path: '/regenerate-throw',
    handle: async (session) => {
      increment(session);
      session.regenerate();
      throw new Error('handler failed');
    },
  },
  { method: 'POST', path: '/count', handle: async (session) => increment(session) },
  { method: 'GET', path: '/csrf-token', handle: async (session) => session.csrfToken() },
];

/**
 * What the suite's apps answer for an error: 503 for a store that is unavailable, 403 for a refused
 * cross-site request (`CsrfError`), else 500; the error's name as text.
 */
export function errorAnswer(error: unknown): TestAnswer {
  return {
    status: StoreUnavailableError.isInstance(error) ? 503 : CsrfError.isInstance(error) ? 403 : 500,
    body: String((error as Error | undefined)?.name),
  };
}
