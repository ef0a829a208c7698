/**
 * Hostile `Cookie` headers against the Hono middleware on `@hono/node-server` (each major), over
 * real sockets (the property of `@sess/adapter-test-suite`'s `fuzzAdapter`). `FUZZ_RUNS` raises the
 * number of cases for the long run (`pnpm --filter reliability test:fuzz`).
 */
import { fuzzAdapter } from '@sess/adapter-test-suite';
import { nodeServers } from '@sess/test-servers/node-servers';
import { serveHonoOn } from './testing/serve-hono.js';

for (const nodeServer of nodeServers) fuzzAdapter({ name: `Hono middleware on ${nodeServer.name}`, serve: serveHonoOn(nodeServer) });
