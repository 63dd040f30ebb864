import { AbortError, InMemoryVectorStore, NotFoundError, StorageError, TypeValidationError } from '@mastra-ts/core';
import { describeVectorStore, seededVectors } from '@mastra-ts/conformance';
import { describe, expect, it } from 'vitest';
import { HnswIndex } from './hnsw-index.ts';
import { InMemoryVectorPersistence } from './in-memory-vector-persistence.ts';
import { createVectorStore, LocalVectorStore } from './local-vector-store.ts';

describeVectorStore('LocalVectorStore (flat, wasm-simd)', () => createVectorStore({ index: 'flat' }));
describeVectorStore('LocalVectorStore (flat, js-unrolled8)', () => createVectorStore({ index: 'flat', kernel: 'js-unrolled8' }));
describeVectorStore('LocalVectorStore (hnsw)', () => createVectorStore({ index: 'hnsw' }));
describeVectorStore('LocalVectorStore (hnsw, persisted)', () => createVectorStore({ index: 'hnsw', persistence: new InMemoryVectorPersistence() }));

async function hnswOf(store: LocalVectorStore, indexName: string): Promise<HnswIndex> {
  const index = await store.getIndex({ indexName });
  if (!(index instanceof HnswIndex)) throw new Error('expected an HNSW index');
  return index;
}

