import { styleText } from 'node:util';

/** Where a command reads and writes; tests pass their own streams. */
export interface CliIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The process's own streams, environment and working directory. */
export function processIO(): CliIO {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

type Style = Parameters<typeof styleText>[0];

/** Styles `text` when `stream` is a terminal that accepts colours (honours NO_COLOR / FORCE_COLOR). */
export function paint(stream: CliIO['stdout'], style: Style, text: string): string {
  return styleText(style, text, { stream: stream as NodeJS.WriteStream, validateStream: true });
}
