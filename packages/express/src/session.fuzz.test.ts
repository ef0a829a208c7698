/**
 * Hostile `Cookie` headers against the Express middleware, over real sockets (the property of
 * `@sess/adapter-test-suite`'s `fuzzAdapter`). `FUZZ_RUNS` raises the number of cases for the long
 * run (`pnpm --filter reliability test:fuzz`).
 */
import { fuzzAdapter } from '@sess/adapter-test-suite';
import express from 'express';
import { serveExpress } from './testing/serve-express.js';

fuzzAdapter({ name: 'Express middleware', serve: serveExpress(express) });
