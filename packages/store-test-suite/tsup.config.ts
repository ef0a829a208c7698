import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  // ESM only: the suites import vitest, which cannot be required.
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
});
