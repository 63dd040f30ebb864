import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts', 'src/serve.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  platform: 'node',
  target: 'node22',
});
