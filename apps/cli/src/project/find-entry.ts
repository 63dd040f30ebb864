import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@mastra-ts/core';

/** Entry files looked for, in order, when `--entry` is not given (the server bin's list). */
export const entryCandidates: readonly string[] = ['src/mastra/index.ts', 'src/mastra.ts', 'mastra.ts', 'src/index.ts'];

/** The project folder and its entry module (absolute paths). */
export interface ProjectPaths {
  dir: string;
  entry: string;
  /** The folder to watch in dev: the entry's top folder under `dir` (usually `src`). */
  sourceDir: string;
}

/** Resolves `--dir` and `--entry` (relative to `--dir`) to absolute paths, or throws `ConfigError` saying what is missing. */
export function findProject(cwd: string, dirFlag: string | undefined, entryFlag: string | undefined): ProjectPaths {
  const dir = path.resolve(cwd, dirFlag ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError({ message: `--dir "${dirFlag}" is not a folder (resolved to ${dir}): pass the folder of a mastra-ts project`, field: 'dir', value: dirFlag });
  }
  const candidates = entryFlag !== undefined ? [entryFlag] : entryCandidates;
  const found = candidates.map((candidate) => path.resolve(dir, candidate)).find((file) => existsSync(file));
  if (!found) {
    const message = entryFlag !== undefined
      ? `--entry "${entryFlag}" does not exist in ${dir}: pass the module that exports \`mastra\``
      : `no entry found in ${dir} (looked for ${entryCandidates.join(', ')}): pass --entry <file> or run \`mastra-ts init\``;
    throw new ConfigError({ message, field: 'entry', value: entryFlag });
  }
  const relative = path.relative(dir, found);
  const top = relative.includes(path.sep) ? relative.split(path.sep)[0]! : '.';
  return { dir, entry: found, sourceDir: path.join(dir, top) };
}
