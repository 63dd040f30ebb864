import { compileMetadataFilter, InMemoryVectorStore, StorageError, TypeValidationError } from '@mastra-ts/core';
import { seededVectors } from '@mastra-ts/conformance';
import { describe, expect, it } from 'vitest';
import { FlatIndex } from './flat-index.ts';
import { HnswIndex } from './hnsw-index.ts';
import { clusteredVectors } from './test-vectors.ts';
import type { VectorIndexEntry } from './vector-index.ts';

function recallAt10(hnsw: HnswIndex, exact: FlatIndex, queries: ArrayLike<number>[]): number {
  let hits = 0;
  for (const query of queries) {
    const truth = new Set(exact.search(query, { topK: 10 }).map((result) => result.id));
    hits += hnsw.search(query, { topK: 10 }).filter((result) => truth.has(result.id)).length;
  }
  return hits / (queries.length * 10);
}

const entriesOf = (vectors: ArrayLike<number>[], metadata?: (index: number) => VectorIndexEntry['metadata']): VectorIndexEntry[] =>
  vectors.map((vector, index) => ({ id: `v${index}`, vector, metadata: metadata?.(index) }));

describe('HnswIndex recall', () => {
  it('reaches recall@10 >= 0.95 against the exact scan on 10k x 64 uniform random vectors', () => {
    const vectors = seededVectors(10_200, 64, 7);
    const entries = entriesOf(vectors.slice(0, 10_000));
    const hnsw = new HnswIndex({ dimension: 64, efSearch: 200 });
    const exact = new FlatIndex({ dimension: 64 });
    hnsw.upsert(entries);
    exact.upsert(entries);
    const recall = recallAt10(hnsw, exact, vectors.slice(10_000));
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(hnsw.stats.lastQueryPath).toBe('graph');
  });

  it('reaches recall@10 >= 0.98 with default settings on clustered data, for every metric', () => {
    for (const metric of ['cosine', 'euclidean', 'dotproduct'] as const) {
      const vectors = clusteredVectors({ count: 5100, dimension: 48, seed: 3 });
      const entries = entriesOf(vectors.slice(0, 5000));
      const hnsw = new HnswIndex({ dimension: 48, metric });
      const exact = new FlatIndex({ dimension: 48, metric });
      hnsw.upsert(entries);
      exact.upsert(entries);
      expect({ metric, recall: recallAt10(hnsw, exact, vectors.slice(5000)) >= 0.98 }).toEqual({ metric, recall: true });
    }
  });

  it('takes efSearch per query: the same results as an index set to it, and recall that follows it', () => {
    const vectors = seededVectors(5_100, 32, 17);
    const entries = entriesOf(vectors.slice(0, 5_000));
    const queries = vectors.slice(5_000);
    const wide = new HnswIndex({ dimension: 32, efSearch: 200 });
    wide.upsert(entries);
    const narrow = HnswIndex.restore({ dimension: 32, efSearch: 12 }, wide.serializeGraph(), entries);
    const exact = new FlatIndex({ dimension: 32 });
    exact.upsert(entries);
    for (const query of queries.slice(0, 20)) {
      expect(wide.search(query, { topK: 10, efSearch: 12 })).toEqual(narrow.search(query, { topK: 10 }));
      expect(narrow.search(query, { topK: 10, efSearch: 200 })).toEqual(wide.search(query, { topK: 10 }));
    }
    const recallAt = (efSearch: number): number => {
      let hits = 0;
      for (const query of queries) {
        const truth = new Set(exact.search(query, { topK: 10 }).map((result) => result.id));
        hits += wide.search(query, { topK: 10, efSearch }).filter((result) => truth.has(result.id)).length;
      }
      return hits / (queries.length * 10);
    };
    // uniform random 32-dimension vectors are hard for a graph: a short candidate list visibly misses neighbours
    expect(recallAt(10)).toBeLessThan(recallAt(200) - 0.05);
    // never fewer candidates than results: efSearch 1 still returns topK
    expect(wide.search(queries[0]!, { topK: 10, efSearch: 1 })).toHaveLength(10);
    expect(() => wide.search(queries[0]!, { topK: 10, efSearch: 0 })).toThrow(/efSearch must be an integer from 1 to 10000, got 0/);
  });

  it('builds the same graph from the same seed and inserts, and a different one from another seed', () => {
    const entries = entriesOf(seededVectors(600, 8, 5));
    const build = (seed: number): Uint8Array => {
      const index = new HnswIndex({ dimension: 8, seed });
      index.upsert(entries);
      return index.serializeGraph();
    };
    expect(build(1)).toEqual(build(1));
    expect(build(1)).not.toEqual(build(2));
  });

  it('keeps answering exactly after the visited-marker epoch wraps around', () => {
    const entries = entriesOf(seededVectors(40, 4, 13));
    const hnsw = new HnswIndex({ dimension: 4 });
    const exact = new FlatIndex({ dimension: 4 });
    hnsw.upsert(entries);
    exact.upsert(entries);
    const query = [0.1, -0.2, 0.3, 0.05];
    const expected = exact.search(query, { topK: 5 }).map((result) => result.id);
    for (let round = 0; round < 70_000; round++) hnsw.search(query, { topK: 1 });
    expect(hnsw.search(query, { topK: 5 }).map((result) => result.id)).toEqual(expected);
  });

  it('rejects bad settings and bad vectors with TypeValidationError', () => {
    expect(() => new HnswIndex({ dimension: 4, m: 1 })).toThrow(/m must be an integer from 2/);
    expect(() => new HnswIndex({ dimension: 4, compactionThreshold: 2 })).toThrow(TypeValidationError);
    const index = new HnswIndex({ dimension: 2 });
    expect(() => index.upsert([{ id: 'a', vector: [1, Number.NaN] }])).toThrow(/vectors\.0\.1: expected a finite number/);
    expect(() => index.search([1, 2, 3], { topK: 1 })).toThrow(/expected 2 dimensions, got 3/);
    expect(index.size).toBe(0);
  });
});

