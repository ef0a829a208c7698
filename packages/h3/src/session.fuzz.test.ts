/**
 * Hostile `Cookie` headers against h3 session handlers on h3's Node listener, over real sockets
 * (the property of `@sess/adapter-test-suite`'s `fuzzAdapter`). `FUZZ_RUNS` raises the number of
 * cases for the long run.
 */
import { fuzzAdapter } from '@sess/adapter-test-suite';
import { serveH3 } from './testing/serve-h3.js';

fuzzAdapter({ name: 'h3 session handler', serve: serveH3 });
