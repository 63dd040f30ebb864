import { Agent, InMemoryMemoryStore, InMemoryVectorStore, type ModelMessage } from '@mastra-ts/core';
import { MockEmbeddingModelV1 } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { defaultImportanceScorer } from './importance.ts';
import { Memory } from './memory.ts';
import { scriptedModel } from './test-utils.ts';

const day = 86_400_000;

function chatter(count: number, start = 0): ModelMessage[] {
  return Array.from({ length: count }, (_, index): ModelMessage => ({ role: (start + index) % 2 === 0 ? 'user' : 'assistant', content: `ok ${start + index}` }));
}

describe('cleanup', () => {
  it('keeps the newest maxMessages plus every important message, automatically after saves', async () => {
    const store = new InMemoryMemoryStore();
    const memory = new Memory({ storage: store, options: { cleanup: { maxMessages: 5 } } });
    await memory.saveMessages({ threadId: 't', resourceId: 'u', messages: [{ role: 'user', content: 'Remember: my daughter is allergic to peanuts' }, ...chatter(20)] });
    await memory.flush();
    const { messages } = await memory.recall({ threadId: 't', last: 100 });
    expect(messages.map((message) => message.content)).toEqual(['Remember: my daughter is allergic to peanuts', 'ok 15', 'ok 16', 'ok 17', 'ok 18', 'ok 19']);
  });

  it('deletes unimportant messages older than maxAgeMs on an explicit clock', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const store = new InMemoryMemoryStore();
    const memory = new Memory({ storage: store, now: () => new Date(now), options: { cleanup: { maxAgeMs: 7 * day, auto: false } } });
    await memory.saveMessages({ threadId: 't', resourceId: 'u', messages: [...chatter(3), { role: 'user', content: 'My name is Ana and I always fly with TAP' }] });
    now += 10 * day;
    await memory.saveMessages({ threadId: 't', resourceId: 'u', messages: chatter(2, 10) });
    expect(await store.countMessages('t')).toBe(6);
    const result = await memory.cleanup({ threadId: 't' });
    expect(result.deleted).toBe(3);
    const { messages } = await memory.recall({ threadId: 't', last: 100 });
    expect(messages.map((message) => message.content)).toEqual(['My name is Ana and I always fly with TAP', 'ok 10', 'ok 11']);
  });

  it('deletes or keeps a tool call together with its result', async () => {
    const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { cleanup: { maxMessages: 2, auto: false } } });
    await memory.saveMessages({
      threadId: 't',
      resourceId: 'u',
      messages: [
        { role: 'user', content: 'ok' },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: {} }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'lookup', output: 'x' }] },
        { role: 'assistant', content: 'done' },
      ],
    });
    // the boundary falls between the call and its result: the pair is kept whole
    await memory.cleanup({ threadId: 't' });
    expect((await memory.recall({ threadId: 't', last: 100 })).messages.map((message) => message.type)).toEqual(['tool-call', 'tool-result', 'text']);
  });

  it('removes the vectors of cleaned-up messages', async () => {
    const vector = new InMemoryVectorStore();
    const memory = new Memory({ storage: new InMemoryMemoryStore(), vector, embedder: new MockEmbeddingModelV1(), options: { semanticRecall: true, cleanup: { maxMessages: 3, auto: false } } });
    await memory.saveMessages({ threadId: 't', resourceId: 'u', messages: chatter(10) });
    await memory.flush();
    await memory.cleanup({ threadId: 't' });
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(3);
  });

  it('uses a pluggable importance scorer', async () => {
    const memory = new Memory({
      storage: new InMemoryMemoryStore(),
      options: { importance: (message) => (message.text.includes('keep') ? 1 : 0), cleanup: { maxMessages: 1 } },
    });
    const { model } = scriptedModel('fine');
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    await agent.generate('please keep this', { memory: { thread: 't', resource: 'u' } });
    await agent.generate('drop this', { memory: { thread: 't', resource: 'u' } });
    await memory.flush();
    const { messages } = await memory.recall({ threadId: 't' });
    expect(messages.map((message) => [message.content, message.metadata?.['importance']])).toEqual([
      ['please keep this', 1],
      [[{ type: 'text', text: 'fine' }], 0],
    ]);
  });
});

describe('defaultImportanceScorer', () => {
  const score = (role: 'user' | 'assistant' | 'tool', text: string, metadata?: Record<string, number | boolean>) =>
    defaultImportanceScorer({ role, text, content: text, metadata });
  it('ranks personal facts above small talk and acknowledgements', () => {
    expect(score('user', 'My name is Ana and my birthday is on 3 May')).toBeGreaterThanOrEqual(0.7);
    expect(score('user', 'Please remember that I prefer window seats')).toBeGreaterThanOrEqual(0.7);
    expect(score('user', 'What time is it?')).toBeLessThan(0.7);
    expect(score('user', 'thanks!')).toBeLessThan(score('user', 'What time is it?'));
    expect(score('tool', 'some output')).toBeLessThan(score('user', 'some output'));
  });
  it('honours explicit importance and pins in metadata', () => {
    expect(score('user', 'ok', { importance: 0.9 })).toBe(0.9);
    expect(score('user', 'ok', { pinned: true })).toBe(1);
  });
});
