import { defineConfig } from 'vitest/config';

// Only this package's own tests: the blocks it writes out include test files of the guides.
export default defineConfig({ test: { include: ['src/**/*.test.ts'] } });
