import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@mastra-ts/core';
import { projectFiles, type ProjectChoices } from './templates.ts';

/** Options of `scaffoldProject`. */
export interface ScaffoldOptions extends ProjectChoices {
  /** The folder to create or fill. */
  dir: string;
  /** Write into a non-empty folder (files with the same names are overwritten). */
  force?: boolean;
}

/**
 * Writes a new project into `dir` and returns the paths written (relative to `dir`). Throws `ConfigError` when
 * `dir` is a file, or a non-empty folder and `force` is not set.
 */
export function scaffoldProject(options: ScaffoldOptions): string[] {
  const { dir } = options;
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ConfigError({ message: `${dir} is a file: choose another project name`, field: 'name', value: dir });
    const entries = readdirSync(dir).filter((entry) => entry !== '.git');
    if (entries.length > 0 && !options.force) {
      throw new ConfigError({
        message: `${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): choose another name, or pass --force to write into it (files with the same names are replaced)`,
        field: 'name',
        value: dir,
      });
    }
  }
  const files = projectFiles(options);
  for (const [relative, text] of Object.entries(files)) {
    const file = path.join(dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return Object.keys(files);
}

const packageNamePattern = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** The reason `name` is not a valid npm package name, or undefined when it is. */
export function invalidPackageName(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > 214) return 'the name is longer than 214 characters';
  if (!packageNamePattern.test(name)) return 'use lower-case letters, digits, "-", "." or "_" (an npm package name)';
  return undefined;
}
