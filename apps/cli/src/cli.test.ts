import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.ts';
import type { CliIO } from './io.ts';

function memoryIO(): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { io: { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: process.cwd() }, out: () => out, err: () => err };
}

describe('runCli', () => {
  it.each([[[]], [['help']], [['-h']], [['--help']]])('prints the help and exits 0 for %j', async (argv) => {
    const { io, out } = memoryIO();
    expect(await runCli(argv, io)).toBe(0);
    expect(out()).toContain('Usage: mastra-ts <command>');
    expect(out()).toContain('chat <agent>');
  });

  it.each([[['version']], [['-v']], [['--version']]])('prints the version for %j', async (argv) => {
    const { io, out } = memoryIO();
    expect(await runCli(argv, io)).toBe(0);
    expect(out()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints one command’s help for `help run` and `run --help`', async () => {
    for (const argv of [['help', 'run'], ['run', '--help']]) {
      const { io, out } = memoryIO();
      expect(await runCli(argv, io)).toBe(0);
      expect(out()).toContain('--resume <runId>');
    }
  });

  it('exits 2 with the message and the help for an unknown command', async () => {
    const { io, err } = memoryIO();
    expect(await runCli(['deplyo'], io)).toBe(2);
    expect(err()).toContain('unknown command "deplyo"');
    expect(err()).toContain('Usage: mastra-ts <command>');
  });

  it('exits 2 for an unknown flag, naming it and printing the command’s help', async () => {
    const { io, err } = memoryIO();
    expect(await runCli(['init', 'x', '--provder', 'openai'], io)).toBe(2);
    expect(err()).toContain("init: Unknown option '--provder'");
    expect(err()).toContain('mastra-ts init [name]');
  });

  it('exits 2 for a missing argument or a bad value', async () => {
    for (const argv of [['chat'], ['run', 'wf'], ['run', 'wf', '--input', '{}', '--resume', 'r'], ['dev', '--port', 'abc'], ['init', '--provider', 'mistral']]) {
      const { io, err } = memoryIO();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(err()).toMatch(/^mastra-ts: /);
    }
  });

  it('prints an error as one line, and the stack only with --verbose', async () => {
    const quiet = memoryIO();
    expect(await runCli(['run', 'wf', '--input', '{nope', '--dir', '.'], quiet.io)).toBe(1);
    const lines = quiet.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mastra-ts: --input \{nope is not JSON .*--input '\{"city":"Paris"\}'/);

    const verbose = memoryIO();
    expect(await runCli(['build', '--dir', '/nonexistent-folder', '--verbose'], verbose.io)).toBe(1);
    expect(verbose.err()).toContain('--dir "/nonexistent-folder" is not a folder');
    expect(verbose.err()).toMatch(/\n\s+at /);
  });

  it('adds a --verbose hint on the same line for an unexpected (non mastra-ts) error', async () => {
    const { io, err } = memoryIO();
    io.stdout = Object.assign(new PassThrough(), {
      write(): boolean {
        throw new Error('disk full\nsecond line');
      },
    });
    expect(await runCli(['version'], io)).toBe(1);
    expect(err()).toBe('mastra-ts: disk full second line (--verbose shows the stack)\n');
  });
});
