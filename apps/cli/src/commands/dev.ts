import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { paint, type CliIO } from '../io.ts';
import { parseFlags, parsePort } from '../parse-flags.ts';
import { apiKeyAdvice, fetchProjectSummary } from '../project/describe-project.ts';
import { withEnvFile } from '../project/env-file.ts';
import { findProject } from '../project/find-entry.ts';
import { formatLogLine } from '../project/format-log-line.ts';
import { serverBinPath } from '../project/server-bin.ts';

const listening = /^mastra-ts server listening on (https?:\/\/[^\s"]+)/;

/**
 * `mastra-ts dev`: runs the server bin on the project's TypeScript entry in a child `node --watch-path=<src>`, which
 * restarts it when a source file changes; after each start prints the URL, the agents and workflows, and which API
 * key variable is missing. Resolves with the exit code after SIGINT/SIGTERM.
 */
export async function devCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags('dev', argv, { dir: { type: 'string' }, entry: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, 0);
  const port = parsePort('dev', values.port);
  const project = findProject(io.cwd, values.dir, values.entry);
  const env = withEnvFile(project.dir, io.env);
  const envFile = path.join(project.dir, '.env');
  // A top-level entry would make its folder (with .mastra-ts/ and node_modules) the watched path: watch the files
  // the server loads instead.
  const watchesGraph = project.sourceDir === project.dir;
  const args = [
    watchesGraph ? '--watch' : `--watch-path=${project.sourceDir}`,
    ...(existsSync(envFile) ? [`--watch-path=${envFile}`, `--env-file=${envFile}`] : []),
    '--watch-preserve-output',
    serverBinPath(),
    project.entry,
    ...(port !== undefined ? ['--port', String(port)] : []),
    ...(values.host !== undefined ? ['--host', values.host] : []),
  ];
  const shownDir = path.relative(io.cwd, project.dir) || '.';
  io.stdout.write(`${paint(io.stdout, 'cyan', 'mastra-ts dev')} ${shownDir} (entry ${path.relative(project.dir, project.entry)}, watching ${watchesGraph ? 'the files it imports' : `${path.relative(project.dir, project.sourceDir)}/`})\n`);

  const startedAt = performance.now();
  let restartedAt = startedAt;
  let changeShown = false;
  const childEnv = io.stdout.isTTY && env.NO_COLOR === undefined && env.FORCE_COLOR === undefined ? { ...io.env, FORCE_COLOR: '1' } : io.env;
  const child = spawn(process.execPath, args, { cwd: project.dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });

  createInterface({ input: child.stderr }).on('line', (line) => {
    io.stderr.write(`${line}\n`);
    const inUse = /EADDRINUSE.*?:(\d+)/.exec(line);
    if (inUse) io.stderr.write(`${paint(io.stderr, 'yellow', '!')} port ${inUse[1]} is taken (another dev server?): stop it, or pass --port <n> (0 picks a free one)\n`);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const changed = /^Change detected in '(.*)'/.exec(line);
    if (changed) {
      restartedAt = performance.now();
      changeShown = true;
      io.stdout.write(`${paint(io.stdout, 'yellow', '↻')} ${path.relative(project.dir, changed[1]!)} changed, restarting…\n`);
      return;
    }
    if (/^Restarting '/.test(line)) {
      if (!changeShown) io.stdout.write(`${paint(io.stdout, 'yellow', '↻')} a file changed, restarting…\n`);
      changeShown = false;
      restartedAt = performance.now();
      return;
    }
    if (/^Failed running '/.test(line)) {
      io.stdout.write(`${paint(io.stdout, 'red', '✗')} the server stopped with an error (above); waiting for a change to ${watchesGraph ? 'its files' : `${path.relative(project.dir, project.sourceDir)}/`} to restart\n`);
      return;
    }
    if (/^Completed running '/.test(line) || line.includes('"msg":"mastra-ts server listening on')) return;
    const match = listening.exec(line);
    if (!match) {
      io.stdout.write(`${formatLogLine(line, io.stdout)}\n`);
      return;
    }
    const url = match[1]!;
    const ms = Math.round(performance.now() - restartedAt);
    void announce(url, ms, withEnvFile(project.dir, io.env), io);
  });

  let stopping = false;
  const stop = (): void => {
    stopping = true;
    child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(stopping ? 0 : (exitCode ?? (signal ? 0 : 1))));
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return code;
}

async function announce(url: string, ms: number, env: NodeJS.ProcessEnv, io: CliIO): Promise<void> {
  const out: string[] = [
    `${paint(io.stdout, 'green', '✓')} ready in ${ms} ms`,
    `  ➜ Playground  ${paint(io.stdout, 'cyan', `${url}/`)}`,
    `  ➜ API         ${url}/api`,
  ];
  try {
    const summary = await fetchProjectSummary(url, env.MASTRA_TS_API_KEY);
    out.push(`  Agents:    ${summary.agents.map((agent) => `${agent.key} (${agent.provider}/${agent.modelId})`).join(', ') || '(none)'}`);
    out.push(`  Workflows: ${summary.workflows.map((workflow) => workflow.key).join(', ') || '(none)'}`);
    for (const advice of apiKeyAdvice(summary, env)) out.push(`  ${paint(io.stdout, 'yellow', '!')} ${advice}`);
  } catch (error) {
    out.push(`  (could not list agents and workflows: ${(error as Error).message})`);
  }
  io.stdout.write(`${out.join('\n')}\n`);
}
