import { fileURLToPath } from 'node:url';

/** The app of @sess/next's tests; the monorepo's root is the root of its module graph. */
export default {
  turbopack: { root: fileURLToPath(new URL('../../..', import.meta.url)) },
  outputFileTracingRoot: fileURLToPath(new URL('../../..', import.meta.url)),
};
