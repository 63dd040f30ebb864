// Cache get/set throughput: @mastra-ts/cache LRU vs lru-cache vs a plain Map vs a Map-reorder LRU, same run.
// Run: pnpm --filter @mastra-ts/cache bench
import { LRUCache } from 'lru-cache';
import { createLRUCache } from '../src/index.ts';

const capacity = 10_000;
const keySpace = 15_000; // > capacity, so sets evict and some gets miss
const operations = 1_000_000;
const keys = Array.from({ length: keySpace }, (_, index) => `key:${index}`);
const order = Uint32Array.from({ length: operations }, (_, index) => (index * 7919 + (index >>> 3)) % keySpace);

interface Subject {
  name: string;
  make: () => { get: (key: string) => unknown; set: (key: string, value: number) => void };
}

class MapReorderLRU {
  readonly #map = new Map<string, number>();
  get(key: string): number | undefined {
    const value = this.#map.get(key);
    if (value === undefined) return undefined;
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }
  set(key: string, value: number): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > capacity) this.#map.delete(this.#map.keys().next().value!);
  }
}

const subjects: Subject[] = [
  { name: 'Map (no eviction, baseline)', make: () => { const map = new Map<string, number>(); return { get: (key) => map.get(key), set: (key, value) => void map.set(key, value) }; } },
  { name: 'lru-cache 11 (max)', make: () => { const cache = new LRUCache<string, number>({ max: capacity }); return { get: (key) => cache.get(key), set: (key, value) => void cache.set(key, value) }; } },
  { name: 'lru-cache 11 (max + ttl)', make: () => { const cache = new LRUCache<string, number>({ max: capacity, ttl: 60_000, ttlAutopurge: false }); return { get: (key) => cache.get(key), set: (key, value) => void cache.set(key, value) }; } },
  { name: 'Map-reorder LRU (design alternative)', make: () => { const cache = new MapReorderLRU(); return { get: (key) => cache.get(key), set: (key, value) => cache.set(key, value) }; } },
  { name: '@mastra-ts/cache createLRUCache (sync)', make: () => { const cache = createLRUCache<number>({ maxEntries: capacity }); return { get: (key) => cache.getSync(key), set: (key, value) => cache.setSync(key, value) }; } },
  { name: '@mastra-ts/cache createLRUCache (sync, ttl)', make: () => { const cache = createLRUCache<number>({ maxEntries: capacity, ttlMs: 60_000, sweepIntervalMs: false }); return { get: (key) => cache.getSync(key), set: (key, value) => cache.setSync(key, value) }; } },
];

const format = (ops: number): string => `${(ops / 1e6).toFixed(2).padStart(6)} M ops/s`;

// process CPU time (user + system) rather than wall time: it stays meaningful on a shared, loaded machine
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const usage = process.cpuUsage(since);
  return (usage.user + usage.system) / 1_000_000;
};

function runOnce(subject: Subject): { setOps: number; getOps: number } {
  const cache = subject.make();
  let start = process.cpuUsage();
  for (let index = 0; index < operations; index++) cache.set(keys[order[index]!]!, index);
  const setSeconds = cpuSeconds(start);
  let sink = 0;
  start = process.cpuUsage();
  for (let index = 0; index < operations; index++) sink += (cache.get(keys[order[operations - 1 - index]!]!) as number | undefined) ?? 0;
  const getSeconds = cpuSeconds(start);
  if (sink === -1) console.log(sink);
  return { setOps: operations / setSeconds, getOps: operations / getSeconds };
}

async function measureAsync(): Promise<{ setOps: number; getOps: number }> {
  let best = { setOps: 0, getOps: 0 };
  for (let round = 0; round < 3; round++) {
    const cache = createLRUCache<number>({ maxEntries: capacity });
    let start = process.cpuUsage();
    for (let index = 0; index < operations; index++) await cache.set(keys[order[index]!]!, index);
    const setSeconds = cpuSeconds(start);
    start = process.cpuUsage();
    for (let index = 0; index < operations; index++) await cache.get(keys[order[operations - 1 - index]!]!);
    const getSeconds = cpuSeconds(start);
    best = { setOps: Math.max(best.setOps, operations / setSeconds), getOps: Math.max(best.getOps, operations / getSeconds) };
  }
  return best;
}

console.log(`cache throughput (per CPU second): ${operations.toLocaleString()} ops, capacity ${capacity}, ${keySpace} keys (best of 7, rounds interleaved), node ${process.version}`);
const results = new Map<string, { setOps: number; getOps: number }>();
for (let round = 0; round < 7; round++) {
  for (let offset = 0; offset < subjects.length; offset++) {
    const subject = subjects[(offset + round) % subjects.length]!;
    const result = runOnce(subject);
    const best = results.get(subject.name) ?? { setOps: 0, getOps: 0 };
    results.set(subject.name, { setOps: Math.max(best.setOps, result.setOps), getOps: Math.max(best.getOps, result.getOps) });
  }
}
for (const subject of subjects) {
  const result = results.get(subject.name)!;
  console.log(`${subject.name.padEnd(46)} set ${format(result.setOps)}   get ${format(result.getOps)}`);
}
const asyncResult = await measureAsync();
console.log(`${'@mastra-ts/cache createLRUCache (async Cache API)'.padEnd(46)} set ${format(asyncResult.setOps)}   get ${format(asyncResult.getOps)}`);

const ours = results.get('@mastra-ts/cache createLRUCache (sync)')!;
const oursTtl = results.get('@mastra-ts/cache createLRUCache (sync, ttl)')!;
const lru = results.get('lru-cache 11 (max)')!;
const lruTtl = results.get('lru-cache 11 (max + ttl)')!;
const map = results.get('Map (no eviction, baseline)')!;
const reorder = results.get('Map-reorder LRU (design alternative)')!;
console.log('');
console.log(`ratio vs lru-cache          set ${(ours.setOps / lru.setOps).toFixed(2)}x   get ${(ours.getOps / lru.getOps).toFixed(2)}x`);
console.log(`ratio vs lru-cache (ttl)    set ${(oursTtl.setOps / lruTtl.setOps).toFixed(2)}x   get ${(oursTtl.getOps / lruTtl.getOps).toFixed(2)}x`);
console.log(`ratio vs plain Map          set ${(ours.setOps / map.setOps).toFixed(2)}x   get ${(ours.getOps / map.getOps).toFixed(2)}x`);
console.log(`linked list vs Map-reorder  set ${(ours.setOps / reorder.setOps).toFixed(2)}x   get ${(ours.getOps / reorder.getOps).toFixed(2)}x`);
