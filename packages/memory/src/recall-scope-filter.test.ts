import { InMemoryMemoryStore, InMemoryVectorStore, type VectorQueryArgs } from '@mastra-ts/core';
import { MockEmbeddingModelV1 } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { Memory } from './memory.ts';

const topics = ['weather', 'lunch', 'travel', 'budget', 'music', 'garden', 'coffee', 'project'];

/** An in-memory vector store that records the filter of every query. */
function recordingVectorStore(): { vector: InMemoryVectorStore; filters: Array<VectorQueryArgs['filter']> } {
  const vector = new InMemoryVectorStore();
  const filters: Array<VectorQueryArgs['filter']> = [];
  const query = vector.query.bind(vector);
  vector.query = (args) => {
    filters.push(args.filter);
    return query(args);
  };
  return { vector, filters };
}

async function setup() {
  const { vector, filters } = recordingVectorStore();
  const memory = new Memory({
    storage: new InMemoryMemoryStore(),
    vector,
    embedder: new MockEmbeddingModelV1({ dimensions: 32 }),
    options: { lastMessages: 2, semanticRecall: { topK: 2, messageRange: 0, scope: 'resource' } },
  });
  // one resource holds nearly all of a large index; another holds a few messages, worded like the queries
  const big = Array.from({ length: 5000 }, (_, index) => ({ role: 'user' as const, content: `${topics[index % topics.length]} note ${index}` }));
  await memory.saveMessages({ threadId: 'big', resourceId: 'u1', messages: big });
  await memory.saveMessages({ threadId: 'small', resourceId: 'u2', messages: [0, 1, 2, 3, 4, 5].map((index) => ({ role: 'user' as const, content: `travel note secret ${index}` })) });
  await memory.flush();
  // the index size is read in the background: let the first read land
  await memory.recall({ threadId: 'big', resourceId: 'u1', vectorSearchString: 'warm up' });
  await new Promise((resolve) => setImmediate(resolve));
  filters.length = 0;
  return { memory, filters };
}

describe('recall scope on a large index', () => {
  it('queries without the filter when the scope covers the index, and still returns only messages of the scope', async () => {
    const { memory, filters } = await setup();
    for (let round = 0; round < 3; round++) {
      const { recalled } = await memory.recall({ threadId: 'big', resourceId: 'u1', vectorSearchString: 'travel note secret' });
      expect(recalled).toHaveLength(2);
      expect(recalled.every((message) => message.resourceId === 'u1' && message.threadId === 'big')).toBe(true);
    }
    expect(filters).toEqual([undefined, undefined, undefined]);
  });

  it('falls back to the filter for a scope that holds little of the index, then keeps it', async () => {
    const { memory, filters } = await setup();
    const first = await memory.recall({ threadId: 'small', resourceId: 'u2', vectorSearchString: 'lunch note 8' });
    expect(first.recalled).toHaveLength(2);
    expect(first.recalled.every((message) => message.resourceId === 'u2')).toBe(true);
    expect(filters).toEqual([undefined, { resourceId: 'u2' }]);
    const second = await memory.recall({ threadId: 'small', resourceId: 'u2', vectorSearchString: 'garden note 13' });
    expect(second.recalled.every((message) => message.resourceId === 'u2')).toBe(true);
    expect(filters.slice(2)).toEqual([{ resourceId: 'u2' }]);
  });

  it('keeps the filter on a small index', async () => {
    const { vector, filters } = recordingVectorStore();
    const memory = new Memory({ storage: new InMemoryMemoryStore(), vector, embedder: new MockEmbeddingModelV1({ dimensions: 32 }), options: { lastMessages: 1, semanticRecall: { topK: 1, messageRange: 0 } } });
    await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: topics.map((topic) => ({ role: 'user' as const, content: topic })) });
    await memory.flush();
    for (let round = 0; round < 3; round++) {
      await memory.recall({ threadId: 't1', vectorSearchString: 'travel' });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(filters).toEqual([{ threadId: 't1' }, { threadId: 't1' }, { threadId: 't1' }]);
  });
});
