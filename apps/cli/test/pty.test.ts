import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, cliBin, inPty, shellQuote, tempDir, removeTempDirs } from './helpers.ts';

afterAll(removeTempDirs);

const fixture = fileURLToPath(new URL('./fixtures/chat-project', import.meta.url));

function cli(args: string[]): string {
  return [process.execPath, cliBin, ...args].map(shellQuote).join(' ');
}

describe('mastra-ts chat in a terminal', () => {
  it('streams the answer as it comes, shows tool calls, and keeps the memory thread across sessions', async () => {
    const work = tempDir('chat');
    const gateFile = path.join(work, 'release');
    const env = cleanEnv({ MASTRA_TS_DB: path.join(work, 'db.sqlite'), CHAT_GATE: gateFile });
    const chat = inPty(cli(['chat', 'echoAgent', '--dir', fixture, '--thread', 'pty-thread', '--resource', 'tester']), { cwd: work, env });
    try {
      await chat.waitFor(/Echo \(scripted\/gated; thread pty-thread, resource tester\)/);
      await chat.waitFor(/you › $/);
      chat.write('please look up mastra\r');
      await chat.waitFor(/please look up mastra\n/);
      await chat.waitFor(/⚙ lookup\(\{"term":"mastra"\}\)\n\s+✓ lookup → \{"term":"mastra","length":6\}/);
      // The first delta is on screen while the model is still held at the gate: the answer is streamed.
      const first = await chat.waitFor(/Echo › First part… /);
      expect(chat.output()).not.toContain('second part');
      writeFileSync(gateFile, 'go');
      await chat.waitFor(/First part… second part: you said "please look up mastra", 0 earlier found \{"term":"mastra","length":6\}\.\n/, first.index);
      await chat.waitFor(/you › $/);
      chat.write('/exit\r');
      await chat.waitFor(/Continue this conversation with --thread pty-thread/);
      expect(await chat.exited).toBe(0);
    } finally {
      await chat.stop();
    }

    const again = inPty(cli(['chat', 'echoAgent', '--dir', fixture, '--thread', 'pty-thread', '--resource', 'tester']), { cwd: work, env });
    try {
      await again.waitFor(/you › $/);
      again.write('hello again\r');
      await again.waitFor(/you said "hello again", 1 earlier\./);
      again.child.stdin!.end();
      expect(await again.exited).toBe(0);
    } finally {
      await again.stop();
    }
  }, 60_000);

  it('stops an answer on Ctrl-C and returns to the prompt; Ctrl-C at the prompt leaves', async () => {
    const work = tempDir('chat-stop');
    const env = cleanEnv({ MASTRA_TS_DB: path.join(work, 'db.sqlite'), CHAT_GATE: path.join(work, 'never') });
    const chat = inPty(cli(['chat', 'echoAgent', '--dir', fixture]), { cwd: work, env });
    try {
      await chat.waitFor(/you › $/);
      chat.write('hi\r');
      await chat.waitFor(/Echo › First part… $/);
      chat.write('\u0003');
      await chat.waitFor(/First part… \n\(stopped\)\nyou › $/);
      chat.write('\u0003');
      await chat.waitFor(/Continue this conversation with --thread chat-/);
      expect(await chat.exited).toBe(0);
    } finally {
      await chat.stop();
    }
  }, 30_000);

  it('keeps the conversation in the process for an agent without memory, and /new starts over', async () => {
    const work = tempDir('chat-plain');
    const chat = inPty(cli(['chat', 'plainAgent', '--dir', fixture]), { cwd: work, env: cleanEnv({ MASTRA_TS_DB: path.join(work, 'db.sqlite') }) });
    try {
      await chat.waitFor(/Plain \(scripted\/gated; no memory: history kept until you leave\)/);
      await chat.waitFor(/you › $/);
      chat.write('one\r');
      await chat.waitFor(/you said "one", 0 earlier\.\n/);
      chat.write('two\r');
      await chat.waitFor(/you said "two", 1 earlier\.\n/);
      chat.write('/new\r');
      await chat.waitFor(/new thread chat-/);
      chat.write('three\r');
      await chat.waitFor(/you said "three", 0 earlier\.\n/);
      chat.write('think four\r');
      await chat.waitFor(/Plain › pondering…\nPlain › First part… second part: you said "think four", 1 earlier\.\n/);
      chat.child.stdin!.end();
      expect(await chat.exited).toBe(0);
      expect(chat.output()).not.toContain('Continue this conversation');
    } finally {
      await chat.stop();
    }
  }, 60_000);

  it('says which agents exist when the name is wrong', async () => {
    const work = tempDir('chat-missing');
    const chat = inPty(cli(['chat', 'nobody', '--dir', fixture]), { cwd: work, env: cleanEnv({ MASTRA_TS_DB: path.join(work, 'db.sqlite') }) });
    await chat.waitFor(/mastra-ts: .*nobody.*echoAgent.*plainAgent/);
    expect(await chat.exited).toBe(1);
  }, 30_000);
});

describe('mastra-ts run in a terminal', () => {
  it('prints a line per step event, suspends, and resumes the run to its result', async () => {
    const work = tempDir('run');
    const env = cleanEnv({ MASTRA_TS_DB: path.join(work, 'db.sqlite') });
    writeFileSync(path.join(work, 'input.json'), '{"name":"ada"}');
    const run = inPty(cli(['run', 'greet', '--dir', fixture, '--input', '@input.json']), { cwd: work, env });
    const [, runId] = await run.waitFor(/▶ greet run ([0-9a-f-]{36})\n/);
    await run.waitFor(/ {2}▶ shout\n {2}✓ shout \d+ ms → \{"loud":"ADA"\}\n {2}▶ approve\n {2}⏸ approve suspended: \{"ask":"greet ADA\?"\}\n/);
    await run.waitFor(/⏸ greet suspended at approve after \d+ ms/);
    await run.waitFor(new RegExp(`Resume it with: mastra-ts run greet --resume ${runId} --step approve --data '<json>'`));
    expect(await run.exited).toBe(0);

    const resumed = inPty(cli(['run', 'greet', '--dir', fixture, '--resume', runId!, '--step', 'approve', '--data', '{"by":"grace"}']), { cwd: work, env });
    await resumed.waitFor(new RegExp(`▶ resuming greet run ${runId} at approve\\n {2}▶ approve\\n {2}✓ approve \\d+ ms → \\{"greeting":"HELLO ADA \\(approved by grace\\)"\\}`));
    await resumed.waitFor(/✓ greet succeeded in \d+ ms\n\{\n {2}"greeting": "HELLO ADA \(approved by grace\)"\n\}/);
    expect(await resumed.exited).toBe(0);

    const twice = inPty(cli(['run', 'greet', '--dir', fixture, '--resume', runId!, '--data', '{"by":"grace"}']), { cwd: work, env });
    await twice.waitFor(/mastra-ts: .*not suspended/);
    expect(await twice.exited).toBe(1);
  }, 60_000);

  it('shows a failing step with ✗ and exits 1', async () => {
    const work = tempDir('run-fail');
    const run = inPty(cli(['run', 'broken', '--dir', fixture, '--input', '{"name":"bob"}']), { cwd: work, env: cleanEnv({ MASTRA_TS_DB: path.join(work, 'db.sqlite') }) });
    await run.waitFor(/ {2}✗ explode \d+ ms: cannot greet bob\n/);
    await run.waitFor(/✗ broken failed after \d+ ms: .*cannot greet bob/);
    expect(await run.exited).toBe(1);
  }, 30_000);
});
