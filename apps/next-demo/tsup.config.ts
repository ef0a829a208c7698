import { defineConfig } from 'tsup';

// Only the Node server; the app itself (src/app) is built by `next build`.
export default defineConfig({
  entry: ['src/server.ts'],
  format: ['esm'],
  clean: true,
  target: 'es2022',
});
