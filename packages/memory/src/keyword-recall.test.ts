import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, InMemoryMemoryStore, InMemoryVectorStore, TypeValidationError, type EmbeddingModelV1, type MemoryStore, type ModelMessage, type VectorStore } from '@mastra-ts/core';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { Memory } from './memory.ts';
import type { SemanticRecallOptions } from './memory-types.ts';
import { recallMessages, searchKeywords } from './semantic-recall.ts';
import { interceptedEmbedder, scriptedModel, systemText } from './test-utils.ts';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const fact = 'My locker code is 4417, locker Zanzibar';

/**
 * An embedder that cannot see the fact: the fact's message points one way, every other text (the question
 * included) the other. Vector recall then never finds the fact; only its words can.
 */
const blindEmbedder: EmbeddingModelV1 = {
  specificationVersion: 'v1',
  provider: 'test',
  modelId: 'blind',
  maxEmbeddingsPerCall: 1000,
  supportsParallelCalls: true,
  doEmbed: async ({ values }) => ({ embeddings: values.map((value) => (value.includes('4417') ? [0, 1] : [1, 0])) }),
};

const conversation = (count: number, facts: Record<number, string>): ModelMessage[] =>
  Array.from({ length: count }, (_, index): ModelMessage => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: facts[index] ?? `we talked about the weather again, ${index}` }));

async function stores(): Promise<Array<[string, MemoryStore]>> {
  const directory = mkdtempSync(path.join(tmpdir(), 'memory-keywords-'));
  directories.push(directory);
  const storage = createSqliteStorage({ path: path.join(directory, 'mastra.db') });
  await storage.migrate();
  return [
    ['in-memory store', new InMemoryMemoryStore()],
    ['SQLite file', storage.memory],
  ];
}

async function askAboutTheLocker(store: MemoryStore, recall: SemanticRecallOptions, resource = 'u1'): Promise<string> {
  const memory = new Memory({ storage: store, vector: new InMemoryVectorStore(), embedder: blindEmbedder, options: { lastMessages: 4, semanticRecall: recall } });
  await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(240, { 20: fact, 21: 'Noted.' }) });
  await memory.saveMessages({ threadId: 't2', resourceId: 'u1', messages: conversation(4, {}) });
  await memory.flush();
  const { model, prompts } = scriptedModel('It is 4417.');
  const agent = new Agent({ name: 'a', instructions: 'Be brief.', model, memory });
  await agent.generate('What is the code of my Zanzibar locker?', { memory: { thread: resource === 'u1' ? 't2' : 't1', resource } });
  return systemText(prompts[0]!);
}

