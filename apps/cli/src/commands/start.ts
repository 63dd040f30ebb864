import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@mastra-ts/core';
import type { CliIO } from '../io.ts';
import { parseFlags, parsePort } from '../parse-flags.ts';
import { withEnvFile } from '../project/env-file.ts';
import { defaultOutDir } from './build.ts';

/** `mastra-ts start`: runs `<out>/server.mjs` from the project folder (so `.env` and `.mastra-ts/` are the project's). */
export async function startCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('start', argv, { dir: { type: 'string' }, out: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, 0);
  const port = parsePort('start', values.port);
  const dir = path.resolve(io.cwd, values.dir ?? '.');
  const server = path.join(path.resolve(dir, values.out ?? defaultOutDir), 'server.mjs');
  if (!existsSync(server)) {
    throw new ConfigError({ message: `no build at ${path.relative(io.cwd, server) || server}: run \`mastra-ts build\`${values.dir ? ` --dir ${values.dir}` : ''} first (or pass --out)`, field: 'out', value: values.out });
  }
  const env = withEnvFile(dir, io.env);
  if (port !== undefined) env.PORT = String(port);
  if (values.host !== undefined) env.HOST = values.host;
  const child = spawn(process.execPath, ['--enable-source-maps', server], { cwd: dir, env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 0 : 1)));
    });
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  }
}
