import { StorageError } from '@mastra-ts/core';
import { hnswKernelBase64 } from './hnsw-kernel-bytes.ts';

interface HnswKernelExports {
  configure(stride: number, nodes: number, rec: number, visited: number, visitedBytes: number, cand: number, res: number, squared: number, floats: number, scales: number): void;
  write_row(slot: number): void;
  write_query(): void;
  query_from(slot: number): void;
  dist(slot: number): number;
  pair(a: number, b: number): number;
  distances(list: number, count: number, out: number): void;
  search(entry: number, ef: number, mode: number): number;
  drain(slots: number, distances: number): number;
  select(slots: number, distances: number, count: number, limit: number, out: number): number;
  connect(from: number, to: number, limit: number, scratch: number): void;
  insert0(slot: number, entry: number, ef: number, m: number, m0: number, scratch: number): number;
}

const pageBytes = 65_536;
const maxPages = 65_536;
const align16 = (bytes: number): number => (bytes + 15) & ~15;
const align64 = (bytes: number): number => (bytes + 63) & ~63;
let cachedModule: WebAssembly.Module | null | undefined;

/** The compiled kernel module (`hnsw-kernel.wat`), or null when this runtime lacks relaxed SIMD. */
export function hnswKernelModule(): WebAssembly.Module | null {
  if (cachedModule === undefined) {
    const bytes = new Uint8Array(Buffer.from(hnswKernelBase64, 'base64'));
    cachedModule = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return cachedModule;
}

function kernelModule(): WebAssembly.Module {
  const module = hnswKernelModule();
  if (module === null) throw new StorageError({ store: 'vector', operation: 'createIndex', message: 'int8Search needs WebAssembly relaxed SIMD, which this runtime lacks: set int8Search: false' });
  return module;
}

/** Which nodes a search may return: all (inserts), live ones, or live ones the `accept` predicate takes. */
export type HnswSearchMode = 'all' | 'live' | 'accept';
const modes: Record<HnswSearchMode, number> = { all: 0, live: 1, accept: 2 };

/**
 * The level-0 graph of an HNSW index and an int8 copy of its rows in one WebAssembly memory, with the search,
 * neighbour selection and link repair of layer 0 in WebAssembly (`hnsw-kernel.wat`): a query is one call.
 * Each node record holds the int8 row, its scale, the squared norm of the float row, a tombstone flag and the links.
 */
export class HnswKernel {
  readonly dimension: number;
  /** Links per node on layer 0. */
  readonly m0: number;
  readonly stride: number;
  /** Bytes per node record. */
  readonly recordBytes: number;
  readonly #memory = new WebAssembly.Memory({ initial: 1, maximum: maxPages });
  readonly #exports: HnswKernelExports;
  #capacity = 0;
  #listOffset = 0;
  #outOffset = 0;
  #scratchOffset = 0;
  #floatsIndex = 0;
  readonly #nodes: number;
  #scalesOffset = 0;
  /** Predicate asked in `accept` mode. */
  accept: (slot: number) => boolean = () => true;
  bytes: Int8Array = new Int8Array(0);
  words: Int32Array = new Int32Array(0);
  floats: Float32Array = new Float32Array(0);
  /** Scratch slot list for `distances`, and results of `search` after `drain`. */
  list: Int32Array = new Int32Array(0);
  /** Scratch distances for `distances`, and results of `search` after `drain`. */
  out: Float32Array = new Float32Array(0);

  constructor({ dimension, m0, squared }: { dimension: number; m0: number; squared: boolean }) {
    this.dimension = dimension;
    this.m0 = m0;
    this.stride = align16(dimension);
    this.recordBytes = align64(this.stride + 20 + 4 * m0);
    this.#nodes = align64(this.stride);
    const instance = new WebAssembly.Instance(kernelModule(), {
      env: { memory: this.#memory, accept: (slot: number): number => (this.accept(slot) ? 1 : 0) },
    });
    this.#exports = instance.exports as unknown as HnswKernelExports;
    this.#squared = squared ? 1 : 0;
    this.ensureCapacity(64);
  }

  readonly #squared: number;

  get capacity(): number {
    return this.#capacity;
  }

  /** Word index of the link count of `slot` in `words` (its links follow). */
  linkWord(slot: number): number {
    return (this.#nodes + slot * this.recordBytes + this.stride + 16) >> 2;
  }

  /** Words per record: the distance between two slots' link lists in `words`. */
  get recordWords(): number {
    return this.recordBytes >> 2;
  }

  /** Grows to hold `rows` nodes, keeping records; scratch regions and visited marks are reset. */
  ensureCapacity(rows: number): void {
    if (rows <= this.#capacity) return;
    let capacity = Math.max(64, this.#capacity);
    while (capacity < rows) capacity *= 2;
    const nodes = this.#nodes;
    const scales = nodes + capacity * this.recordBytes;
    const visited = align64(scales + capacity * 4);
    const visitedBytes = align16(Math.ceil(capacity / 8));
    const cand = visited + visitedBytes;
    const res = cand + (capacity + 1) * 8;
    const list = res + (capacity + 1) * 8;
    const out = list + align16(capacity * 4);
    const scratch = out + align16(capacity * 4);
    const floats = align16(scratch + (2 * capacity + 3 * (this.m0 + 1)) * 4);
    // after the float row: up to 256 fresh neighbours (m0 <= 256) and their distances
    const needed = floats + this.stride * 4 + 2048;
    const pages = Math.ceil(needed / pageBytes);
    const current = this.#memory.buffer.byteLength / pageBytes;
    if (pages > maxPages) throw new RangeError(`${rows} HNSW nodes of dimension ${this.dimension} exceed the 4 GiB of one index`);
    if (pages > current) this.#memory.grow(pages - current);
    const buffer = this.#memory.buffer;
    if (this.#capacity > 0) new Uint8Array(buffer).copyWithin(scales, this.#scalesOffset, this.#scalesOffset + this.#capacity * 4);
    this.#scalesOffset = scales;
    new Uint8Array(buffer, floats, this.stride * 4).fill(0);
    this.#exports.configure(this.stride, nodes, this.recordBytes, visited, visitedBytes, cand, res, this.#squared, floats, scales);
    this.#floatsIndex = floats >> 2;
    this.#capacity = capacity;
    this.#listOffset = list;
    this.#outOffset = out;
    this.#scratchOffset = scratch;
    this.bytes = new Int8Array(buffer);
    this.words = new Int32Array(buffer);
    this.floats = new Float32Array(buffer);
    this.list = new Int32Array(buffer, list, capacity);
    this.out = new Float32Array(buffer, out, capacity);
  }

  /** Writes the int8 copy of float row `row` at `slot`, with no links and no tombstone. */
  write(slot: number, row: ArrayLike<number>): void {
    this.ensureCapacity(slot + 1);
    this.floats.set(row, this.#floatsIndex);
    this.#exports.write_row(slot);
  }

  setDeleted(slot: number, deleted: boolean): void {
    this.words[((this.#nodes + slot * this.recordBytes + this.stride) >> 2) + 2] = deleted ? 1 : 0;
  }

  /** Quantizes the (float, already normalised when cosine) query row. */
  setQuery(query: ArrayLike<number>): void {
    this.floats.set(query, this.#floatsIndex);
    this.#exports.write_query();
  }

  /** Makes row `slot` the query. */
  queryFrom(slot: number): void {
    this.#exports.query_from(slot);
  }

  /** Distance from the query to `slot` (lower is closer). */
  distance(slot: number): number {
    return this.#exports.dist(slot);
  }

  /** Distances from the query to `list[0..count]`, in `out`. */
  distances(count: number): Float32Array {
    this.#exports.distances(this.#listOffset, count, this.#outOffset);
    return this.out;
  }

  /** Distance between two rows. */
  pair(a: number, b: number): number {
    return this.#exports.pair(a, b);
  }

  /** Best-first search of layer 0 keeping `ef` results; they are in `list` / `out`, closest first. Returns the count. */
  search(entry: number, ef: number, mode: HnswSearchMode): number {
    this.#exports.search(entry, ef, modes[mode]);
    return this.#exports.drain(this.#listOffset, this.#outOffset);
  }

  /** The diversity heuristic over `list` / `out[0..count]` (sorted); kept slots land in `list` from `count` on. */
  select(count: number, limit: number): number {
    return this.#exports.select(this.#listOffset, this.#outOffset, count, limit, this.#listOffset + count * 4);
  }

  /** Links `to` into the layer-0 list of `from`, pruning with the heuristic when full. */
  connect(from: number, to: number): void {
    this.#exports.connect(from, to, this.m0, this.#scratchOffset);
  }

  /** Inserts `slot` into layer 0 from `entry`, linking it both ways; returns the closest node found. */
  insert0(slot: number, entry: number, ef: number, m: number): number {
    return this.#exports.insert0(slot, entry, ef, m, this.m0, this.#scratchOffset);
  }
}
