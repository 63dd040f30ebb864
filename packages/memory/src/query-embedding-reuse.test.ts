import { Agent, InMemoryMemoryStore, InMemoryVectorStore, type EmbeddingModelV1 } from '@mastra-ts/core';
import { MockEmbeddingModelV1 } from '@mastra-ts/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Memory } from './memory.ts';
import { interceptedEmbedder, scriptedModel, systemText } from './test-utils.ts';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup<E extends EmbeddingModelV1 = MockEmbeddingModelV1>(embedder: E = new MockEmbeddingModelV1({ dimensions: 64 }) as EmbeddingModelV1 as E) {
  const vector = new InMemoryVectorStore();
  // a long linger: nothing is embedded by the background timer, only by queries and flush()
  const memory = new Memory({ storage: new InMemoryMemoryStore(), vector, embedder, embeddingLingerMs: 60_000, options: { lastMessages: 2, semanticRecall: { topK: 1, messageRange: 0 } } });
  const { model, prompts } = scriptedModel((_options, call) => `answer ${call}`);
  const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
  return { memory, vector, embedder, agent, prompts };
}

describe('query embeddings', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores the query embedding for the saved user message and embeds the reply with the next query: one call per turn', async () => {
    const { memory, vector, embedder, agent, prompts } = setup();
    const options = { memory: { thread: 't1', resource: 'u1' } };
    await agent.generate('My locker number is 4417', options);
    await turn();
    await agent.generate('What is the weather like?', options);
    await turn();
    await agent.generate('Tell me a joke', options);
    await turn();
    expect(embedder.doEmbedCalls.map((call) => call.values)).toEqual([
      ['My locker number is 4417'],
      ['What is the weather like?', 'answer 0'],
      ['Tell me a joke', 'answer 1'],
    ]);
    await memory.flush();
    expect(embedder.doEmbedCalls.at(-1)!.values).toEqual(['answer 2']);

    const { messages } = await memory.recall({ threadId: 't1', last: 10 });
    const question = messages.find((message) => message.content === 'My locker number is 4417')!;
    const [stored] = await vector.query({ indexName: 'memory_messages', queryVector: await embed(embedder, 'My locker number is 4417'), topK: 1, includeVector: true });
    expect(stored!.id).toBe(question.id);
    expect(stored!.score).toBeCloseTo(1, 6);
    expect(stored!.metadata).toMatchObject({ threadId: 't1', resourceId: 'u1' });
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(6);

    await agent.generate('my locker number is?', options);
    expect(systemText(prompts.at(-1)!)).toContain('My locker number is 4417');
  });

  it('stores the vectors that rode along with queries together after the linger, in one upsert and without a call of its own', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const embedder = new MockEmbeddingModelV1({ dimensions: 64 });
    const vector = new InMemoryVectorStore();
    const upserts: string[][] = [];
    const upsert = vector.upsert.bind(vector);
    vector.upsert = (args) => {
      upserts.push([...(args.ids ?? [])]);
      return upsert(args);
    };
    const memory = new Memory({ storage: new InMemoryMemoryStore(), vector, embedder, embeddingLingerMs: 50, options: { lastMessages: 2, semanticRecall: { topK: 1, messageRange: 0 } } });
    const { model } = scriptedModel((_options, call) => `answer ${call}`);
    const agent = new Agent({ name: 'a', instructions: 'x', model, memory });
    const options = { memory: { thread: 't1', resource: 'u1' } };
    for (const question of ['q one', 'q two', 'q three']) {
      await agent.generate(question, options);
      await turn();
    }
    // each turn made one call (its query, with the previous reply along) and stored nothing yet
    expect(embedder.doEmbedCalls.map((call) => call.values)).toEqual([['q one'], ['q two', 'answer 0'], ['q three', 'answer 1']]);
    expect(upserts).toEqual([]);
    expect(memory.pendingEmbeddings).toBe(6);
    vi.advanceTimersByTime(50);
    for (let index = 0; index < 10; index++) await turn();
    // one upsert of the five known vectors, in order; the last reply waits for the next query (no call of its own)
    expect(upserts).toHaveLength(1);
    expect(upserts[0]).toHaveLength(5);
    expect(embedder.doEmbedCalls).toHaveLength(3);
    expect(memory.pendingEmbeddings).toBe(1);
    const { messages } = await memory.recall({ threadId: 't1', last: 10 });
    expect(upserts[0]).toEqual(messages.slice(0, 5).map((message) => message.id));
    await memory.flush();
    expect(embedder.doEmbedCalls.at(-1)!.values).toEqual(['answer 2']);
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(6);
  });

  it('embeds the query alone when the shared call fails, keeping the queued messages for the background', async () => {
    const calls: string[][] = [];
    let failShared = true;
    const { embedder: flaky } = interceptedEmbedder((options) => {
      calls.push(options.values);
      if (options.values.length > 1 && failShared) {
        failShared = false;
        throw new Error('one of the texts was rejected');
      }
    });
    const { memory, vector, agent } = setup(flaky);
    const options = { memory: { thread: 't1', resource: 'u1' } };
    await agent.generate('first question', options);
    await turn();
    await agent.generate('second question', options);
    expect(calls).toEqual([['first question'], ['second question', 'answer 0'], ['second question']]);
    expect(memory.pendingEmbeddings).toBe(4);
    await memory.flush();
    expect(memory.pendingEmbeddings).toBe(0);
    expect((await vector.describeIndex({ indexName: 'memory_messages' })).count).toBe(4);
  });

  it('does not write the vectors of a thread deleted while its messages rode along with a query', async () => {
    let release: (() => void) | undefined;
    let shared: (() => void) | undefined;
    const sharedStarted = new Promise<void>((resolve) => (shared = resolve));
    const { embedder: gated, inner } = interceptedEmbedder(async (options) => {
      if (options.values.length > 1) {
        shared!();
        await new Promise<void>((resolve) => (release = resolve));
      }
    });
    const { memory, vector, agent } = setup(gated);
    await agent.generate('hello there', { memory: { thread: 'gone', resource: 'u1' } });
    const pending = agent.generate('another thread', { memory: { thread: 'kept', resource: 'u1' } });
    await sharedStarted;
    await memory.deleteThread('gone');
    release!();
    await pending;
    await memory.flush();
    const hits = await vector.query({ indexName: 'memory_messages', queryVector: await embed(inner, 'hello there'), topK: 10 });
    expect(hits.map((hit) => hit.metadata?.['threadId'])).toEqual(['kept', 'kept']);
  });

  it('reads the history and searches the keywords after the query embedding has left, so that they run while it is in flight', async () => {
    // an SDK reaches the socket after several awaits of its own: "sent" is set there
    let sent = false;
    const { embedder } = interceptedEmbedder(async () => {
      for (let hop = 0; hop < 8; hop++) await null;
      sent = true;
    });
    const readsAt: Array<[read: string, afterSend: boolean]> = [];
    const store = new InMemoryMemoryStore();
    const listMessages = store.listMessages.bind(store);
    const searchMessages = store.searchMessages.bind(store);
    store.listMessages = async (query) => {
      readsAt.push(['listMessages', sent]);
      return listMessages(query);
    };
    store.searchMessages = async (query) => {
      readsAt.push(['searchMessages', sent]);
      return searchMessages(query);
    };
    const memory = new Memory({ storage: store, vector: new InMemoryVectorStore(), embedder, options: { lastMessages: 4, semanticRecall: { topK: 1, messageRange: 0 } } });
    await memory.saveMessages({ threadId: 't1', resourceId: 'u1', messages: [{ role: 'user', content: 'the garage code is 4417' }] });
    await memory.flush();

    readsAt.length = 0;
    sent = false;
    const { model } = scriptedModel('ok');
    await new Agent({ name: 'a', instructions: 'x', model, memory }).generate('what is the garage code?', { memory: { thread: 't1', resource: 'u1' } });
    // the history read and the keyword search of prepare(), both after the request left
    expect(readsAt.slice(0, 2)).toEqual([
      ['listMessages', true],
      ['searchMessages', true],
    ]);

    readsAt.length = 0;
    sent = false;
    await memory.recall({ threadId: 't1', resourceId: 'u1', vectorSearchString: 'the garage code?' });
    expect(readsAt.find(([read]) => read === 'searchMessages')).toEqual(['searchMessages', true]);
  });
});

async function embed(embedder: MockEmbeddingModelV1, text: string): Promise<number[]> {
  const { embeddings } = await new MockEmbeddingModelV1({ dimensions: embedder.dimensions }).doEmbed({ values: [text] });
  return embeddings[0]!;
}
