/**
 * `pnpm bench`: exact-scan kernels, HNSW build/query/recall, persistence upsert and reopen, each against a baseline
 * measured in the same run (core's InMemoryVectorStore and a plain-JS brute force).
 *
 * Sizes (env): EXACT_SIZES (default "20000,100000"), EXACT_DIM (384), HNSW_CONFIGS (default "20000x384,100000x128"),
 * HNSW_EF_CONSTRUCTION (128), HNSW_M (24), HNSW_EF_SEARCH ("16,32,48,64,80,96,128,256"), QUERIES (200), PERSIST_N (20000, at HNSW dimension 384), PERSIST_INLINE (1: also an HNSW
 * store with inline graph inserts, the pre-tail behaviour), PREFILTER_DIMS ("128,384,768,1536"), PREFILTER_ROWS
 * ("500,1000,1500,2000,4096"), FILTER_CONFIGS ("3600x64,20000x384"). `--only=exact,prefilter,filter,hnsw,persistence` runs only
 * those sections.
 * HNSW queries are also timed one by one (wall time) after writing 8 MiB ("caches evicted"): the walk's rows then come from the
 * shared cache or memory, as they do in an app that does other work between searches.
 * Times are CPU time of this (single-threaded) process, so other load on the machine inflates them less than wall time;
 * the header prints the load average.
 */
import { InMemoryVectorStore } from '@mastra-ts/core';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlatIndex } from '../src/flat-index.ts';
import { HnswIndex } from '../src/hnsw-index.ts';
import type { ScanKernelName } from '../src/kernels/scan-kernel.ts';
import { createVectorStore } from '../src/local-vector-store.ts';
import { clusteredVectors } from '../src/test-vectors.ts';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const exactSizes = (process.env['EXACT_SIZES'] ?? '20000,100000').split(',').map(Number);
const exactDim = env('EXACT_DIM', 384);
const hnswConfigs = (process.env['HNSW_CONFIGS'] ?? '20000x384,100000x128').split(',').map((config) => config.split('x').map(Number) as [number, number]);
const queryCount = env('QUERIES', 200);
const efConstruction = env('HNSW_EF_CONSTRUCTION', 128);
const hnswM = env('HNSW_M', 24);
const efSearchValues = (process.env['HNSW_EF_SEARCH'] ?? '16,32,48,64,80,96,128,256').split(',').map(Number);
const persistN = env('PERSIST_N', 20_000);
const persistDim = 384;
const prefilterDims = (process.env['PREFILTER_DIMS'] ?? '128,384,768,1536').split(',').map(Number);
const prefilterRows = (process.env['PREFILTER_ROWS'] ?? '500,1000,1500,2000,4096').split(',').map(Number);

const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
function time<T>(run: () => T): { ms: number; value: T } {
  const start = cpuMs();
  const value = run();
  return { ms: cpuMs() - start, value };
}
async function timeBoth<T>(run: () => Promise<T>): Promise<{ ms: number; wallMs: number; value: T }> {
  const start = cpuMs();
  const wall = performance.now();
  const value = await run();
  return { ms: cpuMs() - start, wallMs: performance.now() - wall, value };
}
async function timeAsync<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = cpuMs();
  const value = await run();
  return { ms: cpuMs() - start, value };
}

/** Writes 8 MiB (more than this machine's 2 MiB of L2 per core), so the next search starts from cold private caches. */
const evictionBuffer = new Float64Array(1 << 20);
function evictPrivateCaches(): void {
  for (let index = 0; index < evictionBuffer.length; index += 8) evictionBuffer[index]! += 1;
}

/** The middle value (sorts `values` in place). */
const median = (values: number[]): number => values.sort((a, b) => a - b)[values.length >> 1]!;

function table(rows: Array<Record<string, string>>): void {
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column]!.length)));
  console.log(columns.map((column, index) => column.padEnd(widths[index]!)).join('  '));
  for (const row of rows) console.log(columns.map((column, index) => row[column]!.padStart(widths[index]!)).join('  '));
  console.log();
}

function data(count: number, dimension: number, seed: number): { vectors: Float32Array[]; queries: Float32Array[] } {
  const all = clusteredVectors({ count: count + queryCount, dimension, clusters: 64, spread: 0.6, seed });
  return { vectors: all.slice(0, count), queries: all.slice(count) };
}

