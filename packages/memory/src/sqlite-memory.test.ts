import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, type ModelMessage } from '@mastra-ts/core';
import { toolCallResult } from '@mastra-ts/core/testing';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Memory } from './memory.ts';
import type { MemoryOptions } from './memory-types.ts';
import { promptLines, scriptedModel, systemText } from './test-utils.ts';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function openStorage(file: string) {
  const storage = createSqliteStorage({ path: file });
  await storage.migrate();
  return storage;
}

const options: MemoryOptions = {
  lastMessages: 10,
  semanticRecall: { topK: 2, messageRange: 1, scope: 'resource' },
  workingMemory: { enabled: true, scope: 'resource', schema: z.object({ name: z.string().optional(), city: z.string().optional() }) },
};

describe('Memory on SQLite', () => {
  it('with the lexical embedder, recalls a fact said 200 messages earlier in the resource and keeps working memory across a restart', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'memory-sqlite-'));
    directories.push(directory);
    const file = path.join(directory, 'mastra.db');
    let storage = await openStorage(file);
    let memory = new Memory({ storage, options });

    const history = Array.from({ length: 210 }, (_, index): ModelMessage => ({
      role: index % 2 === 0 ? 'user' : 'assistant',
      content: index === 4 ? 'My gym locker code is 4711' : `small talk number ${index} about the weather`,
    }));
    await memory.saveMessages({ threadId: 'old', resourceId: 'ana', messages: history });
    const { model, prompts } = scriptedModel([toolCallResult([{ toolCallId: 'c1', toolName: 'updateWorkingMemory', input: { memory: { name: 'Ana', city: 'Lisbon' } } }]), 'Hi Ana.', '4711.', 'Ana.', 'ok', '4711']);
    let agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model, memory });
    await agent.generate('Hi, I am Ana from Lisbon', { memory: { thread: 'new', resource: 'ana' } });
    await memory.flush();

    await agent.generate('What is my gym locker code?', { memory: { thread: 'new', resource: 'ana' } });
    expect(systemText(prompts[2]!)).toContain('My gym locker code is 4711');
    expect(systemText(prompts[2]!)).toContain('From another conversation (thread old)');
    expect(promptLines(prompts[2]!).slice(1, 3)).toEqual(['user: Hi, I am Ana from Lisbon', 'assistant: call updateWorkingMemory({"memory":{"name":"Ana","city":"Lisbon"}})']);

    await memory.close();
    await storage.dispose();

    // a new process: same file, a fresh in-process vector index
    storage = await openStorage(file);
    memory = new Memory({ storage, options });
    agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model, memory });
    await agent.generate('Who am I?', { memory: { thread: 'new', resource: 'ana' } });
    expect(systemText(prompts[3]!)).toContain('"name": "Ana"');
    expect(systemText(prompts[3]!)).toContain('"city": "Lisbon"');
    // the lost vector index is rebuilt from the stored messages in the background
    await memory.flush();
    await agent.generate('Remind me of my gym locker code', { memory: { thread: 'new', resource: 'ana' } });
    expect(systemText(prompts[4]!)).toContain('My gym locker code is 4711');
    await memory.close();
    await storage.dispose();
  });

  it('keeps last-N order and idempotent saves on SQLite', async () => {
    const storage = await openStorage(':memory:');
    const memory = new Memory({ storage, options: { lastMessages: 3 } });
    const messages: ModelMessage[] = Array.from({ length: 8 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `m${index}` }));
    await memory.save({ agentId: 'a', threadId: 't', resourceId: 'u', messages, abortSignal: undefined });
    await memory.save({ agentId: 'a', threadId: 't', resourceId: 'u', messages, abortSignal: undefined });
    expect(await storage.memory.countMessages('t')).toBe(8);
    const { model, prompts } = scriptedModel('ok');
    await new Agent({ name: 'a', instructions: 'x', model, memory }).generate('next', { memory: { thread: 't', resource: 'u' } });
    expect(promptLines(prompts[0]!).slice(1)).toEqual(['assistant: m5', 'user: m6', 'assistant: m7', 'user: next']);
    await storage.dispose();
  });
});
