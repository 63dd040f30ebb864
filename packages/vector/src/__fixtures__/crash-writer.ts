/**
 * Test fixture: writes to a persisted HNSW store, saves the graph once, writes more, and is killed (SIGKILL) before
 * the later changes reach the graph. Usage: `node crash-writer.ts <file>`.
 */
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { seededVectors } from '@mastra-ts/conformance';
import { createVectorStore } from '../local-vector-store.ts';

const file = process.argv[2]!;
const vectors = seededVectors(800, 8, 11);
const ids = vectors.map((_, index) => `doc-${index}`);
const storage = createSqliteStorage({ path: file });
await storage.migrate();
const store = createVectorStore({ index: 'hnsw', persistence: storage.vectors, graphSaveInterval: 1_000_000 });
await store.createIndex({ indexName: 'docs', dimension: 8 });
await store.upsert({ indexName: 'docs', vectors: vectors.slice(0, 600), ids: ids.slice(0, 600), metadata: ids.slice(0, 600).map((_, index) => ({ index })) });
await store.flush();
await store.upsert({ indexName: 'docs', vectors: vectors.slice(600), ids: ids.slice(600), metadata: ids.slice(600).map((_, index) => ({ index: index + 600 })) });
await store.delete({ indexName: 'docs', ids: ids.slice(0, 10) });
await store.upsert({ indexName: 'docs', vectors: [vectors[799]!], ids: ['doc-20'], metadata: [{ moved: true }] });
process.stdout.write('written\n');
process.kill(process.pid, 'SIGKILL');
