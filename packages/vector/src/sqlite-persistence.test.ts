import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { describeVectorStore, seededVectors } from '@mastra-ts/conformance';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HnswIndex } from './hnsw-index.ts';
import { createVectorStore } from './local-vector-store.ts';
import type { VectorPersistence } from './vector-persistence.ts';

const directory = mkdtempSync(path.join(tmpdir(), 'mastra-ts-vector-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
let files = 0;

async function openStorage(file = path.join(directory, `db-${++files}.sqlite`)) {
  const storage = createSqliteStorage({ path: file });
  await storage.migrate();
  return storage;
}

describeVectorStore('LocalVectorStore (hnsw over storage-sqlite)', async () => {
  const storage = await openStorage();
  const persistence: VectorPersistence = storage.vectors;
  return createVectorStore({ index: 'hnsw', persistence });
});

describe('LocalVectorStore over @mastra-ts/storage-sqlite', () => {
  it('reopens a persisted HNSW index from the SQLite file without rebuilding the graph', async () => {
    const file = path.join(directory, 'reopen.sqlite');
    const vectors = seededVectors(1500, 24, 8);
    const ids = vectors.map((_, index) => `doc-${index}`);
    const storage = await openStorage(file);
    const store = createVectorStore({ index: 'hnsw', persistence: storage.vectors });
    await store.createIndex({ indexName: 'docs', dimension: 24, metric: 'dotproduct' });
    await store.upsert({ indexName: 'docs', vectors, ids, metadata: vectors.map((_, index) => ({ index })), documents: ids.map((id) => `text of ${id}`) });
    await store.delete({ indexName: 'docs', ids: ['doc-0'] });
    await store.flush();
    const queries = seededVectors(5, 24, 9);
    const before = await Promise.all(queries.map((query) => store.query({ indexName: 'docs', queryVector: query, topK: 5 })));
    await storage.dispose();

    const reopenedStorage = await openStorage(file);
    const reopened = createVectorStore({ index: 'hnsw', persistence: reopenedStorage.vectors });
    const index = await reopened.getIndex({ indexName: 'docs' });
    expect(index).toBeInstanceOf(HnswIndex);
    expect((index as HnswIndex).stats).toMatchObject({ graphInserts: 0, tombstones: 1 });
    expect(await reopened.describeIndex({ indexName: 'docs' })).toEqual({ dimension: 24, metric: 'dotproduct', count: 1499 });
    const after = await Promise.all(queries.map((query) => reopened.query({ indexName: 'docs', queryVector: query, topK: 5 })));
    expect(after).toEqual(before);
    expect(after[0]?.[0]?.document).toMatch(/^text of doc-/);
    await reopenedStorage.dispose();
  });
});