/** Plain-JS brute force over number[][], the way one writes it without thinking about speed. */
function bruteForce(vectors: number[][], query: number[], topK: number): string[] {
  const norm = Math.hypot(...query);
  const scored = vectors.map((vector, index) => {
    let dot = 0;
    let squares = 0;
    for (let position = 0; position < vector.length; position++) {
      dot += vector[position]! * query[position]!;
      squares += vector[position]! * vector[position]!;
    }
    return { index, score: dot / (Math.sqrt(squares) * norm) };
  });
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, topK).map((item) => `v${item.index}`);
}

async function exactSection(): Promise<void> {
  for (const count of exactSizes) {
    console.log(`## Exact scan, ${fmt(count)} x ${exactDim} (cosine, top 10, ${queryCount} held-out queries for the fast kernels)`);
    const { vectors, queries } = data(count, exactDim, 1);
    const entries = vectors.map((vector, index) => ({ id: `v${index}`, vector }));
    const rows: Array<Record<string, string>> = [];
    const bytes = count * exactDim * 4;
    let wasmMs = 0;
    let prefilterMs = 0;
    const record = (name: string, msPerQuery: number): void => {
      rows.push({ kernel: name, 'ms/query': fmt(msPerQuery, 3), 'µs/query': fmt(msPerQuery * 1000), 'queries/s': fmt(1000 / msPerQuery, 1), 'GB/s': fmt(bytes / (msPerQuery / 1000) / 1e9, 2), 'vs wasm-simd': '' });
    };
    for (const [kernel, int8Prefilter] of [['wasm-simd', true], ['wasm-simd', false], ['js-unrolled8', false], ['js-unrolled4', false], ['js-plain', false]] as Array<[ScanKernelName, boolean]>) {
      const index = new FlatIndex({ dimension: exactDim, kernel, int8Prefilter });
      index.upsert(entries);
      const reps = kernel === 'wasm-simd' ? queryCount : Math.max(3, Math.floor(queryCount / 10));
      const name = `FlatIndex ${kernel}${int8Prefilter ? ' + int8 prefilter (exact)' : ''}`;
      index.search(queries[0]!, { topK: 10 });
      const { ms } = time(() => {
        for (let query = 0; query < reps; query++) index.search(queries[query % queries.length]!, { topK: 10 });
      });
      if (kernel === 'wasm-simd' && !int8Prefilter) wasmMs = ms / reps;
      if (int8Prefilter) prefilterMs = ms / reps;
      record(name, ms / reps);
    }
    const plainVectors = vectors.map((vector) => Array.from(vector));
    const plainQueries = queries.map((query) => Array.from(query));
    const reps = Math.max(2, Math.floor(queryCount / 20));
    bruteForce(plainVectors, plainQueries[0]!, 10);
    record('plain-JS brute force (number[][], sort)', time(() => {
      for (let query = 0; query < reps; query++) bruteForce(plainVectors, plainQueries[query]!, 10);
    }).ms / reps);
    const core = new InMemoryVectorStore();
    await core.createIndex({ indexName: 'bench', dimension: exactDim });
    await core.upsert({ indexName: 'bench', vectors: plainVectors, ids: entries.map((entry) => entry.id) });
    const coreMs = (await timeAsync(async () => {
      for (let query = 0; query < reps; query++) await core.query({ indexName: 'bench', queryVector: plainQueries[query]!, topK: 10 });
    })).ms / reps;
    record('core InMemoryVectorStore (baseline)', coreMs);
    for (const row of rows) row['vs wasm-simd'] = `${fmt(Number(row['ms/query']!.replaceAll(',', '')) / wasmMs, 1)}x`;
    table(rows);
    console.log(`FlatIndex (int8 prefilter, exact) is ${fmt(coreMs / prefilterMs, 1)}x faster than core's InMemoryVectorStore and ${fmt(wasmMs / prefilterMs, 1)}x faster than the float-only wasm scan at ${fmt(count)} x ${exactDim}; GB/s counts the float32 matrix size.\n`);
  }
}

/**
 * Where the int8 prefilter starts to pay: float-only against the prefilter (forced at every size), one query at a time
 * after evicting the private caches (as between requests of a server doing other work); `default` is the path
 * FlatIndex takes at that size.
 */
