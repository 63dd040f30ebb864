import { defineConfig } from 'vitest/config';

/** Shared vitest settings: colocated `*.test.ts`, node environment, no globals, no network. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globals: false,
    // a guard against hangs, not a speed limit: CI runs two packages' suites at once on two cores
    testTimeout: 90_000,
    hookTimeout: 90_000,
    restoreMocks: true,
    unstubEnvs: true,
    pool: 'threads',
  },
});
