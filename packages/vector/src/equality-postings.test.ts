import { compileMetadataFilter, type JSONObject, type MetadataFilter } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { EqualityPostings, equalitiesOf, readEqualities } from './equality-postings.ts';
import { FlatIndex } from './flat-index.ts';
import { HnswIndex } from './hnsw-index.ts';
import { createVectorStore } from './local-vector-store.ts';
import { SeededRandom } from './seeded-random.ts';
import type { VectorIndex } from './vector-index.ts';

describe('equalitiesOf', () => {
  it('finds the top-level equalities a match must satisfy, also inside $and and as $eq', () => {
    expect(equalitiesOf({ threadId: 't1', resourceId: { $eq: 'u1' }, n: 3, ok: true })).toEqual([
      ['threadId', 't1'],
      ['resourceId', 'u1'],
      ['n', 3],
      ['ok', true],
    ]);
    expect(equalitiesOf({ $and: [{ threadId: 't1' }, { $and: [{ kind: 'note' }] }], year: { $gte: 2020 } })).toEqual([
      ['threadId', 't1'],
      ['kind', 'note'],
    ]);
  });

  it('ignores what does not imply an equality: $or, $not, other operators, dotted paths, arrays, objects, null, dates', () => {
    const filters: MetadataFilter[] = [
      { $or: [{ threadId: 't1' }, { threadId: 't2' }] },
      { $not: { threadId: 't1' } },
      { threadId: { $ne: 't1' } },
      { threadId: { $eq: 't1', $ne: 't2' } },
      { threadId: { $in: ['t1'] } },
      { 'thread.id': 't1' },
      { tags: ['a', 'b'] },
      { nested: { a: 1 } },
      { threadId: null },
      { at: { $eq: new Date(0) } },
    ];
    for (const filter of filters) expect(equalitiesOf(filter), JSON.stringify(filter)).toEqual([]);
    expect(equalitiesOf(undefined)).toEqual([]);
  });
});

describe('readEqualities', () => {
  it('says the equalities are the whole filter when nothing else is in it (undefined conditions are skipped, as compiled)', () => {
    for (const filter of [
      { threadId: 't1' },
      { threadId: 't1', resourceId: { $eq: 'u1' }, n: 3, ok: true },
      { $and: [{ threadId: 't1' }, { $and: [{ kind: 'note' }] }] },
      { threadId: 't1', other: undefined },
    ] as MetadataFilter[]) {
      expect(readEqualities(filter).complete, JSON.stringify(filter)).toBe(true);
    }
  });

  it('says they are not when the filter holds anything else beside them', () => {
    const filters: MetadataFilter[] = [
      { threadId: 't1', year: { $gte: 2020 } },
      { threadId: 't1', $or: [{ a: 1 }, { a: 2 }] },
      { threadId: 't1', $not: { a: 1 } },
      { threadId: 't1', 'a.b': 1 },
      { threadId: 't1', tags: ['a'] },
      { threadId: 't1', at: new Date(0) },
      { threadId: 't1', at: { $eq: new Date(0) } },
      { threadId: 't1', nothing: null },
      { threadId: { $eq: 't1', $ne: 't2' } },
      { $and: [{ threadId: 't1' }, { n: { $lt: 3 } }] },
    ];
    for (const filter of filters) expect(readEqualities(filter).complete, JSON.stringify(filter)).toBe(false);
    // the equalities beside the rest are still found
    expect(readEqualities({ threadId: 't1', year: { $gte: 2020 }, n: { $eq: 3 } }).equalities).toEqual([
      ['threadId', 't1'],
      ['n', 3],
    ]);
  });
});