describe('HnswIndex int8 graph walk', () => {
  it('walks on int8 rows from dimension 128, returns exact float32 scores, and keeps recall through restore and compaction', () => {
    const dimension = 128;
    const vectors = clusteredVectors({ count: 3050, dimension, seed: 9 });
    const entries = entriesOf(vectors.slice(0, 3000));
    const queries = vectors.slice(3000);
    for (const metric of ['cosine', 'euclidean'] as const) {
      const exact = new FlatIndex({ dimension, metric });
      const int8 = new HnswIndex({ dimension, metric });
      const float = new HnswIndex({ dimension, metric, int8Search: false });
      for (const index of [exact, int8, float]) index.upsert(entries);
      expect([int8.stats.int8Search, float.stats.int8Search, new HnswIndex({ dimension: 64 }).stats.int8Search]).toEqual([true, false, false]);
      expect(recallAt10(int8, exact, queries)).toBeGreaterThanOrEqual(0.98);
      for (const query of queries.slice(0, 10)) {
        const truth = new Map(exact.search(query, { topK: 50 }).map((result) => [result.id, result.score]));
        for (const result of int8.search(query, { topK: 10 })) if (truth.has(result.id)) expect(result.score).toBe(truth.get(result.id));
      }
      const restored = HnswIndex.restore({ dimension, metric }, int8.serializeGraph(), entries);
      expect(recallAt10(restored, exact, queries)).toBeGreaterThanOrEqual(0.98);
      const removed = entries.filter((_, index) => index % 3 === 0).map((entry) => entry.id);
      for (const index of [exact, int8]) index.delete(removed);
      expect(int8.stats.compactions).toBe(1);
      expect(recallAt10(int8, exact, queries)).toBeGreaterThanOrEqual(0.98);
    }
  });
});