describe('LocalVectorStore persistence', () => {
  const vectors = seededVectors(2000, 16, 3);
  const ids = vectors.map((_, index) => `doc-${index}`);
  const metadata = vectors.map((_, index) => ({ index, even: index % 2 === 0 }));
  const documents = vectors.map((_, index) => `text ${index}`);
  const queries = seededVectors(10, 16, 4);

  it('reopens an HNSW index from the saved graph without rebuilding it', async () => {
    const persistence = new InMemoryVectorPersistence();
    const first = createVectorStore({ index: 'hnsw', persistence });
    await first.createIndex({ indexName: 'docs', dimension: 16 });
    await first.upsert({ indexName: 'docs', vectors, ids, metadata, documents });
    await first.flush();
    const answers = await Promise.all(queries.map((query) => first.query({ indexName: 'docs', queryVector: query, topK: 5, filter: { even: true } })));

    const reopened = createVectorStore({ index: 'hnsw', persistence });
    expect(await reopened.listIndexes()).toEqual(['docs']);
    expect(await reopened.describeIndex({ indexName: 'docs' })).toEqual({ dimension: 16, metric: 'cosine', count: 2000 });
    const index = await hnswOf(reopened, 'docs');
    expect(index.stats).toMatchObject({ graphInserts: 0, nodes: 2000 });
    expect(await Promise.all(queries.map((query) => reopened.query({ indexName: 'docs', queryVector: query, topK: 5, filter: { even: true } })))).toEqual(answers);
    expect(index.stats.graphInserts).toBe(0);
  });

  it('catches up on changes made after the last graph save', async () => {
    const persistence = new InMemoryVectorPersistence();
    const first = createVectorStore({ index: 'hnsw', persistence, graphSaveInterval: 1_000_000 });
    await first.createIndex({ indexName: 'docs', dimension: 16, metric: 'euclidean' });
    await first.upsert({ indexName: 'docs', vectors: vectors.slice(0, 1000), ids: ids.slice(0, 1000) });
    await first.flush();
    await first.upsert({ indexName: 'docs', vectors: vectors.slice(1000, 1010), ids: ids.slice(1000, 1010) });
    expect(await first.delete({ indexName: 'docs', ids: ['doc-1', 'doc-2'] })).toBe(2);
    expect(persistence.calls.saveGraph).toBe(1);

    const reopened = createVectorStore({ index: 'hnsw', persistence });
    const index = await hnswOf(reopened, 'docs');
    expect(index.stats).toMatchObject({ graphInserts: 10, tombstones: 2 });
    expect(index.size).toBe(1008);
    const hits = await reopened.query({ indexName: 'docs', queryVector: vectors[1]!, topK: 1 });
    expect(hits[0]?.id).not.toBe('doc-1');
    expect((await reopened.query({ indexName: 'docs', queryVector: vectors[1005]!, topK: 1 }))[0]).toMatchObject({ id: 'doc-1005', score: 1 });
  });

  it('saves the graph on its own after graphSaveInterval changes', async () => {
    const persistence = new InMemoryVectorPersistence();
    const store = createVectorStore({ index: 'hnsw', persistence, graphSaveInterval: 500 });
    await store.createIndex({ indexName: 'docs', dimension: 16 });
    await store.upsert({ indexName: 'docs', vectors: vectors.slice(0, 400), ids: ids.slice(0, 400) });
    await store.whenIndexed();
    expect(persistence.calls.saveGraph).toBe(0);
    await store.upsert({ indexName: 'docs', vectors: vectors.slice(400, 600), ids: ids.slice(400, 600) });
    await store.whenIndexed({ indexName: 'docs' });
    expect(persistence.calls.saveGraph).toBe(1);
    const reopened = await hnswOf(createVectorStore({ index: 'hnsw', persistence }), 'docs');
    expect(reopened.stats.graphInserts).toBe(0);
  });

  it('compacts a persisted cosine index in the background from the embeddings as written, so a reopen inserts nothing', async () => {
    const persistence = new InMemoryVectorPersistence();
    const store = createVectorStore({ index: 'hnsw', persistence, hnsw: { compactionThreshold: 0.2 } });
    await store.createIndex({ indexName: 'docs', dimension: 16 });
    await store.upsert({ indexName: 'docs', vectors: vectors.slice(0, 1000), ids: ids.slice(0, 1000), metadata: metadata.slice(0, 1000) });
    await store.whenIndexed();
    expect(await store.delete({ indexName: 'docs', filter: { index: { $lt: 300 } } })).toBe(300);
    const graph = await hnswOf(store, 'docs');
    expect(graph.stats).toMatchObject({ tombstones: 0, nodes: 700 });
    expect(persistence.calls.getDocuments).toBeGreaterThan(0);
    await store.flush();
    const reopened = await hnswOf(createVectorStore({ index: 'hnsw', persistence }), 'docs');
    expect(reopened.stats).toMatchObject({ graphInserts: 0, nodes: 700, tombstones: 0 });
  });

  it('maxPendingVectors makes an upsert wait for the graph to catch up (background inserts otherwise follow it)', async () => {
    for (const [maxPendingVectors, savedByThen] of [[undefined, 0], [0, 1]] as const) {
      const persistence = new InMemoryVectorPersistence();
      const store = createVectorStore({ index: 'hnsw', persistence, graphSaveInterval: 100, maxPendingVectors });
      await store.createIndex({ indexName: 'docs', dimension: 16 });
      await store.upsert({ indexName: 'docs', vectors: vectors.slice(0, 300), ids: ids.slice(0, 300) });
      expect(persistence.calls.saveGraph).toBe(savedByThen);
      await store.whenIndexed();
      expect(persistence.calls.saveGraph).toBe(1);
    }
  });

  it('rebuilds when the saved graph is unreadable', async () => {
    const persistence = new InMemoryVectorPersistence();
    const store = createVectorStore({ index: 'hnsw', persistence });
    await store.createIndex({ indexName: 'docs', dimension: 16 });
    await store.upsert({ indexName: 'docs', vectors: vectors.slice(0, 100), ids: ids.slice(0, 100) });
    await persistence.saveGraph({ indexName: 'docs', bytes: new Uint8Array([1, 2, 3]), generation: 1 });
    const reopened = await hnswOf(createVectorStore({ index: 'hnsw', persistence }), 'docs');
    expect(reopened.stats.graphInserts).toBe(100);
    expect(reopened.size).toBe(100);
  });

  it('round-trips a flat index: vectors, metadata, documents, deletes and dropped indexes', async () => {
    const persistence = new InMemoryVectorPersistence();
    const store = createVectorStore({ persistence });
    await store.createIndex({ indexName: 'docs', dimension: 2 });
    await store.createIndex({ indexName: 'gone', dimension: 2 });
    await store.upsert({ indexName: 'docs', vectors: [[3, 4], [0.1, 0.2], [1, 0]], ids: ['a', 'b', 'c'], metadata: [{ k: 1 }, { k: 2 }, { k: 3 }], documents: ['A', 'B', 'C'] });
    await store.delete({ indexName: 'docs', filter: { k: 3 } });
    await store.deleteIndex({ indexName: 'gone' });
    const reopened = createVectorStore({ persistence });
    expect(await reopened.listIndexes()).toEqual(['docs']);
    const [hit] = await reopened.query({ indexName: 'docs', queryVector: [3, 4], topK: 1, includeVector: true });
    expect(hit).toMatchObject({ id: 'a', metadata: { k: 1 }, document: 'A' });
    expect(hit?.score).toBeCloseTo(1, 6);
    expect(hit?.vector?.[0]).toBeCloseTo(3, 5);
    expect(hit?.vector?.[1]).toBeCloseTo(4, 5);
    expect((await reopened.describeIndex({ indexName: 'docs' })).count).toBe(2);
  });

  it('wraps a failing persistence in StorageError and leaves the index unchanged', async () => {
    const persistence = new InMemoryVectorPersistence();
    const store = createVectorStore({ persistence });
    await store.createIndex({ indexName: 'docs', dimension: 2 });
    persistence.upsertDocuments = async () => {
      throw new Error('disk full');
    };
    const error = await store.upsert({ indexName: 'docs', vectors: [[1, 0]] }).catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as StorageError).message).toContain('disk full');
    expect((await store.describeIndex({ indexName: 'docs' })).count).toBe(0);
  });
});

