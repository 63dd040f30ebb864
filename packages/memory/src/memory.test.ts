import { AbortError, Agent, createTool, InMemoryMemoryStore, NotFoundError, TypeValidationError, type ModelMessage } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, textStreamParts, toolCallResult } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Memory } from './memory.ts';
import type { MemoryMessageInput } from './memory-types.ts';
import { promptLines, scriptedModel } from './test-utils.ts';

const call = { memory: { thread: 'thread-1', resource: 'user-1' } };

function clock(start = Date.parse('2026-01-01T00:00:00Z')): () => Date {
  let time = start;
  return () => new Date((time += 1000));
}

describe('Memory with an Agent', () => {
  it('loads the thread history into later calls, oldest first', async () => {
    const { model, prompts } = scriptedModel(['Hello Ana!', 'You are Ana.']);
    const memory = new Memory({ storage: new InMemoryMemoryStore(), now: clock() });
    const agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model, memory });

    await agent.generate('My name is Ana', call);
    await agent.generate('What is my name?', call);

    expect(promptLines(prompts[1]!)).toEqual(['system: Be brief.', 'user: My name is Ana', 'assistant: Hello Ana!', 'user: What is my name?']);
    const { messages } = await memory.recall({ threadId: 'thread-1' });
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(new Set(messages.map((message) => message.id)).size).toBe(4);
    for (let index = 1; index < messages.length; index++) expect(messages[index]!.createdAt > messages[index - 1]!.createdAt).toBe(true);
  });

  it('loads only the last N messages (lastMessages), in order', async () => {
    const store = new InMemoryMemoryStore();
    const memory = new Memory({ storage: store, options: { lastMessages: 3 }, now: clock() });
    await memory.saveMessages({
      threadId: 'thread-1',
      resourceId: 'user-1',
      messages: Array.from({ length: 20 }, (_, index): ModelMessage => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: `message ${index}` })),
    });
    const { model, prompts } = scriptedModel('ok');
    const agent = new Agent({ name: 'assistant', instructions: 'Be brief.', model, memory });
    await agent.generate('next', call);
    expect(promptLines(prompts[0]!)).toEqual(['system: Be brief.', 'assistant: message 17', 'user: message 18', 'assistant: message 19', 'user: next']);

    await agent.generate('again', { memory: { ...call.memory, options: { lastMessages: 1 } } });
    expect(promptLines(prompts[1]!).slice(1)).toEqual(['assistant: ok', 'user: again']);
  });

  it('keeps tool calls with their results across calls', async () => {
    const weather = createTool({ id: 'weather', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, celsius: 21 }) });
    const { model, prompts } = scriptedModel([toolCallResult([{ toolCallId: 'call-1', toolName: 'weather', input: { city: 'Paris' } }]), 'It is 21°C.', 'Yes.']);
    const memory = new Memory({ storage: new InMemoryMemoryStore(), now: clock() });
    const agent = new Agent({ name: 'assistant', instructions: 'Use tools.', model, memory, tools: { weather } });

    await agent.generate('Weather in Paris?', call);
    await agent.generate('Warm?', call);

    expect(promptLines(prompts[2]!)).toEqual([
      'system: Use tools.',
      'user: Weather in Paris?',
      'assistant: call weather({"city":"Paris"})',
      'tool: result weather={"city":"Paris","celsius":21}',
      'assistant: It is 21°C.',
      'user: Warm?',
    ]);
  });

  it('never starts the history window with a tool result whose call is outside it', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { lastMessages: 2 }, now: clock() });
    await memory.saveMessages({
      threadId: 'thread-1',
      resourceId: 'user-1',
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: {} }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { celsius: 3 } }] },
        { role: 'assistant', content: 'Cold.' },
      ],
    });
    const { model, prompts } = scriptedModel('ok');
    await new Agent({ name: 'a', instructions: 'x', model, memory }).generate('thanks', call);
    expect(promptLines(prompts[0]!)).toEqual(['system: x', 'assistant: Cold.', 'user: thanks']);
  });

  it('stores a message once when it is saved twice (by identity or by id)', async () => {
    const store = new InMemoryMemoryStore();
    const memory = new Memory({ storage: store, now: clock() });
    const messages: ModelMessage[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ];
    await memory.save({ agentId: 'a', threadId: 'thread-1', resourceId: 'user-1', messages, abortSignal: undefined });
    await memory.save({ agentId: 'a', threadId: 'thread-1', resourceId: 'user-1', messages, abortSignal: undefined });
    expect(await store.countMessages('thread-1')).toBe(2);

    const withId = { id: 'client-1', role: 'user' as const, content: 'from the client' };
    const first = await memory.saveMessages({ threadId: 'thread-1', resourceId: 'user-1', messages: [withId] });
    const second = await memory.saveMessages({ threadId: 'thread-1', resourceId: 'user-1', messages: [{ ...withId, content: 'edited' }, { ...withId, content: 'edited' }] });
    expect(await store.countMessages('thread-1')).toBe(3);
    expect(second[0]!.createdAt).toEqual(first[0]!.createdAt);
    const { messages: stored } = await memory.recall({ threadId: 'thread-1' });
    expect(stored.map((message) => message.content)).toEqual(['hi', 'hello', 'edited']);
  });

  it('stores a reused message object as a new message on each call', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), now: clock() });
    const { model } = scriptedModel('ok');
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    const greeting: ModelMessage = { role: 'user', content: 'hello' };
    await agent.generate(greeting, call);
    await agent.generate(greeting, call);
    const { messages } = await memory.recall({ threadId: 'thread-1' });
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it('does not repeat history a client sends again with ids', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), now: clock() });
    await memory.saveMessages({ threadId: 'thread-1', resourceId: 'user-1', messages: [{ id: 'm1', role: 'user', content: 'first' }, { id: 'm2', role: 'assistant', content: 'reply' }] });
    const { model, prompts } = scriptedModel('ok');
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    const resent: MemoryMessageInput[] = [
      { id: 'm1', role: 'user', content: 'first' },
      { id: 'm2', role: 'assistant', content: 'reply' },
      { id: 'm3', role: 'user', content: 'second' },
    ];
    await agent.generate(resent, call);
    expect(promptLines(prompts[0]!)).toEqual(['system: x', 'user: first', 'assistant: reply', 'user: second']);
    const { messages } = await memory.recall({ threadId: 'thread-1' });
    expect(messages.map((message) => message.id).slice(0, 3)).toEqual(['m1', 'm2', 'm3']);
    expect(messages).toHaveLength(4);
  });

  it('saves streamed calls too', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), now: clock() });
    const model = new MockLanguageModelV1({ doStream: textStreamParts(['Hel', 'lo']), doGenerate: textResult('again') });
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    const stream = await agent.stream('hi', call);
    expect(await stream.text).toBe('Hello');
    const { messages } = await memory.recall({ threadId: 'thread-1' });
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
  });

  it('honours the abort signal while loading context', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore() });
    const { model } = scriptedModel('ok');
    const controller = new AbortController();
    controller.abort();
    const error = await new Agent({ name: 'a', instructions: 'x', model, memory }).generate('hi', { ...call, abortSignal: controller.signal }).catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error)).toBe(true);
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('recreates a thread another process deleted behind its back', async () => {
    const store = new InMemoryMemoryStore();
    const memory = new Memory({ storage: store, now: clock() });
    const { model, prompts } = scriptedModel(['one', 'two']);
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    await agent.generate('first', call);
    await store.deleteThread('thread-1');
    await agent.generate('second', call);
    expect(promptLines(prompts[1]!)).toEqual(['system: x', 'user: second']);
    expect((await memory.getThreadById({ threadId: 'thread-1' }))?.resourceId).toBe('user-1');
    expect((await memory.recall({ threadId: 'thread-1' })).messages.map((message) => message.role)).toEqual(['user', 'assistant']);
  });

  it('refuses a thread that belongs to another resource', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore() });
    await memory.createThread({ threadId: 'thread-1', resourceId: 'user-1' });
    const { model } = scriptedModel('ok');
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    const error = await agent.generate('hi', { memory: { thread: 'thread-1', resource: 'user-2' } }).catch((caught: unknown) => caught);
    expect(TypeValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('belongs to resource "user-1"');
  });

  it('creates the thread on first use with the title and metadata given', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore() });
    const { model } = scriptedModel('ok');
    await new Agent({ name: 'a', instructions: 'x', model, memory }).generate('hi', { memory: { thread: { id: 't9', title: 'Support', metadata: { plan: 'pro' } }, resource: 'user-1' } });
    const thread = await memory.getThreadById({ threadId: 't9' });
    expect(thread).toMatchObject({ id: 't9', resourceId: 'user-1', title: 'Support', metadata: { plan: 'pro' } });
  });

  it('generates a title after the first exchange, in the background', async () => {
    const { model: titleModel, prompts: titlePrompts } = scriptedModel('"Trip to Lisbon."');
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { generateTitle: { model: titleModel } } });
    const { model } = scriptedModel('Sure.');
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    await agent.generate('Help me plan a trip to Lisbon', call);
    await memory.flush();
    expect((await memory.getThreadById({ threadId: 'thread-1' }))?.title).toBe('Trip to Lisbon');
    expect(promptLines(titlePrompts[0]!)[1]).toBe('user: Help me plan a trip to Lisbon');
    await agent.generate('And Porto?', call);
    await memory.flush();
    expect(titlePrompts).toHaveLength(1);
  });
});

