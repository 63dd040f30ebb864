import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import type { Agent, ModelMessage } from '@mastra-ts/core';
import { formatValue } from '../format-value.ts';
import { paint, type CliIO } from '../io.ts';
import { parseFlags } from '../parse-flags.ts';
import { describeModel } from '../project/describe-model.ts';
import { openProject } from '../project/open-project.ts';
import { missingApiKey } from '../providers.ts';
import { UsageError } from '../usage-error.ts';

/**
 * `mastra-ts chat <agent>`: a terminal chat with an agent loaded in this process. Answers stream as they come, tool
 * calls and results are shown, and the conversation is kept in the agent's memory thread (or in this process when
 * the agent has no memory).
 */
export async function chatCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags('chat', argv, { dir: { type: 'string' }, entry: { type: 'string' }, thread: { type: 'string' }, resource: { type: 'string' } }, 1);
  const agentName = positionals[0];
  if (!agentName) throw new UsageError('chat: name the agent to chat with (mastra-ts chat <agent>)', 'chat');
  const project = await openProject(io.cwd, values, io.env);
  try {
    const agent = project.mastra.getAgent(agentName);
    const session = new ChatSession(agent, io, values.thread ?? `chat-${randomUUID().slice(0, 8)}`, values.resource ?? 'cli');
    await session.run();
    return 0;
  } finally {
    await project.close();
  }
}

class ChatSession {
  readonly #agent: Agent;
  readonly #io: CliIO;
  #thread: string;
  readonly #resource: string;
  readonly #memory: boolean;
  #history: ModelMessage[] = [];
  #current: AbortController | undefined;

  constructor(agent: Agent, io: CliIO, thread: string, resource: string) {
    this.#agent = agent;
    this.#io = io;
    this.#thread = thread;
    this.#resource = resource;
    this.#memory = agent.getMemory() !== undefined;
  }

  async run(): Promise<void> {
    const { stdout } = this.#io;
    const { provider, modelId } = describeModel(this.#agent.model);
    const memory = this.#memory ? `thread ${this.#thread}, resource ${this.#resource}` : 'no memory: history kept until you leave';
    stdout.write(`${paint(stdout, 'bold', this.#agent.name)} ${paint(stdout, 'dim', `(${provider}/${modelId}; ${memory})`)}\n`);
    stdout.write(paint(stdout, 'dim', 'Type a message; /new starts a new thread, /exit or Ctrl-D leaves, Ctrl-C stops an answer.\n'));
    const missing = missingApiKey(provider, this.#io.env);
    if (missing) stdout.write(`${paint(stdout, 'yellow', '!')} ${missing} is not set: the model call will fail until you set it in .env or the environment\n`);

    const rl = createInterface({ input: this.#io.stdin, output: stdout, terminal: this.#io.stdin.isTTY === true && stdout.isTTY === true });
    let closed = false;
    rl.on('close', () => {
      closed = true;
    });
    rl.on('SIGINT', () => {
      if (this.#current) this.#current.abort();
      else rl.close();
    });
    const lines = rl[Symbol.asyncIterator]();
    try {
      while (!closed) {
        rl.setPrompt(paint(stdout, 'green', 'you › '));
        rl.prompt();
        const next = await lines.next();
        if (next.done) break;
        const input = String(next.value).trim();
        if (input === '') continue;
        if (input === '/exit' || input === '/quit') break;
        if (input === '/new') {
          this.#thread = `chat-${randomUUID().slice(0, 8)}`;
          this.#history = [];
          stdout.write(paint(stdout, 'dim', `new thread ${this.#thread}\n`));
          continue;
        }
        await this.#answer(input);
      }
    } finally {
      rl.close();
      stdout.write('\n');
      if (this.#memory) stdout.write(paint(stdout, 'dim', `Continue this conversation with --thread ${this.#thread}\n`));
    }
  }

  async #answer(input: string): Promise<void> {
    const { stdout } = this.#io;
    const controller = new AbortController();
    this.#current = controller;
    stdout.write(paint(stdout, 'cyan', `${this.#agent.name} › `));
    let atLineStart = false;
    const line = (text: string): void => {
      stdout.write(`${atLineStart ? '' : '\n'}${text}\n`);
      atLineStart = true;
    };
    try {
      const stream = this.#memory
        ? await this.#agent.stream(input, { memory: { thread: this.#thread, resource: this.#resource }, abortSignal: controller.signal })
        : await this.#agent.stream([...this.#history, { role: 'user', content: input }], { abortSignal: controller.signal });
      for await (const part of untilAborted(stream.fullStream, controller.signal)) {
        switch (part.type) {
          case 'text-delta':
            stdout.write(part.delta);
            atLineStart = part.delta.endsWith('\n');
            break;
          case 'reasoning-delta':
            stdout.write(paint(stdout, 'dim', part.delta));
            atLineStart = part.delta.endsWith('\n');
            break;
          case 'reasoning-end':
            if (!atLineStart) stdout.write('\n');
            atLineStart = false;
            stdout.write(paint(stdout, 'cyan', `${this.#agent.name} › `));
            break;
          case 'tool-call':
            line(`  ${paint(stdout, 'magenta', '⚙')} ${part.toolName}(${formatValue(part.input)})`);
            break;
          case 'tool-result':
            line(`  ${part.isError ? paint(stdout, 'red', '✗') : paint(stdout, 'green', '✓')} ${part.toolName} → ${formatValue(part.output)}`);
            stdout.write(paint(stdout, 'cyan', `${this.#agent.name} › `));
            atLineStart = false;
            break;
          case 'error':
            line(`${paint(stdout, 'red', '✗')} ${errorLine(part.error)}`);
            break;
          default:
            break;
        }
      }
      if (controller.signal.aborted) line(paint(stdout, 'yellow', '(stopped)'));
      if (!atLineStart) stdout.write('\n');
      if (!this.#memory && !controller.signal.aborted) {
        const result = await stream.result.catch(() => undefined);
        if (result) this.#history.push({ role: 'user', content: input }, ...result.response.messages);
      }
    } catch (error) {
      line(`${paint(stdout, 'red', '✗')} ${errorLine(error)}`);
    } finally {
      this.#current = undefined;
    }
  }
}

/** The items of `source` until `signal` aborts; then the source is closed without waiting for its next item. */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<IteratorResult<T>>((resolve) => {
    if (signal.aborted) resolve({ done: true, value: undefined });
    signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
