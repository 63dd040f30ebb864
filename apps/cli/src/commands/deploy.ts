import path from 'node:path';
import type { CliIO } from '../io.ts';
import { parseFlags } from '../parse-flags.ts';
import { defaultOutDir } from './build.ts';

/** `mastra-ts deploy`: prints how to ship a build; pushes nothing. */
export async function deployCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('deploy', argv, { dir: { type: 'string' }, out: { type: 'string' } }, 0);
  const dir = path.resolve(io.cwd, values.dir ?? '.');
  const out = path.relative(io.cwd, path.resolve(dir, values.out ?? defaultOutDir)) || '.';
  io.stdout.write(`mastra-ts does not push anywhere. To ship ${out} (after \`mastra-ts build\`):

  Docker:      docker build -t my-agents ${out} && docker run -p 4111:4111 --env-file .env my-agents
  Any host:    copy ${out}/ to a machine with Node >= 22 and run \`node server.mjs\` there
               (HOST=0.0.0.0 to listen on the network, PORT to change the port, MASTRA_TS_DB for the SQLite file)
  Platforms:   Fly.io (\`fly launch\` in ${out}), Railway, Render or Cloud Run build the Dockerfile as is.

Set your provider API key and MASTRA_TS_API_KEY (a bearer token for the API) in the host's environment.
Native packages (better-sqlite3) are copied as installed here (${process.platform}-${process.arch}); better-sqlite3 also ships
prebuilt binaries for Linux (glibc and musl), macOS and Windows, so the Dockerfile's image runs it as is.
`);
  return 0;
}