describe('Memory threads', () => {
  it('lists a resource’s threads by page, newest update first', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), now: clock() });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await memory.createThread({ threadId: id, resourceId: 'user-1' });
    await memory.createThread({ threadId: 'other', resourceId: 'user-2' });
    await memory.saveMessages({ threadId: 'b', resourceId: 'user-1', messages: [{ role: 'user', content: 'bump' }] });

    const first = await memory.listThreads({ resourceId: 'user-1', perPage: 2 });
    expect(first.threads.map((thread) => thread.id)).toEqual(['b', 'e']);
    expect(first).toMatchObject({ total: 5, page: 0, perPage: 2, hasMore: true });
    const last = await memory.listThreads({ resourceId: 'user-1', perPage: 2, page: 2 });
    expect(last.threads.map((thread) => thread.id)).toEqual(['a']);
    expect(last.hasMore).toBe(false);
    const oldest = await memory.listThreads({ resourceId: 'user-1', orderBy: 'createdAt', sortDirection: 'ASC', perPage: 1 });
    expect(oldest.threads[0]!.id).toBe('a');
    await expect(memory.listThreads({ resourceId: 'user-1', page: -1 })).rejects.toThrow(/page must be an integer/);
  });

  it('updates title and metadata, merging metadata', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), now: clock() });
    await memory.createThread({ threadId: 't', resourceId: 'u', metadata: { a: 1 } });
    const updated = await memory.updateThread({ id: 't', title: 'New', metadata: { b: 2 } });
    expect(updated).toMatchObject({ title: 'New', metadata: { a: 1, b: 2 } });
    const error = await memory.updateThread({ id: 'missing', title: 'x' }).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
  });

  it('clones a thread with its messages under new ids', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), now: clock() });
    await memory.saveMessages({ threadId: 'src', resourceId: 'u', messages: [{ role: 'user', content: 'one' }, { role: 'assistant', content: 'two' }, { role: 'user', content: 'three' }] });
    const { thread, clonedMessages } = await memory.cloneThread({ sourceThreadId: 'src', newThreadId: 'copy', title: 'Copy' });
    expect(thread).toMatchObject({ id: 'copy', resourceId: 'u', title: 'Copy', metadata: { clone: { sourceThreadId: 'src' } } });
    expect(clonedMessages.map((message) => message.content)).toEqual(['one', 'two', 'three']);
    const source = await memory.recall({ threadId: 'src' });
    expect(clonedMessages.map((message) => message.id)).not.toContain(source.messages[0]!.id);
    const recent = await memory.cloneThread({ sourceThreadId: 'src', messageLimit: 2 });
    expect(recent.clonedMessages.map((message) => message.content)).toEqual(['two', 'three']);
  });

  it('deletes a thread with its messages', async () => {
    const store = new InMemoryMemoryStore();
    const memory = new Memory({ storage: store });
    await memory.saveMessages({ threadId: 't', resourceId: 'u', messages: [{ role: 'user', content: 'x' }] });
    expect(await memory.deleteThread('t')).toBe(true);
    expect(await memory.getThreadById({ threadId: 't' })).toBeNull();
    expect(await store.countMessages('t')).toBe(0);
    expect(await memory.deleteThread('t')).toBe(false);
  });

  it('describes its configuration as JSON', () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { lastMessages: 5, semanticRecall: { topK: 2 }, workingMemory: { enabled: true, scope: 'resource', schema: z.object({ name: z.string() }) } } });
    expect(JSON.parse(JSON.stringify(memory.getConfig()))).toMatchObject({
      lastMessages: 5,
      semanticRecall: { topK: 2, messageRange: { before: 1, after: 1 }, scope: 'thread' },
      workingMemory: { enabled: true, scope: 'resource', schema: { type: 'object', properties: { name: { type: 'string' } } } },
      embedder: 'mastra-ts.lexical/lexical-384',
    });
  });

  it('accepts a storage bundle with .memory and rejects anything else', () => {
    expect(() => new Memory({ storage: { memory: new InMemoryMemoryStore() } })).not.toThrow();
    expect(() => new Memory({ storage: {} as never })).toThrow(/expected a MemoryStore/);
    expect(() => new Memory({ storage: new InMemoryMemoryStore(), options: { lastMessages: -1 } })).toThrow(/lastMessages must be an integer/);
  });
});