async function prefilterSection(): Promise<void> {
  console.log('## Exact scan: float32 only vs int8 prefilter, by dimension and rows (cosine, top 15, caches evicted before each query; median wall µs of 40 queries each)');
  const rows: Array<Record<string, string>> = [];
  for (const dimension of prefilterDims) {
    for (const count of prefilterRows) {
      const all = clusteredVectors({ count: count + 64, dimension, clusters: 64, spread: 0.6, seed: 7 });
      const entries = all.slice(0, count).map((vector, index) => ({ id: `v${index}`, vector }));
      const queries = all.slice(count);
      const float = new FlatIndex({ dimension, int8Prefilter: false });
      const int8 = new FlatIndex({ dimension, int8Prefilter: true, int8PrefilterMinRows: 0 });
      const from = new FlatIndex({ dimension }).int8PrefilterMinRows;
      float.upsert(entries);
      int8.upsert(entries);
      const samples: Record<'float' | 'int8', number[]> = { float: [], int8: [] };
      // alternating, so that drift lands on both
      for (let round = 0; round < 43; round++) {
        for (const [name, index] of [['float', float], ['int8', int8]] as const) {
          evictPrivateCaches();
          const start = performance.now();
          index.search(queries[round % queries.length]!, { topK: 15 });
          if (round >= 3) samples[name].push((performance.now() - start) * 1000);
        }
      }
      const floatUs = median(samples.float);
      const int8Us = median(samples.int8);
      const prefiltered = from !== undefined && count >= from && 15 * 16 <= count;
      rows.push({ dimension: String(dimension), rows: fmt(count), 'float µs': fmt(floatUs), 'int8 prefilter µs': fmt(int8Us), 'float / int8': `${fmt(floatUs / int8Us, 2)}x`, default: prefiltered ? 'int8 prefilter' : 'float' });
    }
  }
  table(rows);
}

async function hnswSection(hnswN: number, hnswDim: number): Promise<void> {
  console.log(`## HNSW, ${fmt(hnswN)} x ${hnswDim} (cosine, m ${hnswM}, efConstruction ${efConstruction}, top 10, ${queryCount} held-out queries; µs/query is the best of 3 passes)`);
  const { vectors, queries } = data(hnswN, hnswDim, 2);
  const entries = vectors.map((vector, index) => ({ id: `v${index}`, vector }));
  const exact = new FlatIndex({ dimension: hnswDim });
  exact.upsert(entries);
  const truthTime = time(() => queries.map((query) => new Set(exact.search(query, { topK: 10 }).map((result) => result.id))));
  const truth = truthTime.value;
  const exactMs = truthTime.ms / queries.length;
  const plainVectors = vectors.map((vector) => Array.from(vector));
  const plainReps = Math.max(2, Math.floor(queryCount / 50));
  bruteForce(plainVectors, Array.from(queries[0]!), 10);
  const plainMs = time(() => {
    for (let query = 0; query < plainReps; query++) bruteForce(plainVectors, Array.from(queries[query]!), 10);
  }).ms / plainReps;
  const hnsw = new HnswIndex({ dimension: hnswDim, m: hnswM, efConstruction });
  const build = time(() => hnsw.upsert(entries));
  const blob = hnsw.serializeGraph();
  const restore = time(() => HnswIndex.restore({ dimension: hnswDim, m: hnswM, efConstruction }, blob, entries));
  const restoreAgain = time(() => HnswIndex.restore({ dimension: hnswDim, m: hnswM, efConstruction }, blob, entries));
  console.log(`build: ${fmt(build.ms / 1000, 1)} s (${fmt(hnswN / (build.ms / 1000))} inserts/s); HnswIndex.restore from the ${fmt(blob.byteLength / 1e6, 1)} MB graph blob (no inserts): ${fmt(Math.min(restore.ms, restoreAgain.ms))} ms`);
  console.log(`baselines: exact wasm scan ${fmt(exactMs * 1000)} µs/query; plain-JS brute force ${fmt(plainMs, 1)} ms/query`);
  const rows: Array<Record<string, string>> = [];
  for (const efSearch of efSearchValues) {
    const index = HnswIndex.restore({ dimension: hnswDim, m: hnswM, efSearch, efConstruction }, blob, entries);
    let hits = 0;
    queries.forEach((query, position) => {
      hits += index.search(query, { topK: 10 }).filter((result) => truth[position]!.has(result.id)).length;
    });
    let best = Infinity;
    for (let pass = 0; pass < 3; pass++) {
      best = Math.min(best, time(() => {
        for (const query of queries) index.search(query, { topK: 10 });
      }).ms);
    }
    const perQuery = best / queries.length;
    // the same queries after other work evicted the CPU's private caches, as in an app that does more than search
    let evicted = Infinity;
    for (let pass = 0; pass < 3; pass++) {
      let total = 0;
      for (const query of queries) {
        evictPrivateCaches();
        const start = performance.now();
        index.search(query, { topK: 10 });
        total += performance.now() - start;
      }
      evicted = Math.min(evicted, total);
    }
    rows.push({ efSearch: String(efSearch), 'recall@10': fmt(hits / (queries.length * 10), 4), 'µs/query': fmt(perQuery * 1000), 'µs, caches evicted': fmt((evicted / queries.length) * 1000), 'queries/s': fmt(1000 / perQuery), 'vs exact wasm': `${fmt(exactMs / perQuery, 1)}x`, 'vs plain JS': `${fmt(plainMs / perQuery, 0)}x` });
  }
  table(rows);
}

