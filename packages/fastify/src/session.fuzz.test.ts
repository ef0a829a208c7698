/**
 * Hostile `Cookie` headers against the Fastify plugin, over real sockets (the property of
 * `@sess/adapter-test-suite`'s `fuzzAdapter`). `FUZZ_RUNS` raises the number of cases for the long
 * run (`pnpm --filter reliability test:fuzz`).
 */
import { fuzzAdapter } from '@sess/adapter-test-suite';
import Fastify from 'fastify';
import { serveFastify } from './testing/serve-fastify.js';

fuzzAdapter({ name: 'Fastify plugin', serve: serveFastify(Fastify) });
