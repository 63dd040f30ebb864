import { InMemoryMemoryStore, InMemoryVectorStore, type ListMessagesQuery } from '@mastra-ts/core';
import { MockEmbeddingModelV1 } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { Memory } from './memory.ts';

function setup() {
  const store = new InMemoryMemoryStore();
  const reads: ListMessagesQuery[] = [];
  const list = store.listMessages.bind(store);
  store.listMessages = (query) => {
    reads.push(query);
    return list(query);
  };
  const memory = new Memory({ storage: store, vector: new InMemoryVectorStore(), embedder: new MockEmbeddingModelV1({ dimensions: 64 }), options: { lastMessages: 2, semanticRecall: { topK: 1, messageRange: 1 } } });
  return { store, memory, reads };
}

const texts = Array.from({ length: 30 }, (_, index) => (index === 12 ? 'The boat is moored at pier seven' : `small talk number ${index}`));

describe('recall neighbourhoods', () => {
  it('loads a hit with its neighbours in one read when its predecessor is known', async () => {
    const { memory, reads } = setup();
    for (let index = 0; index < texts.length; index += 3) {
      await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: texts.slice(index, index + 3).map((content, offset) => ({ role: (index + offset) % 2 === 0 ? 'user' : 'assistant', content })) });
    }
    await memory.flush();
    reads.length = 0;
    const { recalled } = await memory.recall({ threadId: 't1', vectorSearchString: 'where is the boat moored? pier seven' });
    expect(recalled.map((message) => message.content)).toEqual(['small talk number 11', 'The boat is moored at pier seven', 'small talk number 13']);
    // the last messages, then one read for the hit's neighbourhood
    expect(reads).toHaveLength(2);
  });

  it('still finds the true neighbours when a message was inserted before the hit afterwards', async () => {
    const { memory, reads } = setup();
    const start = Date.UTC(2026, 0, 1);
    const saved = await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: texts.map((content, index) => ({ role: 'user' as const, content, createdAt: new Date(start + index * 10) })) });
    await memory.flush();
    const hit = saved[12]!;
    await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: [{ role: 'assistant', content: 'a late insertion', createdAt: new Date(hit.createdAt.getTime() - 5) }] });
    await memory.flush();
    reads.length = 0;
    const { recalled } = await memory.recall({ threadId: 't1', vectorSearchString: 'where is the boat moored? pier seven' });
    expect(recalled.map((message) => message.content)).toEqual(['a late insertion', 'The boat is moored at pier seven', 'small talk number 13']);
    expect(reads.length).toBeGreaterThan(2);
  });
});
