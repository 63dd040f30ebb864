import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

export const cliDir: string = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
export const repoRoot: string = path.resolve(cliDir, '../..');
export const cliBin: string = path.join(cliDir, 'dist/bin.mjs');
export const exampleDir: string = path.join(repoRoot, 'examples/basic');

const created: string[] = [];

/** A fresh temporary folder, removed by `removeTempDirs`. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `mastra-ts-cli-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes the folders `tempDir` created in this test file (call it in `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The environment for child processes: no provider keys or colours leaking in from the caller. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', LOG_LEVEL: 'warn', ...extra };
  return env;
}

/** A child process whose combined output can be awaited for a pattern. */
export interface LiveProcess {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, from?: number): Promise<RegExpExecArray>;
  write(text: string): void;
  exited: Promise<number>;
  stop(): Promise<number>;
}

/**
 * Spawns `command`; `waitFor` resolves when the output (terminal control sequences and carriage returns removed,
 * from offset `from`) matches, or rejects when the process exits first.
 */
export function live(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): LiveProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      for (const waiter of waiters) waiter();
      resolve(code ?? (signal ? 128 : 1));
    });
  });
  return {
    child,
    output: () => stripVTControlCharacters(text).replace(/\r/g, ''),
    waitFor(pattern, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(stripVTControlCharacters(text).replace(/\r/g, '').slice(from));
          if (match) {
            waiters.delete(check);
            resolve(match);
          } else if (done) {
            waiters.delete(check);
            reject(new Error(`process exited before ${pattern} appeared; output:\n${text}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    write(chunk) {
      child.stdin!.write(chunk);
    },
    exited,
    async stop() {
      if (!done) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the built CLI to completion. */
export function runBin(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: options.cwd ?? cliDir, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Links the workspace's built packages (and zod, typescript, @types/node) into `<project>/node_modules`, as an
 * install from the registry would, without a registry.
 */
export function linkWorkspacePackages(project: string): void {
  const scope = path.join(project, 'node_modules/@mastra-ts');
  mkdirSync(scope, { recursive: true });
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(path.join(repoRoot, group))) {
      const source = path.join(repoRoot, group, name);
      if (existsSync(path.join(source, 'package.json'))) symlinkSync(source, path.join(scope, name), 'dir');
    }
  }
  const require = createRequire(path.join(cliDir, 'package.json'));
  for (const name of ['zod', 'typescript', '@types/node']) {
    const root = realpathSync(path.dirname(require.resolve(`${name}/package.json`)));
    const target = path.join(project, 'node_modules', name);
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(root, target, 'dir');
  }
}

/** `script -qfec "<command>" /dev/null`: runs `command` in a 120x40 pseudo-terminal (util-linux). */
export function inPty(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }): LiveProcess {
  return live('script', ['-qfec', `stty cols 120 rows 40 2>/dev/null; exec ${command}`, '/dev/null'], options);
}

/** Quotes `value` for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
