import { describe, expect, it } from 'vitest';
import { FlatIndex } from './flat-index.ts';
import { clusteredVectors } from './test-vectors.ts';

describe('FlatIndex int8 prefilter', () => {
  it('returns exactly what the float scan returns, for every metric, with duplicates, deletes and replaced rows', () => {
    const dimension = 128;
    const vectors = clusteredVectors({ count: 6040, dimension, clusters: 16, spread: 0.3, seed: 5 });
    const entries = vectors.slice(0, 6000).map((vector, index) => ({ id: `v${index}`, vector }));
    entries.push({ id: 'duplicate', vector: entries[3]!.vector }, { id: 'zero', vector: new Float32Array(dimension) });
    for (const metric of ['cosine', 'dotproduct', 'euclidean'] as const) {
      const prefiltered = new FlatIndex({ dimension, metric });
      const plain = new FlatIndex({ dimension, metric, int8Prefilter: false });
      for (const index of [prefiltered, plain]) {
        index.upsert(entries);
        index.delete(['v10', 'v20', 'v5999']);
        index.upsert([{ id: 'v30', vector: vectors[6039]! }]);
      }
      const queries = [...vectors.slice(6000), entries[3]!.vector, vectors[6039]!];
      let rescored = 0;
      for (const query of queries) {
        for (const topK of [1, 10, 50]) {
          expect(prefiltered.search(query, { topK, includeVector: true })).toEqual(plain.search(query, { topK, includeVector: true }));
          rescored += prefiltered.lastPrefilterCandidates;
        }
      }
      expect(rescored / (queries.length * 3)).toBeGreaterThanOrEqual(10);
      expect(rescored / (queries.length * 3)).toBeLessThan(600);
    }
  });

  it('starts at 2 MiB of float rows (at least 1,024 rows): sooner for larger embeddings, with the same results', () => {
    expect(new FlatIndex({ dimension: 128 }).int8PrefilterMinRows).toBe(4096);
    expect(new FlatIndex({ dimension: 384 }).int8PrefilterMinRows).toBe(1366);
    expect(new FlatIndex({ dimension: 1536 }).int8PrefilterMinRows).toBe(1024);
    expect(new FlatIndex({ dimension: 1536, int8PrefilterMinRows: 300 }).int8PrefilterMinRows).toBe(300);
    expect(new FlatIndex({ dimension: 1536, int8Prefilter: false }).int8PrefilterMinRows).toBeUndefined();
    expect(new FlatIndex({ dimension: 64 }).int8PrefilterMinRows).toBeUndefined();
    for (const bad of [-1, 1.5, Number.NaN]) {
      expect(() => new FlatIndex({ dimension: 128, int8PrefilterMinRows: bad })).toThrow(/int8PrefilterMinRows must be a non-negative integer/);
    }

    const dimension = 768;
    const vectors = clusteredVectors({ count: 1100, dimension, clusters: 16, spread: 0.3, seed: 9 });
    const queries = vectors.splice(1080);
    const prefiltered = new FlatIndex({ dimension });
    const plain = new FlatIndex({ dimension, int8Prefilter: false });
    for (const index of [prefiltered, plain]) index.upsert(vectors.slice(0, 1000).map((vector, position) => ({ id: `v${position}`, vector })));
    // 1,000 rows: below the mark, the float scan alone
    prefiltered.search(queries[0]!, { topK: 10 });
    expect(prefiltered.lastPrefilterCandidates).toBe(0);
    for (const index of [prefiltered, plain]) index.upsert(vectors.slice(1000).map((vector, position) => ({ id: `w${position}`, vector })));
    // 1,080 rows: the int8 copy first, and exactly the float scan's answer
    for (const query of queries) {
      expect(prefiltered.search(query, { topK: 10 })).toEqual(plain.search(query, { topK: 10 }));
      expect(prefiltered.lastPrefilterCandidates).toBeGreaterThanOrEqual(10);
      expect(prefiltered.lastPrefilterCandidates).toBeLessThan(1080);
    }
  });
});
