// Cache get/set throughput: @mastra-ts/cache createLRUCache vs lru-cache (and a plain Map), measured in the same run.
// Run: pnpm --filter @mastra-ts/cache bench            (ROUNDS=11 OPS=1000000 by default; env overrides)
//
// Fairness: every subject gets the same capacity, the same key strings, the same key order, the same values (small
// integers) and the same starting contents; both caches are strict LRU, so hits and evictions match and are checked.
// Each subject runs its own copy of the loop (its own inline caches); ours and lru-cache run back to back on each
// workload (order alternating) so machine drift hits both alike; two untimed rounds warm everything up; medians.
import { LRUCache } from 'lru-cache';
import { createLRUCache } from '../src/index.ts';

const capacity = 10_000;
const keySpace = 15_000; // > capacity: gets miss about a third of the time and sets evict
const operations = Number(process.env.OPS ?? 1_000_000);
const rounds = Number(process.env.ROUNDS ?? 11);
const warmupRounds = 2;
const keys = Array.from({ length: keySpace }, (_, index) => `key:${index}`);

let seed = 0x9e3779b9;
const random = (bound: number): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % bound;
};
/** Uniform random keys over the whole key space: with the entry limit binding ~2/3 of gets hit and ~1/3 of sets evict. */
const mixed = Uint32Array.from({ length: operations }, () => random(keySpace));
/** Random keys among the last `capacity` keys of the prefill: with the entry limit binding every get hits and moves an entry to the front. */
const resident = Uint32Array.from({ length: operations }, () => keySpace - capacity + random(capacity));
/** Keys cycling through the key space (larger than the capacity): every set inserts a new key and evicts. */
const cycling = Uint32Array.from({ length: operations }, (_, index) => (index * 7919) % keySpace);
/** The prefill: every key once in order, leaving the last `capacity` keys resident. */
const prefill = Uint32Array.from({ length: keySpace }, (_, index) => index);

interface Workload {
  name: string;
  op: 'get' | 'set';
  order: Uint32Array;
}
const workloads: Workload[] = [
  { name: 'get (random keys)', op: 'get', order: mixed },
  { name: 'get (hot keys)', op: 'get', order: resident },
  { name: 'set (random keys)', op: 'set', order: mixed },
  { name: 'set (new keys)', op: 'set', order: cycling },
];

type Loop = (cache: unknown, keys: string[], order: Uint32Array) => number;
interface Subject {
  name: string;
  make: () => unknown;
  get: Loop;
  set: Loop;
}

const entryBytes = 100;
const sizeOf = (value: number): number => entryBytes + (value & 7);

let subjectCount = 0;
// a fresh function per subject (the comment makes the source unique), so no subject shares another's inline caches
function loops(getMethod: string, setMethod: string): { get: Loop; set: Loop } {
  const tag = `// subject ${subjectCount++}\n`;
  const get = new Function('cache', 'keys', 'order', `${tag}let hits = 0;\nfor (let i = 0; i < order.length; i++) if (cache.${getMethod}(keys[order[i]]) !== undefined) hits++;\nreturn hits;`) as Loop;
  const set = new Function('cache', 'keys', 'order', `${tag}for (let i = 0; i < order.length; i++) cache.${setMethod}(keys[order[i]], i);\nreturn cache.size;`) as Loop;
  return { get, set };
}

const subjects: Subject[] = [
  { name: 'Map (no eviction, floor)', make: () => new Map<string, number>(), ...loops('get', 'set') },
  { name: 'lru-cache (max)', make: () => new LRUCache<string, number>({ max: capacity }), ...loops('get', 'set') },
  { name: 'createLRUCache (sync)', make: () => createLRUCache<number>({ maxEntries: capacity }), ...loops('getSync', 'setSync') },
  { name: 'lru-cache (max + ttl)', make: () => new LRUCache<string, number>({ max: capacity, ttl: 600_000, ttlAutopurge: false }), ...loops('get', 'set') },
  { name: 'createLRUCache (sync, ttl)', make: () => createLRUCache<number>({ maxEntries: capacity, ttlMs: 600_000, sweepIntervalMs: false }), ...loops('getSync', 'setSync') },
  // a byte budget that binds before the entry limit; both measure an entry with the same function
  { name: 'lru-cache (maxSize)', make: () => new LRUCache<string, number>({ max: capacity, maxSize: entryBytes * capacity * 0.9, sizeCalculation: sizeOf }), ...loops('get', 'set') },
  { name: 'createLRUCache (maxBytes)', make: () => createLRUCache<number>({ maxEntries: capacity, maxBytes: entryBytes * capacity * 0.9, sizeOf }), ...loops('getSync', 'setSync') },
];
const pairs: Array<[ours: string, theirs: string]> = [
  ['createLRUCache (sync)', 'lru-cache (max)'],
  ['createLRUCache (sync, ttl)', 'lru-cache (max + ttl)'],
  ['createLRUCache (maxBytes)', 'lru-cache (maxSize)'],
];