async function persistenceSection(): Promise<void> {
  const count = persistN;
  const hnswDim = persistDim;
  console.log(`## Persistence over @mastra-ts/storage-sqlite (one SQLite file), ${fmt(count)} x ${hnswDim} (upserts of 1000 with metadata; CPU ms, wall ms in brackets)`);
  const { vectors, queries } = data(count, hnswDim, 3);
  const plain = vectors.map((vector) => Array.from(vector));
  const directory = mkdtempSync(path.join(tmpdir(), 'mastra-ts-vector-bench-'));
  const kinds: Array<['flat' | 'hnsw', 'background' | 'inline']> = [['flat', 'background'], ['hnsw', 'background']];
  if (process.env['PERSIST_INLINE'] === '1') kinds.push(['hnsw', 'inline']);
  try {
    const rows: Array<Record<string, string>> = [];
    for (const [kind, graphIndexing] of kinds) {
      const file = path.join(directory, `${kind}-${graphIndexing}.sqlite`);
      const storage = createSqliteStorage({ path: file });
      await storage.migrate();
      const store = createVectorStore({ index: kind, hnsw: { efConstruction }, graphIndexing, persistence: storage.vectors });
      await store.createIndex({ indexName: 'bench', dimension: hnswDim });
      const upsert = await timeBoth(async () => {
        for (let start = 0; start < count; start += 1000) {
          const batch = plain.slice(start, start + 1000);
          await store.upsert({ indexName: 'bench', vectors: batch, ids: batch.map((_, offset) => `v${start + offset}`), metadata: batch.map((_, offset) => ({ n: start + offset })) });
        }
      });
      const pendingQueries = Math.min(20, queries.length);
      const pendingQuery = await timeBoth(async () => {
        for (let query = 0; query < pendingQueries; query++) await store.query({ indexName: 'bench', queryVector: Array.from(queries[query]!), topK: 10 });
      });
      const indexing = await timeBoth(() => store.whenIndexed());
      await store.flush();
      const graph = kind === 'hnsw' ? ((await store.getIndex({ indexName: 'bench' })) as HnswIndex) : undefined;
      let graphBytes = 0;
      const save = await timeBoth(async () => {
        if (graph === undefined) return;
        const bytes = graph.serializeGraph();
        graphBytes = bytes.byteLength;
        await storage.vectors.saveGraph({ indexName: 'bench', bytes, generation: (await storage.vectors.getIndex({ indexName: 'bench' }))!.generation });
      });
      const expected = await store.query({ indexName: 'bench', queryVector: plain[0]!, topK: 10 });
      await storage.dispose();
      const size = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
      const child = spawnSync(process.execPath, [fileURLToPath(new URL('./reopen-child.ts', import.meta.url)), file, kind, JSON.stringify(plain[0])], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`reopen failed: ${child.stderr}`);
      const reopen = JSON.parse(child.stdout) as { ms: number; wallMs: number; graphInserts: number; ids: string[] };
      if (JSON.stringify(reopen.ids) !== JSON.stringify(expected.map((result) => result.id))) throw new Error('reopened index answers differently');
      const inserted = reopen.graphInserts;
      rows.push({
        index: kind === 'hnsw' ? `hnsw (${graphIndexing} graph inserts)` : 'flat (exact)',
        'durable upserts/s': `${fmt(count / (upsert.ms / 1000))} [${fmt(count / (upsert.wallMs / 1000))}]`,
        'query while pending ms': `${fmt(pendingQuery.ms / pendingQueries, 1)}`,
        'graph catch-up s': kind === 'hnsw' ? `${fmt(indexing.ms / 1000, 1)} [${fmt(indexing.wallMs / 1000, 1)}]` : 'n/a',
        'graph save ms (blob MB)': kind === 'hnsw' ? `${fmt(save.ms)} [${fmt(save.wallMs)}] (${fmt(graphBytes / 1e6, 1)})` : 'n/a',
        'file MB': fmt(size / 1e6, 1),
        'reopen ms (new process: migrate + open)': `${fmt(reopen.ms)} [${fmt(reopen.wallMs)}]`,
        'graph inserts on reopen': String(inserted),
      });
    }
    table(rows);
    console.log('durable: each upsert resolves after its rows are committed to the SQLite file; with background graph inserts the vectors are searchable at once (exact tail) and join the graph in the "graph catch-up" time.\n');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Filtered exact queries: a filter of one equality (a thread, a user) answered by its posting list alone, against the
 * same list with the compiled filter tested on each row (how every filtered query ran before) and the unfiltered query.
 */
async function filterSection(): Promise<void> {
  const { compileMetadataFilter } = await import('@mastra-ts/core');
  const { readEqualities } = await import('../src/equality-postings.ts');
  const configs = (process.env['FILTER_CONFIGS'] ?? '3600x64,20000x384').split(',').map((config) => config.split('x').map(Number) as [number, number]);
  console.log('## Filtered exact scan: one equality answered by its posting list (cosine, top 15; median CPU µs per query, rounds alternating)');
  const rows: Array<Record<string, string>> = [];
  for (const [count, dimension] of configs) {
    const { vectors, queries } = data(count, dimension, 5);
    const index = new FlatIndex({ dimension });
    // every row in thread 'all'; one in ten in each of ten threads
    index.upsert(vectors.map((vector, row) => ({ id: `v${row}`, vector, metadata: { scope: 'all', threadId: `t${row % 10}` } })));
    for (const [label, filter] of [['every row (one thread owns the index)', { scope: 'all' }], ['one row in ten', { threadId: 't3' }]] as const) {
      const predicate = compileMetadataFilter(filter);
      const { equalities } = readEqualities(filter);
      let position = 0;
      const cases: Array<[string, () => unknown]> = [
        ['posting list only', () => index.search(queries[position++ % queries.length]!, { topK: 15, filter: predicate, equalities, equalitiesComplete: true })],
        ['list + filter tested per row', () => index.search(queries[position++ % queries.length]!, { topK: 15, filter: predicate, equalities, equalitiesComplete: false })],
        ['unfiltered', () => index.search(queries[position++ % queries.length]!, { topK: 15 })],
      ];
      const samples = cases.map(() => [] as number[]);
      const reps = 20;
      for (let round = 0; round < 40; round++) {
        cases.forEach(([, run], which) => {
          const { ms } = time(() => {
            for (let rep = 0; rep < reps; rep++) run();
          });
          if (round >= 5) samples[which]!.push((ms * 1000) / reps);
        });
      }
      const [listOnly, tested, unfiltered] = samples.map(median) as [number, number, number];
      rows.push({
        rows: `${fmt(count)} x ${dimension}`,
        filter: label,
        'posting list only µs': fmt(listOnly, 1),
        'tested per row µs': fmt(tested, 1),
        'unfiltered µs': fmt(unfiltered, 1),
        'tested / list only': `${fmt(tested / listOnly, 2)}x`,
      });
    }
  }
  table(rows);
}

const loads = loadavg().map((value) => value.toFixed(1)).join(' ');
console.log(`# @mastra-ts/vector bench (node ${process.version}, ${process.arch}, load average ${loads}; data: 64 Gaussian clusters, held-out queries; CPU time)\n`);
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const runs = (section: string): boolean => only === undefined || only.includes(section);
if (runs('exact') && exactSizes.some((size) => size > 0)) await exactSection();
if (runs('prefilter')) await prefilterSection();
if (runs('filter')) await filterSection();
if (runs('hnsw')) for (const [count, dimension] of hnswConfigs) if (count > 0) await hnswSection(count, dimension);
if (runs('persistence') && persistN > 0) await persistenceSection();
