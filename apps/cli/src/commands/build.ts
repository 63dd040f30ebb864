import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleProject } from '../build/bundle-project.ts';
import { paint, type CliIO } from '../io.ts';
import { parseFlags } from '../parse-flags.ts';
import { findProject } from '../project/find-entry.ts';

/** Where `build` writes and `start` reads, relative to the project folder. */
export const defaultOutDir: string = path.join('.mastra-ts', 'output');

/** `mastra-ts build`: bundles the project into a standalone server folder. */
export async function buildCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('build', argv, { dir: { type: 'string' }, entry: { type: 'string' }, out: { type: 'string' }, external: { type: 'string', multiple: true } }, 0);
  const project = findProject(io.cwd, values.dir, values.entry);
  const outDir = path.resolve(project.dir, values.out ?? defaultOutDir);
  const manifest = path.join(project.dir, 'package.json');
  const name = existsSync(manifest) ? ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ?? 'mastra-ts-project') : 'mastra-ts-project';
  const startedAt = performance.now();
  const result = await bundleProject({ entry: project.entry, outDir, name: name.replace(/^@[^/]+\//, ''), external: values.external ?? [] });
  for (const warning of result.warnings) io.stderr.write(`${paint(io.stderr, 'yellow', 'warning')} ${warning}\n`);
  const relative = path.relative(io.cwd, outDir);
  const shown = relative === '' ? '.' : relative.startsWith('..') ? outDir : relative;
  const startFlags = `${values.dir ? ` --dir ${values.dir}` : ''}${values.out ? ` --out ${values.out}` : ''}`;
  const copied = Object.entries(result.copied).map(([pkg, version]) => `${pkg}@${version}`);
  io.stdout.write(`${paint(io.stdout, 'green', '✓')} Built ${shown} in ${Math.round(performance.now() - startedAt)} ms
  server.mjs         the server: node ${path.join(shown, 'server.mjs')}
  node_modules/      ${copied.length > 0 ? copied.join(', ') : '(nothing native)'}
  Dockerfile         docker build -t ${name.replace(/^@[^/]+\//, '')} ${shown}
Run it with \`mastra-ts start${startFlags}\`; \`mastra-ts deploy${startFlags}\` says how to ship it.
`);
  return 0;
}
