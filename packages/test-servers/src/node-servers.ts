/**
 * The two majors of `@hono/node-server` the Node tests of the Web adapters (`@sess/hono`,
 * `@sess/fetch`) serve through: 1.x, the one they were first tested on, and 2.x, the current major
 * (the benchmarks', and new users'). The session's headers take a path of their own on
 * node-server's responses (see `WebResponseHeaders` in `@sess/core`), read from its internals: each
 * major is tested, so a release that changes them fails a test instead of falling back unnoticed.
 */
import { getRequestListener as getRequestListener1 } from '@hono/node-server';
import { getRequestListener as getRequestListener2 } from '@hono/node-server-2';

/** One major of `@hono/node-server`, by the name the tests are listed under. */
export interface NodeServer {
  /** `@hono/node-server 1` or `@hono/node-server 2`. */
  name: string;
  /**
   * The major's bridge from a fetch handler to a Node request listener. Unless told otherwise it
   * makes the global `Request` and `Response` node-server's own, those of this major: the tests of
   * one major run one after the other, each making its server first.
   */
  getRequestListener: typeof getRequestListener1;
}

/** Both majors, for `describe.each` and the adapter suites. */
export const nodeServers: readonly NodeServer[] = [
  { name: '@hono/node-server 1', getRequestListener: getRequestListener1 },
  { name: '@hono/node-server 2', getRequestListener: getRequestListener2 },
];
