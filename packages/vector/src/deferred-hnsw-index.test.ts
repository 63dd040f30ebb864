import { compileMetadataFilter } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { DeferredHnswIndex } from './deferred-hnsw-index.ts';
import { FlatIndex } from './flat-index.ts';
import { clusteredVectors } from './test-vectors.ts';
import type { VectorIndexEntry } from './vector-index.ts';

const dimension = 16;
const vectors = clusteredVectors({ count: 1200, dimension, clusters: 8, seed: 7 });
const queries = clusteredVectors({ count: 8, dimension, clusters: 8, seed: 8 });
const entries: VectorIndexEntry[] = vectors.map((vector, index) => ({ id: `d${index}`, vector, metadata: { n: index, even: index % 2 === 0 } }));

function columns(items: readonly VectorIndexEntry[]): { ids: string[]; vectors: Float32Array; contents: undefined[]; metadata: Array<VectorIndexEntry['metadata']> } {
  const packed = new Float32Array(items.length * dimension);
  items.forEach((item, position) => packed.set(item.vector as Float32Array, position * dimension));
  return { ids: items.map((item) => item.id), vectors: packed, contents: items.map(() => undefined), metadata: items.map((item) => item.metadata) };
}

function exactAnswers(items: readonly VectorIndexEntry[], options: { topK: number; filter?: ReturnType<typeof compileMetadataFilter>; minScore?: number }): string[][] {
  const flat = new FlatIndex({ dimension });
  flat.upsert(items);
  return queries.map((query) => flat.search(query, options).map((result) => result.id));
}

