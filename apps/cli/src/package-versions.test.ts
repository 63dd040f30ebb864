import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageVersions } from './package-versions.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('packageVersions', () => {
  it('matches the version in every published package’s package.json (rebuild the CLI when it does not)', () => {
    const actual: Record<string, string> = {};
    for (const group of ['packages', 'apps']) {
      for (const name of readdirSync(path.join(root, group))) {
        const file = path.join(root, group, name, 'package.json');
        if (!existsSync(file)) continue;
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; private?: boolean };
        if (!pkg.private) actual[pkg.name] = pkg.version;
      }
    }
    expect(packageVersions).toEqual(actual);
  });
});