describe('LocalVectorStore arguments and cancellation', () => {
  it('validates settings and query arguments with typed errors', async () => {
    expect(() => createVectorStore({ index: 'ivf' as 'flat' })).toThrow(TypeValidationError);
    expect(() => createVectorStore({ index: 'hnsw', hnsw: { efSearch: 0 } })).toThrow(/efSearch must be an integer/);
    expect(() => createVectorStore({ index: 'hnsw', maxPendingVectors: -1 })).toThrow(/maxPendingVectors must be a number from 0/);
    const store = createVectorStore();
    await store.createIndex({ indexName: 'docs', dimension: 2 });
    await expect(store.query({ indexName: 'docs', queryVector: [1, 0], topK: 0 })).rejects.toSatisfy(TypeValidationError.isInstance);
    await expect(store.query({ indexName: 'docs', queryVector: [1, Number.NaN] })).rejects.toThrow(/queryVector\.1: expected a finite number/);
    await expect(store.query({ indexName: 'docs', queryVector: [1, 0], filter: { a: { $regex: 'x' } } })).rejects.toThrow(/unknown operator \$regex/);
    await expect(store.query({ indexName: 'docs', queryVector: [1, 0], efSearch: 1.5 })).rejects.toThrow(/efSearch: efSearch must be an integer from 1 to 10000, got 1.5/);
    await expect(store.upsert({ indexName: 'nope', vectors: [[1, 0]] })).rejects.toSatisfy(NotFoundError.isInstance);
  });

  it('honours an aborted signal', async () => {
    const store = createVectorStore();
    await store.createIndex({ indexName: 'docs', dimension: 2 });
    const controller = new AbortController();
    controller.abort();
    await expect(store.upsert({ indexName: 'docs', vectors: [[1, 0]], abortSignal: controller.signal })).rejects.toSatisfy(AbortError.isInstance);
    await expect(store.query({ indexName: 'docs', queryVector: [1, 0], abortSignal: controller.signal })).rejects.toSatisfy(AbortError.isInstance);
    expect((await store.describeIndex({ indexName: 'docs' })).count).toBe(0);
  });

  it('serializes concurrent writes so the last upsert of an id wins', async () => {
    const persistence = new InMemoryVectorPersistence();
    const store = createVectorStore({ persistence });
    await store.createIndex({ indexName: 'docs', dimension: 2 });
    await Promise.all([1, 2, 3, 4].map((version) => store.upsert({ indexName: 'docs', vectors: [[1, version]], ids: ['a'], metadata: [{ version }] })));
    const [hit] = await store.query({ indexName: 'docs', queryVector: [1, 0], topK: 1 });
    expect(hit?.metadata).toEqual({ version: 4 });
    const [reopened] = await createVectorStore({ persistence }).query({ indexName: 'docs', queryVector: [1, 0], topK: 1 });
    expect(reopened?.metadata).toEqual({ version: 4 });
  });

  it('returns the same results as core InMemoryVectorStore for every metric, filter and minScore', async () => {
    const vectors = seededVectors(400, 8, 9);
    const metadata = vectors.map((_, index) => ({ tag: ['a', 'b', 'c'][index % 3]!, n: index }));
    for (const metric of ['cosine', 'dotproduct', 'euclidean'] as const) {
      for (const store of [createVectorStore(), createVectorStore({ index: 'hnsw', hnsw: { efSearch: 400 } })]) {
        const reference = new InMemoryVectorStore();
        for (const target of [store, reference]) {
          await target.createIndex({ indexName: 'docs', dimension: 8, metric });
          await target.upsert({ indexName: 'docs', vectors, metadata, ids: vectors.map((_, index) => `id${index}`) });
        }
        for (const query of seededVectors(5, 8, 10)) {
          for (const args of [{ topK: 7 }, { topK: 7, filter: { tag: 'b' } }, { topK: 50, minScore: metric === 'euclidean' ? 0.45 : 0.3 }, { topK: 3, filter: { n: { $gte: 100, $lt: 120 } } }]) {
            const expected = await reference.query({ indexName: 'docs', queryVector: query, ...args });
            const actual = await store.query({ indexName: 'docs', queryVector: query, ...args });
            expect(actual.map((result) => result.id)).toEqual(expected.map((result) => result.id));
            // a per-query efSearch as wide as the index reaches the same answer (the flat index ignores it)
            expect((await store.query({ indexName: 'docs', queryVector: query, ...args, efSearch: 400 })).map((result) => result.id)).toEqual(expected.map((result) => result.id));
            actual.forEach((result, index) => expect(result.score).toBeCloseTo(expected[index]!.score, 5));
          }
        }
      }
    }
  });
});
