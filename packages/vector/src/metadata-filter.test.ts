import { InMemoryVectorStore, matchesMetadataFilter, type JSONObject, type MetadataFilter } from '@mastra-ts/core';
import { seededVectors } from '@mastra-ts/conformance';
import { describe, expect, it } from 'vitest';
import { createVectorStore } from './local-vector-store.ts';

const count = 300;
const colors = ['red', 'green', 'blue'];
const metadata: JSONObject[] = Array.from({ length: count }, (_, index) => {
  const entry: JSONObject = { n: index, color: colors[index % 3]!, even: index % 2 === 0, tags: index % 5 === 0 ? ['a', 'b'] : index % 5 === 1 ? ['b'] : [], nested: { depth: { level: index % 4 } } };
  if (index % 7 === 0) entry['optional'] = index % 14 === 0 ? null : 'set';
  if (index % 11 === 0) entry['date'] = `2024-0${(index % 9) + 1}-15`;
  return entry;
});

const filters: Array<[string, MetadataFilter]> = [
  ['$eq implicit', { color: 'red' }],
  ['$eq explicit', { n: { $eq: 42 } }],
  ['$eq on an array element', { tags: 'a' }],
  ['$eq on a whole array', { tags: { $eq: ['a', 'b'] } }],
  ['$eq null', { optional: null }],
  ['$ne', { color: { $ne: 'blue' } }],
  ['$gt', { n: { $gt: 250 } }],
  ['$gte', { n: { $gte: 250 } }],
  ['$lt', { n: { $lt: 7 } }],
  ['$lte', { n: { $lte: 7 } }],
  ['$gt on a date string', { date: { $gt: '2024-05-01' } }],
  ['range', { n: { $gte: 100, $lt: 120 } }],
  ['$in', { color: { $in: ['red', 'green'] } }],
  ['$in on arrays', { tags: { $in: ['b'] } }],
  ['$nin', { n: { $nin: [0, 1, 2, 3] } }],
  ['$exists true', { optional: { $exists: true } }],
  ['$exists false', { optional: { $exists: false } }],
  ['field $not', { n: { $not: { $lt: 290 } } }],
  ['nested dotted key', { 'nested.depth.level': 3 }],
  ['nested object equality', { nested: { depth: { level: 2 } } }],
  ['$and', { $and: [{ even: true }, { color: 'green' }] }],
  ['$or', { $or: [{ n: { $lt: 3 } }, { color: 'blue', even: false }] }],
  ['$nor', { $nor: [{ color: 'red' }, { even: true }] }],
  ['top-level $not', { $not: { color: 'red' } }],
  ['nothing matches', { color: 'purple' }],
  ['everything matches', { n: { $gte: 0 } }],
];

describe('metadata filters, operator by operator, against the reference evaluation', () => {
  const vectors = seededVectors(count, 6, 77);
  const ids = vectors.map((_, index) => `id${index}`);

  for (const [name, create] of [
    ['flat', () => createVectorStore()],
    ['hnsw', () => createVectorStore({ index: 'hnsw' })],
    ['hnsw, graph walk for every filter', () => createVectorStore({ index: 'hnsw', hnsw: { exactFilterMaxMatches: 0, exactFilterSelectivity: 0 } })],
  ] as const) {
    it(`${name}: returns exactly the entries the filter matches, in the reference order`, async () => {
      const store = create();
      const reference = new InMemoryVectorStore();
      for (const target of [store, reference]) {
        await target.createIndex({ indexName: 'docs', dimension: 6 });
        await target.upsert({ indexName: 'docs', vectors, ids, metadata });
      }
      const query = seededVectors(1, 6, 78)[0]!;
      for (const [label, filter] of filters) {
        const expected = ids.filter((_, index) => matchesMetadataFilter(metadata[index], filter)).sort();
        const actual = await store.query({ indexName: 'docs', queryVector: query, topK: count, filter });
        expect({ label, ids: actual.map((result) => result.id).sort() }).toEqual({ label, ids: expected });
        const top = await store.query({ indexName: 'docs', queryVector: query, topK: 5, filter });
        const referenceTop = await reference.query({ indexName: 'docs', queryVector: query, topK: 5, filter });
        expect({ label, ids: top.map((result) => result.id) }).toEqual({ label, ids: referenceTop.map((result) => result.id) });
      }
      const deleted = await store.delete({ indexName: 'docs', filter: { color: 'red', even: true } });
      expect(deleted).toBe(metadata.filter((entry) => entry['color'] === 'red' && entry['even'] === true).length);
      expect(await store.query({ indexName: 'docs', queryVector: query, topK: count, filter: { color: 'red', even: true } })).toEqual([]);
    });
  }
});
