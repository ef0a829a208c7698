/**
 * Hostile `Cookie` headers against `withSession` on Node through `@hono/node-server` (each major),
 * over real sockets (the property of `@sess/adapter-test-suite`'s `fuzzAdapter`). `FUZZ_RUNS`
 * raises the number of cases for the long run.
 */
import { fuzzAdapter } from '@sess/adapter-test-suite';
import { nodeServers } from '@sess/test-servers/node-servers';
import { serveFetchOn } from './testing/serve-fetch.js';

for (const nodeServer of nodeServers) fuzzAdapter({ name: `withSession over ${nodeServer.name}`, serve: serveFetchOn(nodeServer) });
