import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'provider-utils/index': 'src/provider-utils/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  platform: 'node',
  target: 'node22',
});
