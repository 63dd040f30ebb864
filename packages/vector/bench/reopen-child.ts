/**
 * Reopens a persisted index the way a restarted process does, in a fresh Node process (no heap or JIT state from the
 * writer), and prints one JSON line: CPU and wall time of `migrate()` + `open()`, graph inserts, and the top 10 of a
 * query. Usage: `node bench/reopen-child.ts <file> <flat|hnsw> <query vector as JSON>`.
 */
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { HnswIndex } from '../src/hnsw-index.ts';
import { createVectorStore } from '../src/local-vector-store.ts';

const [file, kind, query] = process.argv.slice(2) as [string, 'flat' | 'hnsw', string];
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const cpu = cpuMs();
const wall = performance.now();
const storage = createSqliteStorage({ path: file });
await storage.migrate();
const store = createVectorStore({ index: kind, persistence: storage.vectors });
await store.open();
const ms = cpuMs() - cpu;
const wallMs = performance.now() - wall;
const hits = await store.query({ indexName: 'bench', queryVector: JSON.parse(query) as number[], topK: 10 });
const index = await store.getIndex({ indexName: 'bench' });
const graphInserts = index instanceof HnswIndex ? index.stats.graphInserts : 0;
await storage.dispose();
console.log(JSON.stringify({ ms, wallMs, graphInserts, ids: hits.map((hit) => hit.id) }));