describe('HnswIndex filters never miss matches', () => {
  const vectors = seededVectors(3000, 16, 11);
  const metadataOf = (index: number) => ({ bucket: index % 100, group: index % 2, decile: index % 10 });
  const queries = seededVectors(25, 16, 12);

  async function reference(): Promise<InMemoryVectorStore> {
    const store = new InMemoryVectorStore();
    await store.createIndex({ indexName: 'ref', dimension: 16 });
    await store.upsert({ indexName: 'ref', vectors, ids: vectors.map((_, index) => `v${index}`), metadata: vectors.map((_, index) => metadataOf(index)) });
    return store;
  }

  async function expectSameAsExact(index: HnswIndex, filter: Record<string, unknown>, topK: number): Promise<void> {
    const store = await reference();
    const predicate = compileMetadataFilter(filter);
    for (const query of queries) {
      const expected = (await store.query({ indexName: 'ref', queryVector: query, topK, filter })).map((result) => result.id);
      expect(index.search(query, { topK, filter: predicate }).map((result) => result.id)).toEqual(expected);
    }
  }

  it('scans a selective filter exactly', async () => {
    const index = new HnswIndex({ dimension: 16 });
    index.upsert(entriesOf(vectors, metadataOf));
    await expectSameAsExact(index, { bucket: 7 }, 10);
    expect(index.stats.lastQueryPath).toBe('exact-filter');
    await expectSameAsExact(index, { bucket: { $in: [1, 2, 3] }, group: 1 }, 5);
    await expectSameAsExact(index, { bucket: -1 }, 5);
  });

  it('walks the graph with a raised ef for a broad filter and returns what the exact scan returns', async () => {
    const index = new HnswIndex({ dimension: 16, exactFilterMaxMatches: 0 });
    index.upsert(entriesOf(vectors, metadataOf));
    await expectSameAsExact(index, { group: 0 }, 10);
    expect(index.stats.lastQueryPath).toBe('filtered-graph');
    await expectSameAsExact(index, { decile: { $nin: [0, 1, 2] } }, 10);
  });

  it('tops up from the exact scan when the graph returns fewer than topK matches', async () => {
    const index = new HnswIndex({ dimension: 16, exactFilterMaxMatches: 0, efSearch: 16 });
    index.upsert(entriesOf(vectors, metadataOf));
    await expectSameAsExact(index, { decile: { $lt: 3 } }, 1000);
    expect(index.stats.lastQueryPath).toBe('exact-top-up');
  });
});