describe('EqualityPostings', () => {
  it('posts a Date by its time and never posts NaN, as the compiled filter compares them', () => {
    const rows = [{ at: new Date(5) }, { at: 5 }, { at: [new Date(7), 'x'] }, { at: Number.NaN }, { at: new Date(Number.NaN) }, { at: '5' }] as unknown as JSONObject[];
    const postings = new EqualityPostings();
    for (const value of [5, 7, 'x', '5', Number.NaN] as const) {
      const predicate = compileMetadataFilter({ at: value });
      const matching = rows.flatMap((row, slot) => (predicate(row) ? [slot] : []));
      expect([...postings.candidates([['at', value]], rows, rows.length)!].sort(), String(value)).toEqual(matching);
    }
    expect(compileMetadataFilter({ at: 5 })(rows[0])).toBe(true);
  });


  it('indexes a field on first use, keeps it current on add and remove, and posts each element of an array', () => {
    const rows: Array<JSONObject | undefined> = [{ thread: 'a', tags: ['x', 'y'] }, { thread: 'b', tags: ['y'] }, undefined, { thread: 'a' }];
    const postings = new EqualityPostings();
    expect([...postings.candidates([['thread', 'a']], rows, rows.length)!]).toEqual([0, 3]);
    expect([...postings.candidates([['tags', 'y']], rows, rows.length)!].sort()).toEqual([0, 1]);
    expect(postings.fields).toEqual(['thread', 'tags']);
    // the shortest list of several equalities
    expect([...postings.candidates([['thread', 'a'], ['tags', 'x']], rows, rows.length)!]).toEqual([0]);
    postings.remove(0, rows[0]);
    postings.add(4, { thread: 'a', tags: 'x' });
    expect([...postings.candidates([['thread', 'a']], rows, rows.length)!]).toEqual([3, 4]);
    expect([...postings.candidates([['tags', 'x']], rows, rows.length)!]).toEqual([4]);
    expect(postings.candidates([['thread', 'missing']], rows, rows.length)!.size).toBe(0);
    // values keep their type: the number 1 is not the string '1'
    postings.add(5, { thread: 1 });
    expect([...postings.candidates([['thread', 1]], rows, rows.length)!]).toEqual([5]);
    expect(postings.candidates([['thread', '1']], rows, rows.length)!.size).toBe(0);
  });

  it('stops indexing new fields after eight, and then answers undefined for them (the caller tests every row)', () => {
    const rows: JSONObject[] = [{ f0: 1, f1: 1, f2: 1, f3: 1, f4: 1, f5: 1, f6: 1, f7: 1, f8: 1 }];
    const postings = new EqualityPostings();
    for (let field = 0; field < 8; field++) expect(postings.candidates([[`f${field}`, 1]], rows, 1)?.size).toBe(1);
    expect(postings.candidates([['f8', 1]], rows, 1)).toBeUndefined();
    expect(postings.candidates([['f8', 1], ['f0', 1]], rows, 1)?.size).toBe(1);
  });
});

