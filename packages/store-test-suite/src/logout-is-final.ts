/**
 * Through the core, against the store under test: a logout stays a logout whatever another
 * request of the same session was doing meanwhile (renewing, changing a value, setting the owner,
 * regenerating). Such a request loaded the session before the logout and saves after it; it must
 * not write the old record back.
 */
import { createSessions, type Session, type SessionInterface, type SessionResponse, type Store } from '@sess/core';
import { describe, expect, it } from 'vitest';

const SECRET = 'a secret of the store suite, long enough to sign cookies';

type Data = Record<string, unknown>;

/** A response that keeps its headers, and the cookie the session set. */
class Response implements SessionResponse {
  readonly headers = new Map<string, string>();
  readonly cookies: string[] = [];
  getHeader(name: string): string | undefined {
    return this.headers.get(name.toLowerCase());
  }
  setHeader(name: string, value: string): void {
    this.headers.set(name.toLowerCase(), value);
  }
  appendHeader(name: string, value: string): void {
    if (name.toLowerCase() === 'set-cookie') this.cookies.push(value);
  }
}

/** Saves `session` and returns the response it wrote. */
async function save(sessions: SessionInterface<Data>, session: Session<Data>): Promise<Response> {
  const response = new Response();
  await sessions.save(session, response);
  return response;
}

/** The Cookie header for the session cookie in `response`. */
function cookieOf(response: Response): string {
  const line = response.cookies[0]!;
  return line.slice(0, line.indexOf(';'));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the request in flight does after the logout, before it saves. */
const IN_FLIGHT: ReadonlyArray<[string, (session: Session<Data>) => void]> = [
  ['renews it', () => undefined],
  ['changes a value', (session) => session.set('cart', ['book'])],
  ['sets the owner', (session) => (session.owner = 'grace')],
  ['regenerates it', (session) => session.regenerate()],
];

/** Registers the scenarios for the store `current()` returns (the suite's store of the running test). */
export function describeLogoutIsFinal(current: () => Store, canDestroyByOwner: boolean): void {
  describe('through the core: a logout stays a logout', () => {
    const logouts: Array<[string, (sessions: SessionInterface<Data>, cookie: string) => Promise<void>]> = [
      [
        'destroy()',
        async (sessions, cookie) => {
          const session = await sessions.open({ cookie });
          session.destroy();
          await save(sessions, session);
        },
      ],
    ];
    if (canDestroyByOwner) logouts.push(['destroyAll(owner)', async (sessions) => void (await sessions.destroyAll('ada'))]);

    for (const [logout, end] of logouts) {
      it.each(IN_FLIGHT)(`after ${logout}, a request in flight that %s does not bring the session back`, async (_what, act) => {
        // touchAfter 0: every request renews, so "renews it" writes too.
        const sessions = createSessions<Data>({ store: current(), secret: SECRET, touchAfter: 0, idleTimeout: 600 });
        const login = await sessions.open({ cookie: undefined });
        login.set('user', 'ada');
        login.owner = 'ada';
        const cookie = cookieOf(await save(sessions, login));

        const inFlight = await sessions.open({ cookie });
        expect(inFlight.get('user')).toBe('ada');
        await end(sessions, cookie);
        await sleep(5);
        act(inFlight);
        const late = await save(sessions, inFlight);

        expect((await sessions.open({ cookie })).isNew).toBe(true);
        // Nor under a cookie the late request handed out.
        for (const line of late.cookies) {
          const reopened = await sessions.open({ cookie: line.slice(0, line.indexOf(';')) });
          expect(reopened.get('user')).toBeUndefined();
        }
      });
    }
  });
}