describe('keyword recall', () => {
  it('recalls, 220 messages back, a fact the vector search cannot see, through its rare words; keywords: false does not', async () => {
    for (const [label, store] of await stores()) {
      const system = await askAboutTheLocker(store, { topK: 2, scope: 'resource' });
      expect(system, label).toContain(`user: ${fact}`);
      expect(system, label).toContain('assistant: Noted.');
      expect(system, label).toContain('From another conversation (thread t1):');
    }
    for (const [label, store] of await stores()) {
      const system = await askAboutTheLocker(store, { topK: 2, scope: 'resource', keywords: false });
      expect(system, label).not.toContain(fact);
    }
  });

  it('memory.recall() with a search string recalls by keywords too', async () => {
    for (const [label, store] of await stores()) {
      const memory = new Memory({ storage: store, vector: new InMemoryVectorStore(), embedder: blindEmbedder, options: { lastMessages: 4, semanticRecall: { topK: 2, messageRange: 0 } } });
      await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: conversation(240, { 20: fact }) });
      await memory.flush();
      const { recalled } = await memory.recall({ threadId: 't1', resourceId: 'u1', vectorSearchString: 'zanzibar locker?' });
      // with two hits, the best vector hit and the best keyword hit (the fact): they tie in the fusion
      expect(recalled.map((message) => message.content), label).toContain(fact);
      expect(recalled, label).toHaveLength(2);
      const vectorsOnly = await memory.recall({ threadId: 't1', resourceId: 'u1', vectorSearchString: 'zanzibar locker?', semanticRecall: { topK: 2, messageRange: 0, keywords: false } });
      expect(vectorsOnly.recalled.map((message) => message.content), label).not.toContain(fact);
    }
  });

  it('keeps to the scope: thread scope does not reach into another thread', async () => {
    for (const [label, store] of await stores()) {
      expect(await askAboutTheLocker(store, { topK: 2, scope: 'thread' }), label).not.toContain(fact);
    }
  });

  it('fuses the rankings: a message both find comes first, and messages already in context are skipped', async () => {
    const store = new InMemoryMemoryStore();
    await store.saveThread({ id: 't1', resourceId: 'u1', createdAt: new Date(0), updatedAt: new Date(0) });
    const at = (index: number) => new Date(Date.UTC(2026, 0, 1) + index * 1000);
    const texts = ['quokka one', 'filler', 'quokka two', 'filler', 'vector only', 'filler', 'quokka and vector', 'filler', 'quokka in context'];
    await store.saveMessages(
      [...Array.from({ length: 400 }, (_, index) => `padding ${index}`), ...texts].map((content, index) => ({ id: `m${index}`, threadId: 't1', resourceId: 'u1', role: 'user', content, createdAt: at(index) })),
    );
    const id = (text: string) => `m${400 + texts.indexOf(text)}`;
    // vector ranking: "vector only", then "quokka and vector"; keyword ranking (newest first): in context, and vector, two, one
    const vector: VectorStore = {
      query: async () => [id('vector only'), id('quokka and vector')].map((hitId) => ({ id: hitId, score: 0.5, metadata: { threadId: 't1', createdAt: at(Number(hitId.slice(1))).getTime() } })),
    } as unknown as VectorStore;
    const recall = async (keywords: { maxDocumentFrequency: number } | undefined) => {
      const excludeIds = new Set([id('quokka in context')]);
      const common = { scope: 'thread', threadId: 't1', resourceId: 'u1', abortSignal: undefined } as const;
      const keywordHits = await searchKeywords({ store, text: 'Any news of the quokka?', keywords, limit: 3 + excludeIds.size, ...common });
      return recallMessages({ store, vector, indexName: 'messages', queryVector: [1, 0], topK: 3, before: 0, after: 0, excludeIds, minScore: undefined, keywordHits, ...common });
    };
    const hitTexts = async (keywords: { maxDocumentFrequency: number } | undefined) =>
      (await recall(keywords)).groups.map((group) => group.entries.map((entry) => entry.stored.content).join());
    expect(await hitTexts({ maxDocumentFrequency: 50 })).toEqual(['quokka and vector', 'vector only', 'quokka two']);
    expect(await hitTexts(undefined)).toEqual(['vector only', 'quokka and vector']);
  });

  it('reports the keyword setting in getConfig()', () => {
    const config = (keywords: SemanticRecallOptions['keywords']) =>
      new Memory({ storage: new InMemoryMemoryStore(), embedder: blindEmbedder, options: { semanticRecall: { keywords } } }).getConfig()['semanticRecall'];
    expect(config(undefined)).toMatchObject({ keywords: { maxDocumentFrequency: 50 } });
    expect(config({ maxDocumentFrequency: 7 })).toMatchObject({ keywords: { maxDocumentFrequency: 7 } });
    expect(config(false)).toMatchObject({ keywords: false });
  });

  it('memory.recall() rejects when its embedding and its keyword search both fail, and leaves neither rejection unhandled', async () => {
    const store = new InMemoryMemoryStore();
    const { embedder } = interceptedEmbedder(() => {
      throw new Error('embedding service down');
    });
    const memory = new Memory({ storage: store, vector: new InMemoryVectorStore(), embedder, options: { semanticRecall: { topK: 2 } } });
    await memory.createThread({ threadId: 't1', resourceId: 'u1' });
    store.searchMessages = async () => {
      throw new Error('keyword index unavailable');
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(memory.recall({ threadId: 't1', resourceId: 'u1', vectorSearchString: 'zanzibar locker?' })).rejects.toThrow(/embedding service down|keyword index unavailable/);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('rejects bad keyword options with the field and the fix', () => {
    for (const [keywords, field] of [
      ['yes', 'keywords'],
      [{ maxDocumentFrequency: 0 }, 'maxDocumentFrequency'],
      [{ maxDocumentFrequency: 2.5 }, 'maxDocumentFrequency'],
    ] as const) {
      let caught: unknown;
      try {
        new Memory({ storage: new InMemoryMemoryStore(), embedder: blindEmbedder, options: { semanticRecall: { keywords: keywords as never } } });
      } catch (error) {
        caught = error;
      }
      expect(TypeValidationError.isInstance(caught), JSON.stringify(keywords)).toBe(true);
      expect((caught as Error).message).toContain(field);
    }
  });
});