/** Exact expected results of a filtered search: every live entry the filter matches, scored by cosine. */
function expected(live: Map<string, { vector: number[]; metadata: JSONObject }>, query: number[], filter: MetadataFilter, topK: number): string[] {
  const predicate = compileMetadataFilter(filter);
  const norm = (vector: number[]) => Math.hypot(...vector);
  return [...live]
    .filter(([, entry]) => predicate(entry.metadata))
    .map(([id, entry]) => ({ id, score: entry.vector.reduce((sum, value, index) => sum + value * query[index]!, 0) / (norm(entry.vector) * norm(query)) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, topK)
    .map((hit) => hit.id);
}

describe('filtered search through posting lists', () => {
  const dimension = 8;
  const indexes: Array<[string, () => VectorIndex]> = [
    ['flat', () => new FlatIndex({ dimension })],
    ['hnsw', () => new HnswIndex({ dimension, compactionThreshold: 0.2 })],
  ];

  for (const [name, create] of indexes) {
    it(`${name}: returns exactly the matching top k through upserts, metadata changes, deletes and compactions`, () => {
      const generator = new SeededRandom(7);
      const random = () => generator.next();
      const index = create();
      const live = new Map<string, { vector: number[]; metadata: JSONObject }>();
      const vector = () => Array.from({ length: dimension }, () => random() - 0.5);
      for (let round = 0; round < 40; round++) {
        const batch = Array.from({ length: 25 }, () => {
          const id = `m${Math.floor(random() * 400)}`;
          // some entries keep their vector and change only metadata (an in-place update in the HNSW index)
          const keep = live.get(id);
          const n = Math.floor(random() * 3);
          // `at` is a Date or a number (a filter on the number matches both); `kind` is the same on every row
          const metadata = { threadId: `t${Math.floor(random() * 12)}`, tags: random() < 0.5 ? ['red'] : ['blue', 'red'], n, at: random() < 0.5 ? new Date(n) : n, kind: 'message' } as unknown as JSONObject;
          const entry = { id, vector: keep && random() < 0.3 ? keep.vector : vector(), metadata };
          return entry;
        });
        const unique = new Map(batch.map((entry) => [entry.id, entry]));
        index.upsert([...unique.values()]);
        for (const entry of unique.values()) live.set(entry.id, { vector: entry.vector, metadata: entry.metadata });
        const doomed = [...live.keys()].filter(() => random() < 0.08);
        index.delete(doomed);
        for (const id of doomed) live.delete(id);
        const filters = [
          { threadId: `t${round % 12}` },
          { threadId: `t${(round + 5) % 12}`, n: 1 },
          { $and: [{ tags: 'blue' }, { threadId: { $eq: `t${round % 3}` } }] },
          { at: round % 3 },
          { kind: 'message' },
          { kind: { $eq: 'message' } },
          { threadId: `t${round % 12}`, n: { $gte: 1 } },
        ] as MetadataFilter[];
        for (const filter of filters) {
          const query = vector();
          const { equalities, complete } = readEqualities(filter);
          const hits = index.search(query, { topK: 5, filter: compileMetadataFilter(filter), equalities, equalitiesComplete: complete });
          expect(hits.map((hit) => hit.id), `round ${round} ${JSON.stringify(filter)}`).toEqual(expected(live, query, filter, 5));
        }
      }
      expect(index.size).toBe(live.size);
    });
  }

  it('a store query filtered to the thread that owns every row gives the hits of the unfiltered query, the flat index by its dense scan', async () => {
    const generator = new SeededRandom(11);
    const random = () => generator.next();
    for (const index of ['flat', 'hnsw'] as const) {
      const store = createVectorStore({ index });
      await store.createIndex({ indexName: 'messages', dimension });
      const count = 2000;
      const vectors = Array.from({ length: count }, () => Array.from({ length: dimension }, () => random() - 0.5));
      await store.upsert({ indexName: 'messages', vectors, ids: vectors.map((_, row) => `m${row}`), metadata: vectors.map(() => ({ threadId: 'only' })) });
      for (let round = 0; round < 5; round++) {
        const query = vectors[Math.floor(random() * count)]!.map((value) => value + 0.01);
        const filtered = await store.query({ indexName: 'messages', queryVector: query, topK: 6, filter: { threadId: 'only' } });
        const unfiltered = await store.query({ indexName: 'messages', queryVector: query, topK: 6 });
        expect(filtered.map((hit) => [hit.id, hit.score]), index).toEqual(unfiltered.map((hit) => [hit.id, hit.score]));
        if (index === 'flat') expect(filtered.map((hit) => hit.id)).toEqual(expected(new Map(vectors.map((vector, row) => [`m${row}`, { vector, metadata: {} }])), query, {}, 6));
      }
      expect(await store.query({ indexName: 'messages', queryVector: vectors[0]!, topK: 6, filter: { threadId: 'other' } })).toEqual([]);
    }
  });

  it('a store query filtered to one thread of many gives the same hits as testing every row', async () => {
    const generator = new SeededRandom(3);
    const random = () => generator.next();
    const store = createVectorStore({ index: 'hnsw' });
    await store.createIndex({ indexName: 'messages', dimension });
    const count = 3000;
    const vectors = Array.from({ length: count }, () => Array.from({ length: dimension }, () => random() - 0.5));
    await store.upsert({ indexName: 'messages', vectors, ids: vectors.map((_, index) => `m${index}`), metadata: vectors.map((_, index) => ({ threadId: `t${index % 300}`, resourceId: `u${index % 30}` })) });
    const live = new Map(vectors.map((vector, index) => [`m${index}`, { vector, metadata: { threadId: `t${index % 300}`, resourceId: `u${index % 30}` } as JSONObject }]));
    for (const filter of [{ threadId: 't17' }, { resourceId: 'u4' }, { threadId: 't17', resourceId: 'u17' }, { threadId: 't17', resourceId: 'u4' }]) {
      const query = vectors[Math.floor(random() * count)]!.map((value) => value + 0.01);
      const hits = await store.query({ indexName: 'messages', queryVector: query, topK: 4, filter });
      expect(hits.map((hit) => hit.id)).toEqual(expected(live, query, filter, 4));
    }
  });
});
