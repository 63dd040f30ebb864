import { defineConfig, mergeConfig } from 'vitest/config';
import base from '@mastra-ts/vitest-config';

// packing and installing takes seconds per package
export default mergeConfig(base, defineConfig({ test: { testTimeout: 180_000, hookTimeout: 180_000 } }));
