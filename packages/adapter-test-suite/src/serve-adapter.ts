/**
 * The contract between the suite and an adapter's test file: the suite hands over the session
 * interface (or its options) and framework-neutral routes; the test file builds its framework's app
 * with the adapter and those routes, and serves it over real HTTP.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Session, SessionInterface, SessionsOptions, SessionValues } from '@sess/core';

/** One route the suite asks the app to serve. */
export interface TestRoute {
  /** The HTTP method. */
  readonly method: 'GET' | 'POST';
  /** The exact path (no parameters), such as `/count`. */
  readonly path: string;
  /**
   * Runs the route on the request's session. Answer 200 with the text it resolves to (any plain-text
   * way of the framework: `res.send`, `ctx.body`, `c.text`); hand what it rejects with to the
   * framework's error handling, which answers with {@link TestRoutes.onError}.
   */
  readonly handle: (session: Session<SessionValues>) => Promise<string>;
}

/** What the app's error handler answers. */
export interface TestAnswer {
  /** 503 for a `StoreUnavailableError`, 403 for a `CsrfError`, 500 for anything else. */
  readonly status: number;
  /** The error's `name` (`StoreUnavailableError`, `Error`, `RangeError`), as plain text. */
  readonly body: string;
}

/** The routes of one app, and what its error handler answers. */
export interface TestRoutes {
  /** Mount every one of these after the session middleware. */
  readonly list: readonly TestRoute[];
  /**
   * Call it from the framework's error handling with every error that reaches it (a route's, or
   * the middleware's when the store fails to open or save), and answer with what it returns. The
   * suite records the errors: the fuzz property checks that none ever arrives.
   */
  readonly onError: (error: unknown) => TestAnswer;
}

/** A running app, as {@link ServeAdapter} returns it. */
export interface TestServer {
  /** Base URL of the app, such as `http://127.0.0.1:40213`. */
  readonly url: string;
  /** Closes the server and every connection still open (keep-alive ones too). */
  close(): Promise<void>;
}

/**
 * Starts the framework's app with the adapter's middleware, given `sessionsOrOptions` exactly as a
 * user passes them to `session()`, and the suite's `routes`, on a free loopback port. The app may
 * serve routes of its own besides (for the adapter's framework-specific tests).
 *
 * Its server must use Node's lenient parser (`insecureHTTPParser`) so that the fuzz property's raw
 * control characters reach the middleware: {@link listen} does that for any Node request listener.
 */
export type ServeAdapter = (
  sessionsOrOptions: SessionInterface<SessionValues> | SessionsOptions<SessionValues>,
  routes: TestRoutes,
) => Promise<TestServer>;

/**
 * Serves a Node request listener (an Express app, Koa's `app.callback()`, `@hono/node-server`'s
 * `getRequestListener(app.fetch)`) on a free loopback port, as the suite needs it: the lenient
 * parser, and idle keep-alive sockets kept for 2 minutes.
 */
export async function listen(listener: RequestListener): Promise<TestServer> {
  // The lenient parser lets control characters through to the middleware instead of a 400 from Node.
  const server = createServer({ insecureHTTPParser: true }, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Idle keep-alive sockets stay open longer than any pause of a loaded machine: a server closing
  // one just as the client reuses it would be a reset that says nothing about the middleware.
  server.keepAliveTimeout = 120_000;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
