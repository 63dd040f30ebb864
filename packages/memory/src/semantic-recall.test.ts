import { Agent, InMemoryMemoryStore, InMemoryVectorStore, type ModelMessage } from '@mastra-ts/core';
import { MockEmbeddingModelV1 } from '@mastra-ts/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Memory } from './memory.ts';
import { interceptedEmbedder, promptLines, scriptedModel, systemText } from './test-utils.ts';

const filler = ['How is the weather today?', 'It is sunny and warm.', 'Any plans for lunch?', 'Maybe a salad at noon.', 'Did you see the match?', 'Yes, a great game.'];

function conversation(count: number, facts: Record<number, string>): ModelMessage[] {
  return Array.from({ length: count }, (_, index): ModelMessage => ({
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: facts[index] ?? `${filler[index % filler.length]} (${index})`,
  }));
}

function setup(options: { scope?: 'thread' | 'resource'; lastMessages?: number; messageRange?: number } = {}) {
  const store = new InMemoryMemoryStore();
  const vector = new InMemoryVectorStore();
  const embedder = new MockEmbeddingModelV1({ dimensions: 256 });
  const memory = new Memory({
    storage: store,
    vector,
    embedder,
    options: { lastMessages: options.lastMessages ?? 4, semanticRecall: { topK: 1, messageRange: options.messageRange ?? 1, scope: options.scope ?? 'thread' } },
  });
  return { store, vector, embedder, memory };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('semantic recall', () => {
  it('recalls a message said 200 messages earlier with its neighbours, in order, marked as recalled', async () => {
    const { memory } = setup();
    await memory.saveMessages({
      threadId: 't1',
      resourceId: 'u1',
      messages: conversation(220, { 10: 'My dentist appointment is on Friday at 9 in Lisbon', 11: 'Noted, Friday at 9.' }),
    });
    await memory.flush();
    expect(memory.pendingEmbeddings).toBe(0);

    const { model, prompts } = scriptedModel('Friday at 9.');
    const agent = new Agent({ name: 'a', instructions: 'Be brief.', model, memory });
    await agent.generate('When is my dentist appointment in Lisbon?', { memory: { thread: 't1', resource: 'u1' } });

    const system = systemText(prompts[0]!);
    expect(system).toContain('<recalled_messages>');
    const lines = system.split('\n').filter((line) => line.startsWith('['));
    expect(lines.map((line) => line.replace(/^\[[^\]]+\] /, ''))).toEqual([
      'assistant: Maybe a salad at noon. (9)',
      'user: My dentist appointment is on Friday at 9 in Lisbon',
      'assistant: Noted, Friday at 9.',
    ]);
    expect(promptLines(prompts[0]!).slice(1)).toHaveLength(5);
  });

  it('does not recall what is already in the last messages, and dedupes overlapping neighbours', async () => {
    const { memory } = setup({ lastMessages: 6, messageRange: 2 });
    await memory.saveMessages({
      threadId: 't1',
      resourceId: 'u1',
      messages: conversation(12, { 2: 'The wifi password is on the fridge note', 3: 'Fridge note, got it', 10: 'The fridge is making noise' }),
    });
    await memory.flush();
    const result = await memory.recall({ threadId: 't1', vectorSearchString: 'fridge note wifi', semanticRecall: { topK: 3, messageRange: 2 } });
    const historyIds = new Set(result.messages.map((message) => message.id));
    expect(result.messages).toHaveLength(6);
    expect(result.recalled.some((message) => historyIds.has(message.id))).toBe(false);
    expect(result.recalled.map((message) => message.content)).toContain('The wifi password is on the fridge note');
    const ids = result.recalled.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = result.recalled.map((message) => message.createdAt.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('searches only the current thread with scope thread, and every thread of the resource with scope resource', async () => {
    for (const scope of ['thread', 'resource'] as const) {
      const { memory } = setup({ scope, lastMessages: 2 });
      await memory.saveMessages({ threadId: 'old', resourceId: 'u1', messages: conversation(6, { 2: 'My cat is called Miso' }) });
      await memory.saveMessages({ threadId: 'other-user', resourceId: 'u2', messages: conversation(6, { 2: 'My cat is called Tofu' }) });
      await memory.saveMessages({ threadId: 'new', resourceId: 'u1', messages: conversation(4, {}) });
      await memory.flush();
      const { model, prompts } = scriptedModel('ok');
      await new Agent({ name: 'a', instructions: 'x', model, memory }).generate('What is my cat called?', { memory: { thread: 'new', resource: 'u1' } });
      const system = systemText(prompts[0]!);
      expect(system.includes('Miso')).toBe(scope === 'resource');
      expect(system).not.toContain('Tofu');
      if (scope === 'resource') expect(system).toContain('From another conversation (thread old)');
    }
  });

  it('embeds in batches after the response, off the critical path', async () => {
    const { memory, embedder } = setup();
    await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(150, {}) });
    expect(embedder.doEmbedCalls).toHaveLength(0);
    expect(memory.pendingEmbeddings).toBe(150);
    await memory.flush();
    expect(embedder.doEmbedCalls.map((callOptions) => callOptions.values.length)).toEqual([64, 64, 22]);
  });

  it('keeps failed embeddings queued and retries them instead of losing them', async () => {
    const store = new InMemoryMemoryStore();
    const vector = new InMemoryVectorStore();
    let failures = 1;
    const { embedder: flaky } = interceptedEmbedder((options) => {
      if (options.values.length > 1 && failures-- > 0) throw new Error('embedding service unavailable');
    });
    const memory = new Memory({ storage: store, vector, embedder: flaky, embeddingRetryDelayMs: 60_000, options: { semanticRecall: true } });
    await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(4, {}) });
    await expect(memory.flush()).rejects.toThrow('embedding service unavailable');
    expect(memory.pendingEmbeddings).toBe(4);
    await memory.flush();
    expect(memory.pendingEmbeddings).toBe(0);
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(4);
    await memory.close();
  });

  it('saves made within embeddingLingerMs share one embedding call', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const embedder = new MockEmbeddingModelV1({ dimensions: 64 });
    const memory = new Memory({ storage: new InMemoryMemoryStore(), vector: new InMemoryVectorStore(), embedder, embeddingLingerMs: 50, options: { semanticRecall: true } });
    for (let turn = 0; turn < 3; turn++) {
      await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(2, {}) });
      // a full turn of the event loop between saves, as between two requests: without lingering, each would be sent
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(embedder.doEmbedCalls).toHaveLength(0);
    vi.advanceTimersByTime(50);
    await memory.flush();
    expect(embedder.doEmbedCalls).toHaveLength(1);
    expect(embedder.doEmbedCalls[0]?.values).toHaveLength(6);
    expect(memory.pendingEmbeddings).toBe(0);
  });

  it('retries a failed background batch on its own after the backoff delay', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let calls = 0;
    const { embedder: flaky } = interceptedEmbedder(() => {
      calls++;
      if (calls === 1) throw new Error('503 from the embedding service');
    });
    const memory = new Memory({ storage: new InMemoryMemoryStore(), vector: new InMemoryVectorStore(), embedder: flaky, embeddingRetryDelayMs: 1000, embeddingLingerMs: 0, options: { semanticRecall: true } });
    await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(3, {}) });
    const settle = async (): Promise<void> => {
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    };
    await settle();
    expect(calls).toBe(1);
    expect(memory.pendingEmbeddings).toBe(3);
    vi.advanceTimersByTime(999);
    await settle();
    expect(calls).toBe(1);
    vi.advanceTimersByTime(1);
    await settle();
    expect(calls).toBe(2);
    expect(memory.pendingEmbeddings).toBe(0);
  });

  it('re-embeds messages a previous process saved but never embedded (durable watermark)', async () => {
    const store = new InMemoryMemoryStore();
    const vector = new InMemoryVectorStore();
    const crashed = new Memory({ storage: store, vector, embedder: new MockEmbeddingModelV1({ dimensions: 128 }), options: { semanticRecall: true } });
    await crashed.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(4, {}) });
    await crashed.flush();
    await crashed.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(30, { 0: 'I was born in Porto' }) });
    // the process dies here: these 30 messages never reach the vector store

    const embedder = new MockEmbeddingModelV1({ dimensions: 128 });
    const restarted = new Memory({ storage: store, vector, embedder, options: { lastMessages: 2, semanticRecall: { topK: 1, messageRange: 0 } } });
    const { model, prompts } = scriptedModel('ok');
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory: restarted });
    await agent.generate('Where was I born?', { memory: { thread: 't1', resource: 'u1' } });
    await restarted.flush();
    const embedded = embedder.doEmbedCalls.slice(1).flatMap((callOptions) => callOptions.values);
    // the 30 recovered messages, then the reply of this call, each once (the question reuses its query embedding)
    expect(embedded).toHaveLength(31);
    expect(embedded).toContain('I was born in Porto');
    expect(embedded.slice(30)).toEqual(['ok']);
    expect(embedder.doEmbedCalls[0]!.values).toEqual(['Where was I born?']);
    await agent.generate('Where was I born again?', { memory: { thread: 't1', resource: 'u1' } });
    expect(systemText(prompts[1]!)).toContain('I was born in Porto');
  });

  it('rebuilds a lost in-process index for every thread it visits after a restart', async () => {
    const store = new InMemoryMemoryStore();
    const options = { lastMessages: 2, semanticRecall: { topK: 1, messageRange: 0 } };
    const before = new Memory({ storage: store, options });
    await before.saveMessages({ threadId: 'a', resourceId: 'u1', messages: conversation(10, { 2: 'The spare key is under the blue pot' }) });
    await before.saveMessages({ threadId: 'b', resourceId: 'u1', messages: conversation(10, { 2: 'The bike lock code is 2231' }) });
    await before.flush();

    const after = new Memory({ storage: store, options });
    const { model, prompts } = scriptedModel('ok');
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory: after });
    for (const thread of ['a', 'b']) await agent.generate('warm up', { memory: { thread, resource: 'u1' } });
    await after.flush();
    await agent.generate('where is the spare key?', { memory: { thread: 'a', resource: 'u1' } });
    await agent.generate('what is the bike lock code?', { memory: { thread: 'b', resource: 'u1' } });
    expect(systemText(prompts[2]!)).toContain('The spare key is under the blue pot');
    expect(systemText(prompts[3]!)).toContain('The bike lock code is 2231');
  });

  it('deletes a thread’s vectors with the thread, and a message’s vector with the message', async () => {
    const { memory, vector } = setup();
    await memory.saveMessages({ threadId: 'keep', resourceId: 'u1', messages: conversation(3, {}) });
    const saved = await memory.saveMessages({ threadId: 'drop', resourceId: 'u1', messages: conversation(5, {}) });
    await memory.flush();
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(8);
    await memory.deleteMessages([saved[0]!.id]);
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(7);
    await memory.deleteThread('drop');
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(3);
    const left = await vector.query({ indexName: 'memory_messages', queryVector: new Array(256).fill(1), topK: 10 });
    expect(left.every((hit) => hit.metadata?.['threadId'] === 'keep')).toBe(true);
  });

  it('drops queued embeddings of a deleted thread so they are not written afterwards', async () => {
    const { memory, vector } = setup();
    await memory.saveMessages({ threadId: 'keep', resourceId: 'u1', messages: conversation(2, {}) });
    await memory.saveMessages({ threadId: 'drop', resourceId: 'u1', messages: conversation(3, {}) });
    await memory.deleteThread('drop');
    await memory.flush();
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(2);
  });

  it('defaults to the local lexical embedder and an in-process vector index', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { lastMessages: 2, semanticRecall: { topK: 1, messageRange: 0 } } });
    await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(40, { 6: 'Our wedding anniversary is on June 12' }) });
    await memory.flush();
    const result = await memory.recall({ threadId: 't1', vectorSearchString: 'when is the anniversary of our wedding?' });
    expect(result.recalled.map((message) => message.content)).toEqual(['Our wedding anniversary is on June 12']);
  });
});
