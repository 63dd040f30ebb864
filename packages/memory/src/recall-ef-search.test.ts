import { InMemoryMemoryStore, TypeValidationError, type VectorQueryArgs } from '@mastra-ts/core';
import { createLexicalEmbedder, LocalVectorStore } from '@mastra-ts/vector';
import { describe, expect, it } from 'vitest';
import { Memory } from './memory.ts';
import type { MemoryOptions } from './memory-types.ts';

/** A graph-indexed vector store that records the efSearch of every query. */
function recordingStore(): { vector: LocalVectorStore; efSearch: Array<number | undefined> } {
  const vector = new LocalVectorStore({ index: 'hnsw' });
  const efSearch: Array<number | undefined> = [];
  const query = vector.query.bind(vector);
  vector.query = (args: VectorQueryArgs) => {
    efSearch.push(args.efSearch);
    return query(args);
  };
  return { vector, efSearch };
}

async function setup(semanticRecall: MemoryOptions['semanticRecall']) {
  const { vector, efSearch } = recordingStore();
  const memory = new Memory({ storage: new InMemoryMemoryStore(), vector, embedder: createLexicalEmbedder({ dimensions: 64 }), options: { lastMessages: 2, semanticRecall } });
  const topics = ['weather', 'lunch', 'travel', 'budget', 'music', 'garden'];
  await memory.saveMessages({
    threadId: 't1',
    resourceId: 'u1',
    messages: Array.from({ length: 300 }, (_, index) => ({ role: 'user' as const, content: index === 40 ? 'my locker code is the blue cabinet on floor nine' : `${topics[index % topics.length]} plans for the week ${index}` })),
  });
  await memory.flush();
  return { memory, efSearch };
}

describe('semanticRecall.efSearch', () => {
  it('asks the vector store for a 48-candidate walk by default, and finds the message', async () => {
    const { memory, efSearch } = await setup({ topK: 2, messageRange: 0, keywords: false });
    const { recalled } = await memory.recall({ threadId: 't1', resourceId: 'u1', vectorSearchString: 'which cabinet holds my locker code on floor nine?' });
    expect(efSearch).toEqual([48]);
    expect(recalled.map((message) => message.content)).toContain('my locker code is the blue cabinet on floor nine');
    expect(memory.getConfig()).toMatchObject({ semanticRecall: { efSearch: 48 } });
  });

  it('passes a configured value, and a per-call one', async () => {
    const { memory, efSearch } = await setup({ topK: 2, messageRange: 0, efSearch: 200 });
    await memory.recall({ threadId: 't1', resourceId: 'u1', vectorSearchString: 'locker code' });
    await memory.recall({ threadId: 't1', resourceId: 'u1', vectorSearchString: 'locker code', semanticRecall: { topK: 2, efSearch: 12 } });
    expect(efSearch).toEqual([200, 12]);
  });

  it('rejects a value that is not a candidate count, naming the option', () => {
    for (const bad of [0, 2.5, 20_000]) {
      let error: unknown;
      try {
        new Memory({ storage: new InMemoryMemoryStore(), options: { semanticRecall: { efSearch: bad } } });
      } catch (caught) {
        error = caught;
      }
      expect(TypeValidationError.isInstance(error)).toBe(true);
      expect(String((error as Error).message)).toMatch(/semanticRecall\.efSearch.*efSearch must be an integer from 1 to 10000/s);
    }
  });
});
