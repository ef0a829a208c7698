import { defineConfig } from 'tsup';

export default defineConfig({
  // `bin` is the `sess` command (package.json's `bin` points at its ESM build).
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  target: 'es2022',
});
