/**
 * Hostile `Cookie` headers against the Hono middleware on `@hono/node-server`, over real sockets
 * (the property of `@sess/adapter-test-suite`'s `fuzzAdapter`). `FUZZ_RUNS` raises the number of
 * cases for the long run (`pnpm --filter reliability test:fuzz`).
 */
import { fuzzAdapter } from '@sess/adapter-test-suite';
import { serveHono } from './testing/serve-hono.js';

fuzzAdapter({ name: 'Hono middleware', serve: serveHono });
