import { readFileSync } from 'node:fs';
import { MastraTsError } from '@mastra-ts/core';
import { helpText } from './help.ts';
import { processIO, type CliIO } from './io.ts';
import { UsageError } from './usage-error.ts';

/** A command: parses its own flags from `argv` and resolves with the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./commands/init.ts')).initCommand,
  dev: async () => (await import('./commands/dev.ts')).devCommand,
  build: async () => (await import('./commands/build.ts')).buildCommand,
  start: async () => (await import('./commands/start.ts')).startCommand,
  deploy: async () => (await import('./commands/deploy.ts')).deployCommand,
  chat: async () => (await import('./commands/chat.ts')).chatCommand,
  run: async () => (await import('./commands/run.ts')).runCommand,
};

/** The CLI's version, from its package.json. */
export function cliVersion(): string {
  const url = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/**
 * Runs `mastra-ts <argv>` and resolves with the exit code: 0 on success, 1 on an error (one line on stderr, the
 * stack too with `--verbose`), 2 on a usage error (the message, then the help).
 */
export async function runCli(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  const verbose = argv.includes('--verbose');
  try {
    if (name === undefined || name === 'help' || name === '-h' || name === '--help') {
      const topic = name === 'help' ? rest.find((arg) => !arg.startsWith('-')) : undefined;
      if (topic !== undefined && !(topic in commands) && topic !== 'version' && topic !== 'help') throw new UsageError(`unknown command "${topic}"`);
      io.stdout.write(helpText(topic));
      return 0;
    }
    if (name === 'version' || name === '-v' || name === '--version') {
      io.stdout.write(`${cliVersion()}\n`);
      return 0;
    }
    const load = commands[name];
    if (!load) throw new UsageError(name.startsWith('-') ? `unknown flag "${name}"` : `unknown command "${name}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(helpText(name));
      return 0;
    }
    return await (await load())(rest, io);
  } catch (error) {
    if (UsageError.isInstance(error)) {
      io.stderr.write(`mastra-ts: ${error.message}\n\n${helpText(error.command)}`);
      return 2;
    }
    const hint = !verbose && !MastraTsError.isInstance(error) ? ' (--verbose shows the stack)' : '';
    io.stderr.write(`mastra-ts: ${oneLine(error)}${hint}\n`);
    if (verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').filter(Boolean).join(' ').trim() || String(error);
}
