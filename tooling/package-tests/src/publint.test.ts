import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { publishedPackages } from './workspace.ts';

describe('every published package passes publint', () => {
  for (const pkg of publishedPackages()) {
    // turbo builds every published package first: they are all devDependencies of this package
    it(`${pkg.name}`, async () => {
      const { messages, pkg: manifest } = await publint({ pkgDir: pkg.dir, level: 'warning', pack: 'pnpm' });
      expect(messages.map((message) => formatMessage(message, manifest))).toEqual([]);
    });
  }

  it('every published package has a README, an exports map, a build script and engines >=22', () => {
    for (const pkg of publishedPackages()) {
      expect(existsSync(join(pkg.dir, 'README.md')), `${pkg.name} README.md`).toBe(true);
      expect(pkg.manifest.exports, `${pkg.name} exports`).toBeTypeOf('object');
      expect((pkg.manifest.scripts as Record<string, string>).build, `${pkg.name} build script`).toBeTypeOf('string');
      expect((pkg.manifest.scripts as Record<string, string>).test, `${pkg.name} test script`).toBe('vitest run');
      // >=22, or a later 22.x minor when the package needs it (the CLI runs TypeScript through type stripping, 22.18+)
      expect((pkg.manifest.engines as { node?: string } | undefined)?.node, `${pkg.name} engines`).toMatch(/^>=22(\.\d+){0,2}$/);
    }
  });
});
