import { createLRUCache } from '../../src/index.ts';
import { createLRUCache as createPublic } from './lru-public.ts';
import { LRUCache } from 'lru-cache';
const capacity = 10_000, keySpace = 15_000, n = 1_000_000;
const keys = Array.from({ length: keySpace }, (_, i) => `key:${i}`);
let seed = 0x9e3779b9;
const rnd = (b: number) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % b; };
const resident = Uint32Array.from({ length: n }, () => keySpace - capacity + rnd(capacity));
const subjects: Record<string, [() => any, string, string]> = {
  ours: [() => createLRUCache<number>({ maxEntries: capacity }), 'getSync', 'setSync'],
  pub: [() => createPublic<number>({ maxEntries: capacity }), 'getSync', 'setSync'],
  theirs: [() => new LRUCache<string, number>({ max: capacity }), 'get', 'set'],
  map: [() => new Map(), 'get', 'set'],
};
const res: Record<string, number[]> = {};
const loops: Record<string, Function> = {};
let t = 0;
for (const [name, [make, g, s]] of Object.entries(subjects)) loops[name] = new Function('make', 'keys', 'order', `// ${t++}\nconst c = make(); for (let i = 0; i < keys.length; i++) c.${s}(keys[i], i);\nconst st = process.cpuUsage(); let h = 0; for (let i = 0; i < order.length; i++) if (c.${g}(keys[order[i]]) !== undefined) h++; const u = process.cpuUsage(st); return order.length / ((u.user + u.system) / 1e6);`);
for (let r = 0; r < 12; r++) for (const name of Object.keys(subjects)) { const ops = loops[name](subjects[name][0], keys, resident); if (r >= 2) (res[name] ??= []).push(ops); }
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(8), (v[v.length >> 1] / 1e6).toFixed(2), 'M get/s (all hits)'); }
