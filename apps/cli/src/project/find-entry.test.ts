import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { findProject } from './find-entry.ts';

function project(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'find-entry-'));
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), '');
  }
  return dir;
}

describe('findProject', () => {
  it('finds src/mastra/index.ts first and watches src', () => {
    const dir = project(['src/mastra/index.ts', 'src/mastra.ts']);
    expect(findProject('/', dir, undefined)).toEqual({ dir, entry: path.join(dir, 'src/mastra/index.ts'), sourceDir: path.join(dir, 'src') });
  });

  it('takes --entry relative to --dir, and watches the folder for a top-level entry', () => {
    const dir = project(['mastra.ts']);
    expect(findProject(dir, '.', undefined).sourceDir).toBe(dir);
    expect(() => findProject(dir, '.', 'app/main.ts')).toThrow(/--entry "app\/main.ts" does not exist/);
  });

  it('throws ConfigError naming what is missing', () => {
    const dir = project(['README.md']);
    let error: unknown;
    try {
      findProject(dir, undefined, undefined);
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no entry found in .* \(looked for src\/mastra\/index\.ts, .*\): pass --entry <file> or run `mastra-ts init`/);
    expect(() => findProject(dir, 'missing', undefined)).toThrow(/--dir "missing" is not a folder/);
  });
});
