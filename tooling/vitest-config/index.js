import { defineConfig } from 'vitest/config';

/** Shared vitest settings: colocated `*.test.ts`, node environment, no globals, no network. */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globals: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    restoreMocks: true,
    unstubEnvs: true,
    pool: 'threads',
  },
});
