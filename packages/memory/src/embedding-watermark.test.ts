import { InMemoryMemoryStore, InMemoryVectorStore, RequestContext } from '@mastra-ts/core';
import { MockEmbeddingModelV1 } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { Memory } from './memory.ts';

const turns = async (count: number): Promise<void> => {
  for (let index = 0; index < count; index++) await new Promise((resolve) => setImmediate(resolve));
};

function watermark(store: InMemoryMemoryStore): Promise<unknown> {
  return store.getThread('t1').then((thread) => (thread?.metadata?.['memoryState'] as { embeddedThrough?: unknown } | undefined)?.embeddedThrough);
}

describe('embedding watermark', () => {
  it('is written every 64 embedded messages of a thread and by flush(), not once per batch', async () => {
    const store = new InMemoryMemoryStore();
    const memory = new Memory({ storage: store, vector: new InMemoryVectorStore(), embedder: new MockEmbeddingModelV1({ dimensions: 16 }), embeddingLingerMs: 0, options: { semanticRecall: true } });
    let saved: Awaited<ReturnType<Memory['saveMessages']>> = [];
    for (let batch = 0; batch < 10; batch++) {
      saved = await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: [{ role: 'user', content: `question ${batch}` }, { role: 'assistant', content: `answer ${batch}` }] });
      await turns(5);
    }
    expect(memory.pendingEmbeddings).toBe(0);
    expect(await watermark(store)).toBeUndefined();
    await memory.flush();
    expect(await watermark(store)).toEqual({ createdAt: saved[1]!.createdAt.getTime(), id: saved[1]!.id });

    const many = Array.from({ length: 70 }, (_, index) => ({ role: 'user' as const, content: `note ${index}` }));
    const stored = await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: many });
    await turns(10);
    expect(memory.pendingEmbeddings).toBe(0);
    const mark = (await watermark(store)) as { id: string };
    expect(stored.map((message) => message.id)).toContain(mark.id);
  });

  it('after a crash, re-embeds only what follows the durable watermark', async () => {
    const store = new InMemoryMemoryStore();
    const vector = new InMemoryVectorStore();
    const first = new Memory({ storage: store, vector, embedder: new MockEmbeddingModelV1({ dimensions: 16 }), embeddingLingerMs: 0, options: { semanticRecall: true } });
    await first.saveMessages({ threadId: 't1', resourceId: 'u1', messages: [{ role: 'user', content: 'durable one' }, { role: 'assistant', content: 'durable two' }] });
    await first.flush();
    await first.saveMessages({ threadId: 't1', resourceId: 'u1', messages: [{ role: 'user', content: 'embedded, mark unsaved' }] });
    await turns(5);
    expect(first.pendingEmbeddings).toBe(0);
    // the process dies here without flush()

    const embedder = new MockEmbeddingModelV1({ dimensions: 16 });
    const second = new Memory({ storage: store, vector, embedder, options: { lastMessages: 1, semanticRecall: { topK: 1, messageRange: 0 } } });
    await second.recall({ threadId: 't1', vectorSearchString: 'anything' });
    await second.prepare({ agentId: 'a', threadId: 't1', resourceId: 'u1', thread: 't1', input: [{ role: 'user', content: 'hi' }], options: undefined, requestContext: new RequestContext(), abortSignal: undefined });
    await second.flush();
    const embedded = embedder.doEmbedCalls.flatMap((call) => call.values);
    expect(embedded).toContain('embedded, mark unsaved');
    expect(embedded).not.toContain('durable one');
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(3);
  });
});
