/**
 * Hostile `Cookie` headers against the Koa middleware, over real sockets (the property of
 * `@sess/adapter-test-suite`'s `fuzzAdapter`). `FUZZ_RUNS` raises the number of cases for the long
 * run (`pnpm --filter reliability test:fuzz`).
 */
import { fuzzAdapter } from '@sess/adapter-test-suite';
import Koa from 'koa';
import { serveKoa } from './testing/serve-koa.js';

fuzzAdapter({ name: 'Koa middleware', serve: serveKoa(Koa) });
