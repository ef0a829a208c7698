import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node-servers.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'es2022',
});
