import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedPackages, root } from './workspace.ts';

interface ReleasePlan {
  releases: Array<{ name: string; type: string; oldVersion: string; newVersion: string }>;
}

describe('changesets', () => {
  it('a patch to core bumps core and leaves peer dependents in range (no forced majors)', () => {
    const work = mkdtempSync(join(tmpdir(), 'mastra-changesets-'));
    for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
      mkdirSync(join(work, file, '..'), { recursive: true });
      cpSync(join(root, file), join(work, file));
    }
    for (const pkg of publishedPackages()) {
      const target = join(work, relative(root, pkg.dir));
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'package.json'), readFileSync(join(pkg.dir, 'package.json')));
    }
    for (const dir of ['tooling/tsconfig', 'tooling/vitest-config', 'tooling/conformance', 'tooling/fake-providers', 'tooling/package-tests']) {
      mkdirSync(join(work, dir), { recursive: true });
      cpSync(join(root, dir, 'package.json'), join(work, dir, 'package.json'));
    }
    const git = (...args: string[]): void => {
      execFileSync('git', args, { cwd: work, stdio: 'pipe' });
    };
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'add', '-A');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-qm', 'base');
    writeFileSync(join(work, '.changeset/core-fix.md'), '---\n"@mastra-ts/core": patch\n---\n\nfix(core): a patch\n');
    const changeset = join(root, 'node_modules/.bin/changeset');
    execFileSync(changeset, ['status', '--output=plan.json'], { cwd: work, stdio: 'pipe' });
    const plan = JSON.parse(readFileSync(join(work, 'plan.json'), 'utf8')) as ReleasePlan;
    const core = plan.releases.find((release) => release.name === '@mastra-ts/core');
    expect(core).toMatchObject({ type: 'patch', oldVersion: '0.0.0', newVersion: '0.0.1' });
    expect(plan.releases.filter((release) => release.type === 'major')).toEqual([]);
    execFileSync(changeset, ['version'], { cwd: work, stdio: 'pipe' });
    const coreManifest = JSON.parse(readFileSync(join(work, 'packages/core/package.json'), 'utf8')) as { version: string };
    expect(coreManifest.version).toBe('0.0.1');
    for (const pkg of publishedPackages().filter((item) => item.name !== '@mastra-ts/core')) {
      const manifest = JSON.parse(readFileSync(join(work, relative(root, pkg.dir), 'package.json'), 'utf8')) as { version: string };
      expect(manifest.version, pkg.name).toMatch(/^0\.0\.[01]$/);
    }
  });
});
