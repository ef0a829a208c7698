import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Every test talks to child processes over HTTP; a store outage test waits for recovery.
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Lists every test, so a CI log shows which store and app failed.
    reporters: ['default'],
  },
});
