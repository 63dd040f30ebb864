import type { VectorStore } from '@mastra-ts/core';
import { InMemoryVectorStore, NotFoundError, TypeValidationError } from '@mastra-ts/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory } from './describe-memory-store.ts';

/** Deterministic pseudo-random vectors. */
export function seededVectors(count: number, dimension: number, seed = 42): number[][] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: count }, () => Array.from({ length: dimension }, next));
}

/** The `VectorStore` conformance suite. Exact results are required for small indexes. */
export function describeVectorStore(name: string, factory: StoreFactory<VectorStore>): void {
  describe(`VectorStore conformance: ${name}`, () => {
    let store: VectorStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('creates, describes, lists and deletes indexes', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 3 });
      await store.createIndex({ indexName: 'docs', dimension: 3 });
      await store.createIndex({ indexName: 'other', dimension: 2, metric: 'euclidean' });
      expect(await store.listIndexes()).toEqual(['docs', 'other']);
      expect(await store.describeIndex({ indexName: 'docs' })).toEqual({ dimension: 3, metric: 'cosine', count: 0 });
      await expect(store.createIndex({ indexName: 'docs', dimension: 4 })).rejects.toSatisfy(TypeValidationError.isInstance);
      await store.deleteIndex({ indexName: 'other' });
      expect(await store.listIndexes()).toEqual(['docs']);
      await expect(store.describeIndex({ indexName: 'other' })).rejects.toSatisfy(NotFoundError.isInstance);
    });

    it('upserts and queries by cosine similarity with metadata and documents', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 3 });
      const ids = await store.upsert({
        indexName: 'docs',
        vectors: [[1, 0, 0], [0, 1, 0], [0.9, 0.1, 0]],
        metadata: [{ tag: 'x' }, { tag: 'y' }, { tag: 'x' }],
        documents: ['one', 'two', 'three'],
        ids: ['a', 'b', 'c'],
      });
      expect(ids).toEqual(['a', 'b', 'c']);
      const results = await store.query({ indexName: 'docs', queryVector: [1, 0, 0], topK: 2 });
      expect(results.map((result) => result.id)).toEqual(['a', 'c']);
      expect(results[0]?.score).toBeCloseTo(1, 5);
      expect(results[0]?.metadata).toEqual({ tag: 'x' });
      expect(results[0]?.document).toBe('one');
      expect(results[0]?.vector).toBeUndefined();
      const withVector = await store.query({ indexName: 'docs', vector: [0, 1, 0], topK: 1, includeVector: true });
      expect(withVector[0]?.id).toBe('b');
      expect(withVector[0]?.vector).toEqual([0, 1, 0]);
    });

    it('upsert replaces by id and generates ids when absent', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 2 });
      await store.upsert({ indexName: 'docs', vectors: [[1, 0]], ids: ['a'], metadata: [{ v: 1 }] });
      await store.upsert({ indexName: 'docs', vectors: [[0, 1]], ids: ['a'], metadata: [{ v: 2 }] });
      const generated = await store.upsert({ indexName: 'docs', vectors: [[1, 1], [1, 2]] });
      expect(generated).toHaveLength(2);
      expect(new Set(generated).size).toBe(2);
      expect((await store.describeIndex({ indexName: 'docs' })).count).toBe(3);
      const [hit] = await store.query({ indexName: 'docs', queryVector: [0, 1], topK: 1 });
      expect(hit).toMatchObject({ id: 'a', metadata: { v: 2 } });
    });

    it('rejects a vector of the wrong dimension and keeps the index unchanged', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 2 });
      await expect(store.upsert({ indexName: 'docs', vectors: [[1, 0], [1, 2, 3]] })).rejects.toSatisfy(TypeValidationError.isInstance);
      expect((await store.describeIndex({ indexName: 'docs' })).count).toBe(0);
      await expect(store.query({ indexName: 'docs', queryVector: [1] })).rejects.toSatisfy(TypeValidationError.isInstance);
    });

    it('applies Mongo-style filters exactly', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 2 });
      await store.upsert({
        indexName: 'docs',
        vectors: [[1, 0], [1, 0.1], [1, 0.2], [1, 0.3], [0, 1]],
        ids: ['a', 'b', 'c', 'd', 'e'],
        metadata: [
          { year: 2020, tags: ['x'], author: { name: 'ada' } },
          { year: 2021, tags: ['y'], author: { name: 'bob' } },
          { year: 2022, tags: ['x', 'y'] },
          { year: 2023, draft: true },
          { year: 2024, tags: ['x'] },
        ],
      });
      const ids = async (filter: Record<string, unknown>): Promise<string[]> =>
        (await store.query({ indexName: 'docs', queryVector: [1, 0], topK: 10, filter })).map((result) => result.id).sort();
      expect(await ids({ year: { $gte: 2022 } })).toEqual(['c', 'd', 'e']);
      expect(await ids({ tags: 'x' })).toEqual(['a', 'c', 'e']);
      expect(await ids({ tags: { $in: ['y'] } })).toEqual(['b', 'c']);
      expect(await ids({ 'author.name': 'ada' })).toEqual(['a']);
      expect(await ids({ draft: { $exists: true } })).toEqual(['d']);
      expect(await ids({ $or: [{ year: 2020 }, { year: { $gt: 2023 } }] })).toEqual(['a', 'e']);
      expect(await ids({ $and: [{ tags: 'x' }, { year: { $ne: 2020 } }] })).toEqual(['c', 'e']);
      expect(await ids({ year: { $nin: [2020, 2021] }, $not: { draft: true } })).toEqual(['c', 'e']);
      expect(await ids({ year: { $lt: 2000 } })).toEqual([]);
      await expect(ids({ year: { $regex: 'x' } })).rejects.toSatisfy(TypeValidationError.isInstance);
    });

    it('a selective filter still returns topK matches', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 8 });
      const vectors = seededVectors(500, 8);
      await store.upsert({ indexName: 'docs', vectors, metadata: vectors.map((_, index) => ({ bucket: index % 50 })) });
      const results = await store.query({ indexName: 'docs', queryVector: vectors[0]!, topK: 5, filter: { bucket: 7 } });
      expect(results).toHaveLength(5);
      expect(results.every((result) => result.metadata?.bucket === 7)).toBe(true);
    });

    it('supports dotproduct and euclidean with higher-is-better scores', async () => {
      await store.createIndex({ indexName: 'dot', dimension: 2, metric: 'dotproduct' });
      await store.upsert({ indexName: 'dot', vectors: [[1, 0], [3, 0]], ids: ['small', 'big'] });
      const dot = await store.query({ indexName: 'dot', queryVector: [1, 0], topK: 2 });
      expect(dot.map((result) => result.id)).toEqual(['big', 'small']);
      expect(dot[0]?.score).toBeCloseTo(3, 5);
      await store.createIndex({ indexName: 'l2', dimension: 2, metric: 'euclidean' });
      await store.upsert({ indexName: 'l2', vectors: [[0, 0], [3, 4]], ids: ['near', 'far'] });
      const l2 = await store.query({ indexName: 'l2', queryVector: [0, 0], topK: 2 });
      expect(l2.map((result) => result.id)).toEqual(['near', 'far']);
      expect(l2[1]?.score).toBeCloseTo(1 / 6, 5);
    });

    it('takes efSearch as a per-query hint: a wide one finds the exact top k, a bad one is refused', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 8 });
      const vectors = seededVectors(300, 8, 21);
      await store.upsert({ indexName: 'docs', vectors, ids: vectors.map((_, index) => `v${index}`) });
      const reference = new InMemoryVectorStore();
      await reference.createIndex({ indexName: 'docs', dimension: 8 });
      await reference.upsert({ indexName: 'docs', vectors, ids: vectors.map((_, index) => `v${index}`) });
      for (const query of seededVectors(3, 8, 22)) {
        const expected = (await reference.query({ indexName: 'docs', queryVector: query, topK: 5 })).map((result) => result.id);
        expect((await store.query({ indexName: 'docs', queryVector: query, topK: 5, efSearch: 300 })).map((result) => result.id)).toEqual(expected);
      }
      await expect(store.query({ indexName: 'docs', queryVector: vectors[0]!, efSearch: 0 })).rejects.toSatisfy(TypeValidationError.isInstance);
    });

    it('minScore drops weak matches', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 2 });
      await store.upsert({ indexName: 'docs', vectors: [[1, 0], [0, 1]], ids: ['same', 'orthogonal'] });
      const results = await store.query({ indexName: 'docs', queryVector: [1, 0], topK: 5, minScore: 0.5 });
      expect(results.map((result) => result.id)).toEqual(['same']);
    });

    it('deletes by ids and by filter', async () => {
      await store.createIndex({ indexName: 'docs', dimension: 2 });
      await store.upsert({ indexName: 'docs', vectors: [[1, 0], [0, 1], [1, 1]], ids: ['a', 'b', 'c'], metadata: [{ k: 1 }, { k: 2 }, { k: 2 }] });
      expect(await store.delete({ indexName: 'docs', ids: ['a', 'missing'] })).toBe(1);
      expect(await store.delete({ indexName: 'docs', filter: { k: 2 } })).toBe(2);
      expect((await store.describeIndex({ indexName: 'docs' })).count).toBe(0);
    });

    it('refuses invalid index names and unknown indexes clearly', async () => {
      await expect(store.createIndex({ indexName: 'bad name;', dimension: 2 })).rejects.toSatisfy(TypeValidationError.isInstance);
      await expect(store.query({ indexName: 'nope', queryVector: [1, 0] })).rejects.toSatisfy(NotFoundError.isInstance);
    });
  });
}