describe('DeferredHnswIndex', () => {
  it('finds upserted vectors before they are in the graph, merging graph and tail results exactly', async () => {
    const index = new DeferredHnswIndex({ dimension, efSearch: 400 });
    index.upsert(entries.slice(0, 600));
    await index.settled();
    index.upsert(entries.slice(600));
    expect(index.stats.pending).toBe(600);
    expect(index.graph.size).toBe(600);
    expect(index.size).toBe(1200);
    const filter = compileMetadataFilter({ even: true });
    for (const options of [{ topK: 10 }, { topK: 7, filter }, { topK: 50, minScore: 0.9 }]) {
      expect(queries.map((query) => index.search(query, options).map((result) => result.id))).toEqual(exactAnswers(entries, options));
    }
    expect(index.matchingIds(filter).sort()).toEqual(entries.filter((entry) => entry.metadata?.['even'] === true).map((entry) => entry.id).sort());
    expect(index.get('d900')?.metadata).toEqual({ n: 900, even: true });
    await index.settled();
    expect(index.stats.pending).toBe(0);
    expect(index.graph.size).toBe(1200);
    expect(queries.map((query) => index.search(query, { topK: 10 }).map((result) => result.id))).toEqual(exactAnswers(entries, { topK: 10 }));
  });

  it('re-upserting a graph vector: same embedding updates in place, a new one hides the old at once', async () => {
    const index = new DeferredHnswIndex({ dimension, efSearch: 400 });
    index.upsert(entries.slice(0, 300));
    await index.settled();
    const inserts = index.graph.stats.graphInserts;
    index.upsert([{ ...entries[5]!, metadata: { n: 5, tag: 'updated' } }]);
    expect(index.stats.pending).toBe(0);
    expect(index.graph.stats.graphInserts).toBe(inserts);
    expect(index.get('d5')?.metadata).toEqual({ n: 5, tag: 'updated' });
    index.upsert([{ id: 'd6', vector: vectors[900]!, metadata: { moved: true } }]);
    expect(index.stats.pending).toBe(1);
    const [hit] = index.search(vectors[900]!, { topK: 1 });
    expect(hit).toMatchObject({ id: 'd6', metadata: { moved: true } });
    expect(hit!.score).toBeCloseTo(1, 5);
    expect(index.search(vectors[6]!, { topK: 300 }).filter((result) => result.id === 'd6')).toHaveLength(1);
    expect(index.size).toBe(300);
  });

  it('deletes from the tail and the graph, and compacts tombstones in the background, not inside the delete', async () => {
    const changes: number[] = [];
    const index = new DeferredHnswIndex({ dimension, compactionThreshold: 0.25, onGraphChange: (changed) => changes.push(changed) });
    index.upsert(entries.slice(0, 400));
    await index.settled();
    index.upsert(entries.slice(400, 420));
    expect(index.delete(['d410', 'd0', 'nope'])).toEqual(['d410', 'd0']);
    expect(index.has('d410') || index.has('d0')).toBe(false);
    expect(index.size).toBe(418);
    index.delete(entries.slice(1, 200).map((entry) => entry.id));
    expect(index.graph.stats).toMatchObject({ compactions: 0, tombstones: 200 });
    await index.settled();
    expect(index.stats.compactions).toBe(1);
    expect(index.graph.stats).toMatchObject({ tombstones: 0, nodes: 219 });
    expect(changes.reduce((sum, changed) => sum + changed, 0)).toBeGreaterThanOrEqual(420);
    expect(index.search(vectors[300]!, { topK: 1 })[0]?.id).toBe('d300');
  });

  it('drainedTo waits until at most that many vectors are pending', async () => {
    const index = new DeferredHnswIndex({ dimension, sliceMs: 1 });
    index.upsert(entries.slice(0, 600));
    await index.drainedTo(100);
    expect(index.stats.pending).toBeLessThanOrEqual(100);
    expect(index.graph.size).toBeGreaterThanOrEqual(500);
    await index.drainedTo(0);
    expect(index.stats.pending).toBe(0);
  });

  it('inline indexing inserts into the graph before upsert returns', () => {
    const index = new DeferredHnswIndex({ dimension, graphIndexing: 'inline' });
    index.upsert(entries.slice(0, 50));
    expect(index.stats.pending).toBe(0);
    expect(index.graph.stats.graphInserts).toBe(50);
  });

  it('loads from documents and an older graph: restores what the graph holds, queues newer rows, drops deleted ones', async () => {
    const first = new DeferredHnswIndex({ dimension, efSearch: 400 });
    first.upsert(entries.slice(0, 500));
    await first.settled();
    const blob = first.graph.serializeGraph();
    const changed = { ...entries[3]!, vector: vectors[1100]! };
    const rows = [...entries.slice(4, 500), changed, ...entries.slice(500, 700)];
    const reopened = DeferredHnswIndex.load({ dimension, efSearch: 400 }, columns(rows), blob);
    expect(reopened.size).toBe(rows.length);
    expect(reopened.stats.pending).toBe(200);
    expect(reopened.graph.stats).toMatchObject({ graphInserts: 1, tombstones: 4 });
    expect(reopened.has('d0')).toBe(false);
    expect(queries.map((query) => reopened.search(query, { topK: 10 }).map((result) => result.id))).toEqual(exactAnswers(rows, { topK: 10 }));
    await reopened.settled();
    expect(reopened.stats.pending).toBe(0);
    expect(reopened.graph.stats.graphInserts).toBe(201);
    expect(reopened.search(vectors[1100]!, { topK: 1 })[0]?.id).toBe('d3');
  });

  it('queues every row when the graph blob is unreadable', () => {
    const reopened = DeferredHnswIndex.load({ dimension }, columns(entries.slice(0, 100)), new Uint8Array([1, 2, 3]));
    expect(reopened.stats.pending).toBe(100);
    expect(reopened.graph.size).toBe(0);
    expect(reopened.search(vectors[42]!, { topK: 1 })[0]?.id).toBe('d42');
  });

  it('compacts without blocking: queries and writes during the rebuild are answered and kept', async () => {
    const loaded: string[][] = [];
    const index = new DeferredHnswIndex({ dimension, efSearch: 400, sliceMs: 1, loadEmbeddings: async (ids) => {
      loaded.push([...ids]);
      return new Map(ids.map((id) => [id, vectors[Number(id.slice(1))]!]));
    } });
    index.upsert(entries.slice(0, 800));
    await index.settled();
    index.delete(entries.slice(0, 300).map((entry) => entry.id));
    let turns = 0;
    while (!index.stats.compacting) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(++turns).toBeLessThan(1000);
    }
    const oldGraph = index.graph;
    index.delete(['d400']);
    index.upsert([{ id: 'd401', vector: vectors[1000]!, metadata: { replaced: true } }, { ...entries[402]!, metadata: { updated: true } }, entries[900]!]);
    const live = [...entries.slice(300, 800).filter((entry) => !['d400', 'd401'].includes(entry.id)), { id: 'd401', vector: vectors[1000]! }, entries[900]!];
    expect(queries.map((query) => index.search(query, { topK: 10 }).map((result) => result.id))).toEqual(exactAnswers(live, { topK: 10 }));
    expect(index.stats.compacting).toBe(true);
    await index.settled();
    expect(index.graph).not.toBe(oldGraph);
    expect(index.stats).toMatchObject({ compactions: 1, compacting: false, pending: 0 });
    expect(index.graph.stats.tombstones).toBe(0);
    expect(index.graph.size).toBe(500);
    expect(index.has('d400')).toBe(false);
    expect(index.get('d402')?.metadata).toEqual({ updated: true });
    expect(index.search(vectors[1000]!, { topK: 1 })[0]).toMatchObject({ id: 'd401', metadata: { replaced: true } });
    expect(queries.map((query) => index.search(query, { topK: 10 }).map((result) => result.id))).toEqual(exactAnswers(live, { topK: 10 }));
    expect(loaded.flat().sort()).toEqual(entries.slice(300, 800).map((entry) => entry.id).sort());
  });
});
