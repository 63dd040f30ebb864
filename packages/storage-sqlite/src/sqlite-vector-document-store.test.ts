import { ConflictError, NotFoundError, StorageError, TypeValidationError } from '@mastra-ts/core';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFloat32Blob, encodeFloat32Blob } from './float32-blob.ts';
import { queryPlan, recordPrepared, TestStorages } from './test-storage.ts';

const storages = new TestStorages();
afterEach(() => storages.cleanup());

describe('float32 blobs', () => {
  it('encode little-endian, 4 bytes per value, and round-trip exactly', () => {
    const blob = encodeFloat32Blob([1, -2.5, 0.1]);
    expect(blob.byteLength).toBe(12);
    expect(blob.readFloatLE(4)).toBe(-2.5);
    expect([...decodeFloat32Blob(blob)]).toEqual([...Float32Array.from([1, -2.5, 0.1])]);
    const unaligned = Buffer.concat([Buffer.from([9]), blob]).subarray(1);
    expect([...decodeFloat32Blob(unaligned)]).toEqual([...Float32Array.from([1, -2.5, 0.1])]);
  });
});

describe('SqliteVectorDocumentStore', () => {
  it('creates an index once; the same definition is a no-op, a different one conflicts', async () => {
    const { vectors } = await storages.open();
    const created = await vectors.createIndex({ indexName: 'docs', dimension: 3, metric: 'cosine', options: { M: 16 } });
    expect(created).toMatchObject({ name: 'docs', dimension: 3, metric: 'cosine', options: { M: 16 }, generation: 0 });
    expect(await vectors.createIndex({ indexName: 'docs', dimension: 3, metric: 'cosine' })).toEqual(created);
    await expect(vectors.createIndex({ indexName: 'docs', dimension: 4, metric: 'cosine' })).rejects.toSatisfy(ConflictError.isInstance);
    await expect(vectors.createIndex({ indexName: 'bad', dimension: 0, metric: 'cosine' })).rejects.toSatisfy(TypeValidationError.isInstance);
    expect((await vectors.listIndexes()).map((index) => index.name)).toEqual(['docs']);
  });

  it('upserts, replaces in place, deletes, and loads columnar in insertion order with exact floats', async () => {
    const { vectors } = await storages.open();
    await vectors.createIndex({ indexName: 'docs', dimension: 2, metric: 'euclidean' });
    expect(await vectors.upsertDocuments({ indexName: 'docs', documents: [
      { id: 'a', embedding: [0.1, 0.2], content: 'alpha', metadata: { lang: 'en' } },
      { id: 'b', embedding: Float32Array.from([1, 2]) },
      { id: 'c', embedding: [3, 4], content: 'gamma' },
    ] })).toEqual({ generation: 1 });
    expect(await vectors.upsertDocuments({ indexName: 'docs', documents: [{ id: 'a', embedding: [5, 6], content: 'alpha 2' }] })).toEqual({ generation: 2 });
    expect(await vectors.deleteDocuments({ indexName: 'docs', ids: ['b', 'missing'] })).toEqual({ deleted: 1, generation: 3 });
    const loaded = await vectors.loadIndex({ indexName: 'docs' });
    expect(loaded?.ids).toEqual(['a', 'c']);
    expect([...loaded!.vectors]).toEqual([5, 6, 3, 4]);
    expect(loaded?.contents).toEqual(['alpha 2', 'gamma']);
    expect(loaded?.metadata).toEqual([undefined, undefined]);
    expect(loaded?.index.generation).toBe(3);
    expect(loaded?.graph).toBeNull();
    const documents = await vectors.getDocuments({ indexName: 'docs', ids: ['c', 'nope', 'a'] });
    expect(documents.map((document) => [document.id, [...document.embedding]])).toEqual([['c', [3, 4]], ['a', [5, 6]]]);
    expect(await vectors.countDocuments({ indexName: 'docs' })).toBe(2);
    expect([...(await vectors.getDocuments({ indexName: 'docs', ids: ['a'] }))[0]!.embedding]).toEqual([5, 6]);
  });

  it('refuses a wrong dimension or an unknown index without writing anything', async () => {
    const { vectors } = await storages.open();
    await vectors.createIndex({ indexName: 'docs', dimension: 2, metric: 'cosine' });
    const documents = Array.from({ length: 1500 }, (_, index) => ({ id: `d${index}`, embedding: index === 1400 ? [1, 2, 3] : [1, 2] }));
    const error = await vectors.upsertDocuments({ indexName: 'docs', documents }).catch((caught: unknown) => caught);
    expect(TypeValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('d1400');
    expect(await vectors.countDocuments({ indexName: 'docs' })).toBe(0);
    expect((await vectors.getIndex({ indexName: 'docs' }))?.generation).toBe(0);
    await expect(vectors.upsertDocuments({ indexName: 'nope', documents: [] })).rejects.toSatisfy(NotFoundError.isInstance);
    await expect(vectors.saveGraph({ indexName: 'nope', bytes: new Uint8Array(1), generation: 0 })).rejects.toSatisfy(NotFoundError.isInstance);
  });

  it('saves one graph per index, tagged with its generation, and survives a reopen; deleting the index removes everything', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file });
    await first.vectors.createIndex({ indexName: 'docs', dimension: 2, metric: 'cosine' });
    const { generation } = await first.vectors.upsertDocuments({ indexName: 'docs', documents: [{ id: 'a', embedding: [1, 0] }] });
    const bytes = Uint8Array.from({ length: 100_000 }, (_, index) => index % 251);
    await first.vectors.saveGraph({ indexName: 'docs', bytes: bytes.subarray(10), generation });
    await first.vectors.saveGraph({ indexName: 'docs', bytes, generation });
    await first.dispose();
    const second = await storages.open({ path: file });
    const loaded = await second.vectors.loadIndex({ indexName: 'docs' });
    expect(loaded?.graph?.generation).toBe(loaded?.index.generation);
    expect(loaded?.graph?.bytes).toEqual(bytes);
    await second.vectors.upsertDocuments({ indexName: 'docs', documents: [{ id: 'b', embedding: [0, 1] }] });
    const stale = await second.vectors.loadIndex({ indexName: 'docs' });
    expect(stale!.graph!.generation).toBeLessThan(stale!.index.generation);
    expect(await second.vectors.deleteIndex({ indexName: 'docs' })).toBe(true);
    expect(await second.vectors.deleteIndex({ indexName: 'docs' })).toBe(false);
    expect(await second.vectors.loadIndex({ indexName: 'docs' })).toBeNull();
    expect(await second.vectors.loadGraph({ indexName: 'docs' })).toBeNull();
    await second.vectors.createIndex({ indexName: 'docs', dimension: 2, metric: 'cosine' });
    expect(await second.vectors.countDocuments({ indexName: 'docs' })).toBe(0);
  });

  it('writes a batch in one transaction: a row failing mid-batch leaves the previous state', async () => {
    const { vectors } = await storages.open();
    await vectors.createIndex({ indexName: 'docs', dimension: 2, metric: 'cosine' });
    await vectors.upsertDocuments({ indexName: 'docs', documents: [{ id: 'keep', embedding: [1, 0], metadata: { v: 1 } }] });
    const documents = Array.from({ length: 900 }, (_, index) => ({ id: index === 0 ? 'keep' : `d${index}`, embedding: [index, 1], metadata: index === 600 ? { bad: 1n as unknown as number } : { v: 2 } }));
    const error = await vectors.upsertDocuments({ indexName: 'docs', documents }).catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/BigInt/);
    expect(await vectors.countDocuments({ indexName: 'docs' })).toBe(1);
    expect((await vectors.getDocuments({ indexName: 'docs', ids: ['keep'] }))[0]?.metadata).toEqual({ v: 1 });
    expect((await vectors.getIndex({ indexName: 'docs' }))?.generation).toBe(1);
  });

  it('loads an index through the (index_name, seq) index, without sorting the rows', async () => {
    const database = new Database(storages.file());
    const prepared = recordPrepared(database);
    const { vectors } = await storages.open({ database });
    await vectors.createIndex({ indexName: 'docs', dimension: 2, metric: 'cosine' });
    await vectors.createIndex({ indexName: 'other', dimension: 2, metric: 'cosine' });
    for (const indexName of ['docs', 'other', 'docs']) await vectors.upsertDocuments({ indexName, documents: Array.from({ length: 50 }, (_, index) => ({ id: `${indexName}-${index}-${prepared.length}`, embedding: [index, 1] })) });
    const loaded = await vectors.loadIndex({ indexName: 'docs' });
    expect(loaded?.ids).toHaveLength(100);
    expect(loaded?.ids[0]).toMatch(/^docs-0-/);
    const select = prepared.find((source) => source.startsWith('select') && source.includes('"embedding"') && source.includes('order by'));
    const plan = queryPlan(database, select!);
    expect(plan).toContain('vector_documents_index_seq');
    expect(plan).not.toContain('TEMP B-TREE');
  });

  it('refuses to load an index whose stored embedding has the wrong byte length', async () => {
    const database = new Database(':memory:');
    const { vectors } = await storages.open({ database });
    await vectors.createIndex({ indexName: 'docs', dimension: 2, metric: 'cosine' });
    await vectors.upsertDocuments({ indexName: 'docs', documents: [{ id: 'a', embedding: [1, 0] }, { id: 'b', embedding: [0, 1] }] });
    database.prepare("update vector_documents set embedding = x'0000803f' where id = 'b'").run();
    const error = await vectors.loadIndex({ indexName: 'docs' }).catch((caught: unknown) => caught);
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('vector document "b" of index "docs" has a 4-byte embedding where dimension 2 needs 8');
    expect((error as Error).message).toContain('upsert it again');
  });
});
