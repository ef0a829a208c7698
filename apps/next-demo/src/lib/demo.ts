/**
 * What every route of the Next sample app shares: the demo's actions and sessions (made on the
 * first request, from the same environment as the other sample apps), and the translation of a
 * Route Handler's request and a `DemoResult` answer. The routes only pick the action.
 */
import { nextSessions, type NextSessions } from '@sess/next';
import {
  createDemoSessions,
  DemoActions,
  readDemoConfig,
  readRequestBody,
  responseOf,
  wantsJson,
  type DemoResult,
  type DemoSession,
  type RequestBody,
} from 'demo-kit';
import type { NextRequest } from 'next/server';
import { DEMO_OPTIONS } from './demo-options';

interface Demo {
  actions: DemoActions;
  sessions: NextSessions;
}

let demo: Promise<Demo> | undefined;

/**
 * The demo, made on first use: not while `next build` loads the routes, which must not open a
 * store. `src/server.ts` has already checked the configuration and warned about a development secret.
 */
export function getDemo(): Promise<Demo> {
  demo ??= (async () => {
    const config = readDemoConfig(DEMO_OPTIONS);
    const actions = new DemoActions(config, await createDemoSessions(config));
    // A store that is down, a lock not had, a cross-site request: the kit's answers (503, 403).
    const sessions = nextSessions(actions.sessions, { failureResponse: (error, request) => send(actions.error(error, answersJson(actions, request))) });
    return { actions, sessions };
  })();
  return demo;
}

/** A `DemoResult` as a `Response`. */
export function send(result: DemoResult): Response {
  const { status, headers, body } = responseOf(result);
  return new Response(body, { status, headers });
}

/** Whether the client asked for JSON (`Accept`, or a JSON body). */
export function json(request: Request): boolean {
  return wantsJson({ accept: request.headers.get('accept') ?? undefined, contentType: request.headers.get('content-type') ?? undefined });
}

/** Whether an error on this request is answered as JSON (every `/api/` route, or what it asks for). */
function answersJson(actions: DemoActions, request: Request): boolean {
  return actions.answersJson(new URL(request.url).pathname, {
    accept: request.headers.get('accept') ?? undefined,
    contentType: request.headers.get('content-type') ?? undefined,
  });
}

/** The kit's reader: urlencoded and JSON only, with a size limit (413), 415 for other types, 400 for bad JSON. */
export function body(request: Request): Promise<RequestBody> {
  return readRequestBody(request.body, {
    contentType: request.headers.get('content-type') ?? undefined,
    contentLength: request.headers.get('content-length') ?? undefined,
  });
}

/** One route of the contract: what it does with the demo's actions, the session and the request. */
export type DemoRoute = (actions: DemoActions, session: DemoSession, request: NextRequest) => DemoResult | Promise<DemoResult>;

/**
 * A Route Handler for `route`, with the session of `@sess/next`. Every error, from the route (a
 * refused body) or from saving (a session too large for its cookie), becomes the kit's answer.
 */
export function handle(route: DemoRoute): (request: NextRequest) => Promise<Response> {
  return async (request) => {
    const { actions, sessions } = await getDemo();
    try {
      return await sessions.route(async (session) => send(await route(actions, session, request)))(request, undefined);
    } catch (error) {
      return send(actions.error(error, answersJson(actions, request)));
    }
  };
}
