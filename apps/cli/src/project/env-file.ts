import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/** `env` with the variables of `<dir>/.env` added; variables already set win, as with `node --env-file`. */
export function withEnvFile(dir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = path.join(dir, '.env');
  if (!existsSync(file)) return { ...env };
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}
