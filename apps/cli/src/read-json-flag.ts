import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@mastra-ts/core';

/** Parses a flag given as inline JSON or as `@file` (relative to `cwd`); throws `ConfigError` naming the flag. */
export function readJsonFlag(flag: string, value: string, cwd: string): unknown {
  let text = value;
  if (value.startsWith('@')) {
    const file = path.resolve(cwd, value.slice(1));
    if (!existsSync(file)) throw new ConfigError({ message: `--${flag} ${value}: ${file} does not exist`, field: flag, value });
    text = readFileSync(file, 'utf8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError({
      message: `--${flag} ${value.length > 60 ? `${value.slice(0, 60)}…` : value} is not JSON (${(error as Error).message}): pass JSON in single quotes, e.g. --${flag} '{"city":"Paris"}', or @file.json`,
      field: flag,
      value,
      cause: error,
    });
  }
}
