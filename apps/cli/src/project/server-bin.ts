import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The path of `@mastra-ts/server`'s `mastra-ts-server` bin (its package exports no subpath for it). */
export function serverBinPath(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@mastra-ts/server/package.json');
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['mastra-ts-server'];
  if (!bin) throw new Error(`@mastra-ts/server at ${path.dirname(manifest)} has no mastra-ts-server bin: reinstall @mastra-ts/cli`);
  return path.join(path.dirname(manifest), bin);
}
