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
});