// process CPU time (user + system) rather than wall time: it stays meaningful on a shared, loaded machine
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const usage = process.cpuUsage(since);
  return (usage.user + usage.system) / 1_000_000;
};

function measure(subject: Subject, workload: Workload): { ops: number; outcome: number } {
  const cache = subject.make();
  subject.set(cache, keys, prefill);
  const loop = workload.op === 'get' ? subject.get : subject.set;
  const start = process.cpuUsage();
  const outcome = loop(cache, keys, workload.order);
  return { ops: workload.order.length / cpuSeconds(start), outcome };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

console.log(`cache throughput per CPU second, node ${process.version}: ${operations.toLocaleString()} ops per measurement, capacity ${capacity}, ${keySpace} keys, ${warmupRounds} warm-up + ${rounds} rounds, ours and lru-cache back to back, medians`);
const samples = new Map<string, number[]>();
const pairedRatios = new Map<string, number[]>();
const outcomes = new Map<string, Set<number>>();
const byName = new Map(subjects.map((subject) => [subject.name, subject]));
// a unit is one workload on the Map floor or on a pair (ours, theirs) measured back to back, so that whatever else
// the machine does at that moment weighs on both sides of the ratio; the order of units and within pairs rotates
const units = workloads.flatMap((workload) => [[subjects[0]!.name], ...pairs].map((names) => ({ workload, names })));
for (let round = 0; round < warmupRounds + rounds; round++) {
  for (let offset = 0; offset < units.length; offset++) {
    const { workload, names } = units[(offset + round * 5) % units.length]!;
    const ordered = round % 2 === 0 ? names : [...names].reverse();
    const measured = new Map<string, number>();
    for (const name of ordered) {
      const { ops, outcome } = measure(byName.get(name)!, workload);
      measured.set(name, ops);
      if (!name.startsWith('Map')) {
        // both caches are strict LRU: the same hits (get) and the same final size (set) prove the same work was done
        const id = `${names.join(' vs ')}|${workload.name}`;
        outcomes.set(id, (outcomes.get(id) ?? new Set<number>()).add(outcome));
      }
    }
    if (round < warmupRounds) continue;
    for (const [name, ops] of measured) samples.set(`${name}|${workload.name}`, [...(samples.get(`${name}|${workload.name}`) ?? []), ops]);
    if (names.length === 2) {
      const id = `${names[0]}|${workload.name}`;
      pairedRatios.set(id, [...(pairedRatios.get(id) ?? []), measured.get(names[0]!)! / measured.get(names[1]!)!]);
    }
  }
}
for (const subject of subjects) {
  for (const workload of workloads) {
    const measured = samples.get(`${subject.name}|${workload.name}`);
    if (measured === undefined) continue;
    console.log(`${subject.name.padEnd(28)} ${workload.name.padEnd(20)} ${(median(measured) / 1e6).toFixed(2).padStart(6)} M ops/s`);
  }
}
for (const [workload, seen] of outcomes) if (seen.size !== 1) throw new Error(`subjects disagree on ${workload}: ${[...seen].join(', ')}`);

console.log('');
console.log('ratio = ours / lru-cache: median of the back-to-back pairs (and the spread of the pairs)');
for (const [ours, theirs] of pairs) {
  for (const workload of workloads) {
    const ratios = pairedRatios.get(`${ours}|${workload.name}`)!;
    const sorted = [...ratios].sort((a, b) => a - b);
    const quartile = (q: number): string => sorted[Math.round(q * (sorted.length - 1))]!.toFixed(2);
    console.log(`${ours} / ${theirs}`.padEnd(52) + `${workload.name.padEnd(20)} ${median(ratios).toFixed(2)}x   (min ${quartile(0)}, q1 ${quartile(0.25)}, q3 ${quartile(0.75)}, max ${quartile(1)})`);
  }
}
for (const [id, seen] of outcomes) {
  const [pair, workload] = id.split('|');
  const hits = [...seen][0]!;
  if (workload!.startsWith('get')) console.log(`${pair.padEnd(52)} ${workload!.padEnd(20)} ${((hits / operations) * 100).toFixed(1)} % of gets hit, the same for both`);
}

const cache = createLRUCache<number>({ maxEntries: capacity });
for (const index of prefill) cache.setSync(keys[index]!, index);
let start = process.cpuUsage();
for (let index = 0; index < mixed.length; index++) await cache.set(keys[mixed[index]!]!, index);
const asyncSet = mixed.length / cpuSeconds(start);
start = process.cpuUsage();
for (let index = 0; index < mixed.length; index++) await cache.get(keys[mixed[index]!]!);
const asyncGet = mixed.length / cpuSeconds(start);
console.log(`createLRUCache async Cache API (await per call, 1 run): set ${(asyncSet / 1e6).toFixed(2)} M ops/s, get ${(asyncGet / 1e6).toFixed(2)} M ops/s`);