describe('HnswIndex deletes', () => {
  const vectors = seededVectors(2000, 12, 21);
  const queries = seededVectors(20, 12, 22);

  it('keeps tombstones out of results and matches the exact scan over the survivors', () => {
    const hnsw = new HnswIndex({ dimension: 12, efSearch: 200 });
    const exact = new FlatIndex({ dimension: 12 });
    const entries = entriesOf(vectors);
    hnsw.upsert(entries);
    exact.upsert(entries);
    const removed = entries.filter((_, index) => index % 7 === 0).map((entry) => entry.id);
    expect(hnsw.delete([...removed, 'missing'])).toEqual(removed);
    exact.delete(removed);
    expect(hnsw.stats).toMatchObject({ tombstones: removed.length, compactions: 0, nodes: 2000 });
    expect(hnsw.size).toBe(2000 - removed.length);
    expect(hnsw.has(removed[0]!)).toBe(false);
    for (const query of queries) {
      expect(hnsw.search(query, { topK: 10 }).map((result) => result.id)).toEqual(exact.search(query, { topK: 10 }).map((result) => result.id));
    }
  });

  it('compacts once tombstones pass the threshold, keeping every live entry', () => {
    const hnsw = new HnswIndex({ dimension: 12, compactionThreshold: 0.2, efSearch: 200 });
    const exact = new FlatIndex({ dimension: 12 });
    const entries = entriesOf(vectors, (index) => ({ index }));
    hnsw.upsert(entries);
    exact.upsert(entries);
    const removed = entries.filter((_, index) => index % 4 === 0).map((entry) => entry.id);
    hnsw.delete(removed);
    exact.delete(removed);
    expect(hnsw.stats).toMatchObject({ tombstones: 0, compactions: 1, nodes: 1500 });
    expect(hnsw.get('v1')).toMatchObject({ id: 'v1', metadata: { index: 1 } });
    for (const query of queries) {
      expect(hnsw.search(query, { topK: 10 }).map((result) => result.id)).toEqual(exact.search(query, { topK: 10 }).map((result) => result.id));
    }
  });

  it('replaces a moved vector through a tombstone and updates metadata in place when the vector is unchanged', () => {
    const hnsw = new HnswIndex({ dimension: 3, metric: 'euclidean' });
    hnsw.upsert([
      { id: 'a', vector: [0, 0, 0], metadata: { v: 1 } },
      { id: 'b', vector: [10, 10, 10] },
    ]);
    hnsw.upsert([{ id: 'a', vector: [0, 0, 0], metadata: { v: 2 }, document: 'kept' }]);
    expect(hnsw.stats.tombstones).toBe(0);
    expect(hnsw.search([0, 0, 0], { topK: 1 })).toMatchObject([{ id: 'a', score: 1, metadata: { v: 2 }, document: 'kept' }]);
    hnsw.upsert([{ id: 'a', vector: [20, 20, 20] }]);
    expect(hnsw.stats).toMatchObject({ tombstones: 1, nodes: 3 });
    expect(hnsw.search([0, 0, 0], { topK: 2 }).map((result) => result.id)).toEqual(['b', 'a']);
  });
});

describe('HnswIndex graph blobs', () => {
  it('restores a graph without inserting, and answers like the original', () => {
    const vectors = seededVectors(1500, 10, 31);
    const entries = entriesOf(vectors, (index) => ({ index }));
    const original = new HnswIndex({ dimension: 10 });
    original.upsert(entries);
    original.delete(['v3', 'v4']);
    const restored = HnswIndex.restore({ dimension: 10 }, original.serializeGraph(), entries.filter((entry) => entry.id !== 'v3' && entry.id !== 'v4'));
    expect(restored.stats).toMatchObject({ graphInserts: 0, tombstones: 2, nodes: 1500 });
    expect(restored.serializeGraph()).toEqual(original.serializeGraph());
    for (const query of seededVectors(10, 10, 32)) {
      expect(restored.search(query, { topK: 5 })).toEqual(original.search(query, { topK: 5 }));
    }
  });

  it('inserts documents the graph lacks, tombstones nodes whose document changed or vanished', () => {
    const entries = entriesOf(seededVectors(300, 6, 41));
    const original = new HnswIndex({ dimension: 6 });
    original.upsert(entries);
    const changed = { ...entries[5]!, vector: [1, 2, 3, 4, 5, 6] };
    const added = { id: 'new', vector: [6, 5, 4, 3, 2, 1] };
    const documents = [...entries.slice(0, 5), changed, ...entries.slice(7), added];
    const restored = HnswIndex.restore({ dimension: 6 }, original.serializeGraph(), documents);
    expect(restored.stats).toMatchObject({ graphInserts: 2, tombstones: 2, nodes: 302 });
    expect(restored.size).toBe(300);
    expect(restored.has('v6')).toBe(false);
    expect(restored.search([1, 2, 3, 4, 5, 6], { topK: 1 })[0]?.id).toBe('v5');
  });

  it('refuses a blob of another shape or a damaged blob with StorageError', () => {
    const index = new HnswIndex({ dimension: 4 });
    index.upsert(entriesOf(seededVectors(50, 4, 1)));
    const blob = index.serializeGraph();
    expect(() => HnswIndex.restore({ dimension: 5 }, blob, [])).toThrow(StorageError);
    expect(() => HnswIndex.restore({ dimension: 4, m: 8 }, blob, [])).toThrow(/rebuild it/);
    expect(() => HnswIndex.restore({ dimension: 4 }, blob.subarray(0, blob.length - 100), [])).toThrow(/truncated/);
    expect(() => HnswIndex.restore({ dimension: 4 }, new Uint8Array(64), [])).toThrow(/unknown format/);
  });
});

