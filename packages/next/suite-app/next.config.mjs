import { fileURLToPath } from 'node:url';

/**
 * The app that runs `@sess/adapter-test-suite` on @sess/next: one Route Handler for every path,
 * served in the test process (see src/next-suite.test.ts). The monorepo's root is the root of its
 * module graph.
 */
export default {
  turbopack: { root: fileURLToPath(new URL('../../..', import.meta.url)) },
  outputFileTracingRoot: fileURLToPath(new URL('../../..', import.meta.url)),
};
