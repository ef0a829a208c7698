/**
 * Hostile `Cookie` headers against `withSession` on Node through `@hono/node-server`, over real
 * sockets (the property of `@sess/adapter-test-suite`'s `fuzzAdapter`). `FUZZ_RUNS` raises the
 * number of cases for the long run.
 */
import { fuzzAdapter } from '@sess/adapter-test-suite';
import { serveFetch } from './testing/serve-fetch.js';

fuzzAdapter({ name: 'withSession over @hono/node-server', serve: serveFetch });