describe('HnswIndex on the WebAssembly graph kernel (dimension >= 128)', () => {
  const dimension = 128;
  const vectors = clusteredVectors({ count: 2025, dimension, seed: 51 });
  const metadataOf = (index: number) => ({ group: index % 2, decile: index % 10 });
  const entries = entriesOf(vectors.slice(0, 2000), metadataOf);
  const queries = vectors.slice(2000);

  async function reference(filter: Record<string, unknown> | undefined, removed: ReadonlySet<string>, topK: number, query: ArrayLike<number>): Promise<string[]> {
    const store = new InMemoryVectorStore();
    await store.createIndex({ indexName: 'ref', dimension });
    const live = entries.filter((entry) => !removed.has(entry.id));
    await store.upsert({ indexName: 'ref', vectors: live.map((entry) => Array.from(entry.vector)), ids: live.map((entry) => entry.id), metadata: live.map((entry) => entry.metadata!) });
    return (await store.query({ indexName: 'ref', queryVector: Array.from(query), topK, ...(filter ? { filter } : {}) })).map((result) => result.id);
  }

  it('walks a broad filter through the kernel and returns exactly the matches the exact scan returns', async () => {
    const index = new HnswIndex({ dimension, exactFilterMaxMatches: 0, efSearch: 200 });
    index.upsert(entries);
    expect(index.stats.int8Search).toBe(true);
    for (const filter of [{ group: 1 }, { decile: { $nin: [0, 1, 2] } }]) {
      const predicate = compileMetadataFilter(filter);
      for (const query of queries.slice(0, 10)) {
        const ids = index.search(query, { topK: 10, filter: predicate }).map((result) => result.id);
        expect(index.stats.lastQueryPath).toBe('filtered-graph');
        expect(ids).toEqual(await reference(filter, new Set(), 10, query));
      }
    }
  });

  it('skips tombstones inside the kernel, keeps filters correct on top of them, and restores to the same answers', async () => {
    const index = new HnswIndex({ dimension, exactFilterMaxMatches: 0, efSearch: 200 });
    index.upsert(entries);
    const removed = entries.filter((_, position) => position % 9 === 0).map((entry) => entry.id);
    index.delete(removed);
    expect(index.stats).toMatchObject({ tombstones: removed.length, compactions: 0 });
    const gone = new Set(removed);
    const restored = HnswIndex.restore({ dimension, exactFilterMaxMatches: 0, efSearch: 200 }, index.serializeGraph(), entries.filter((entry) => !gone.has(entry.id)));
    expect(restored.stats).toMatchObject({ graphInserts: 0, tombstones: removed.length });
    expect(restored.serializeGraph()).toEqual(index.serializeGraph());
    for (const query of queries.slice(0, 10)) {
      const plain = index.search(query, { topK: 10 });
      expect(plain.map((result) => result.id)).toEqual(await reference(undefined, gone, 10, query));
      expect(restored.search(query, { topK: 10 })).toEqual(plain);
      const filter = { group: 0 };
      expect(index.search(query, { topK: 10, filter: compileMetadataFilter(filter) }).map((result) => result.id)).toEqual(await reference(filter, gone, 10, query));
    }
  });

  it('answers euclidean and dot product queries like the exact scan', () => {
    for (const metric of ['euclidean', 'dotproduct'] as const) {
      const index = new HnswIndex({ dimension, metric, efSearch: 200 });
      const exact = new FlatIndex({ dimension, metric });
      index.upsert(entries);
      exact.upsert(entries);
      expect({ metric, recall: recallAt10(index, exact, queries) >= 0.98 }).toEqual({ metric, recall: true });
    }
  });
});
