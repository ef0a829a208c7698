import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
  // Next's and React's own modules are the app's: never bundled.
  external: [/^next(\/|$)/, 'react'],
});
