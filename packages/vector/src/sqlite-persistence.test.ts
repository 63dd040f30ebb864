import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { describeVectorStore, seededVectors } from '@mastra-ts/conformance';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError, StorageError } from '@mastra-ts/core';
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
    await store.flush();
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

  it('recovers from a process killed after its graph save: rows written later are found at once and indexed on open', async () => {
    const file = path.join(directory, 'crash.sqlite');
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('./__fixtures__/crash-writer.ts', import.meta.url)), file], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toBe('written\n');
    const vectors = seededVectors(800, 8, 11);

    const storage = await openStorage(file);
    const loaded = await storage.vectors.loadIndex({ indexName: 'docs' });
    expect(loaded!.graph!.generation).toBeLessThan(loaded!.index.generation);
    const store = createVectorStore({ index: 'hnsw', persistence: storage.vectors });
    expect(await store.describeIndex({ indexName: 'docs' })).toEqual({ dimension: 8, metric: 'cosine', count: 790 });
    for (const position of [600, 650, 798]) {
      expect((await store.query({ indexName: 'docs', queryVector: vectors[position]!, topK: 1 }))[0]?.id).toBe(`doc-${position}`);
    }
    expect((await store.query({ indexName: 'docs', queryVector: vectors[3]!, topK: 800 })).map((hit) => hit.id)).not.toContain('doc-3');
    const moved = await store.query({ indexName: 'docs', queryVector: vectors[20]!, topK: 800 });
    expect(moved.find((hit) => hit.id === 'doc-20')?.metadata).toEqual({ moved: true });
    const index = (await store.getIndex({ indexName: 'docs' })) as HnswIndex;
    expect(index.stats).toMatchObject({ graphInserts: 201, tombstones: 11 });
    expect(index.size).toBe(790);
    await store.flush();
    await storage.dispose();

    const again = await openStorage(file);
    const reopened = createVectorStore({ index: 'hnsw', persistence: again.vectors });
    expect(((await reopened.getIndex({ indexName: 'docs' })) as HnswIndex).stats.graphInserts).toBe(0);
    await again.dispose();
  });

  it('rolls a failed or aborted upsert back whole: the file keeps its previous state', async () => {
    const storage = await openStorage();
    const store = createVectorStore({ index: 'hnsw', persistence: storage.vectors });
    await store.createIndex({ indexName: 'docs', dimension: 4 });
    await store.upsert({ indexName: 'docs', vectors: seededVectors(10, 4, 1), ids: seededVectors(10, 4, 1).map((_, index) => `old-${index}`) });
    const vectors = seededVectors(900, 4, 2);
    const metadata = vectors.map((_, index) => (index === 700 ? { bad: 1n as unknown as number } : { index }));
    const error = await store.upsert({ indexName: 'docs', vectors, metadata }).catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error)).toBe(true);
    const controller = new AbortController();
    const aborted = store.upsert({ indexName: 'docs', vectors, abortSignal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toSatisfy(AbortError.isInstance);
    expect(await storage.vectors.countDocuments({ indexName: 'docs' })).toBe(10);
    expect((await store.describeIndex({ indexName: 'docs' })).count).toBe(10);
    await storage.dispose();
  });
});
