import type { MetadataPredicate, VectorMetric, VectorQueryResult } from '@mastra-ts/core';
import { maxEfSearch, resolveQueryVector, StorageError, TypeValidationError } from '@mastra-ts/core';
import { cloneJson } from './clone-json.ts';
import { DistanceHeap } from './distance-heap.ts';
import { hashFloat32 } from './float32-hash.ts';
import { decodeHnswGraph, encodeHnswGraph, type HnswGraphState } from './hnsw-graph-codec.ts';
import { HnswKernel, hnswKernelModule } from './kernels/hnsw-kernel.ts';
import type { ScanKernelName } from './kernels/scan-kernel.ts';
import { SeededRandom } from './seeded-random.ts';
import { SlotTable } from './slot-table.ts';
import { TopKHeap } from './top-k-heap.ts';
import type { VectorIndex, VectorIndexEntry, VectorSearchOptions } from './vector-index.ts';

/** Tuning of an HNSW graph. Every field has a default. */
export interface HnswSettings {
  /** Links per node on the upper layers; layer 0 keeps `2 * m` (default 24). */
  m?: number | undefined;
  /** Candidate list size while inserting: higher builds slower and recalls better (default 128). */
  efConstruction?: number | undefined;
  /** Candidate list size while querying, raised to `topK` when smaller (default 80). */
  efSearch?: number | undefined;
  /** Seed of the level generator: the same inserts in the same order build the same graph (default 42). */
  seed?: number | undefined;
  /** Rebuild the graph once tombstones exceed this fraction of its nodes (default 0.25). */
  compactionThreshold?: number | undefined;
  /** Filtered queries whose filter matches less than this fraction of entries scan the matches exactly (default 0.1). */
  exactFilterSelectivity?: number | undefined;
  /** Filtered queries matching at most this many entries scan them exactly (default 2048). */
  exactFilterMaxMatches?: number | undefined;
  /**
   * Walk the graph on an int8 copy of the vectors (a quarter of the memory traffic; 25% more memory) and rescore
   * the final candidates in float32 (default true from dimension 128 with the `wasm-simd` kernel).
   */
  int8Search?: boolean | undefined;
}

/** Settings of an `HnswIndex`. */
export interface HnswIndexSettings extends HnswSettings {
  dimension: number;
  /** Default `cosine`. */
  metric?: VectorMetric | undefined;
  /** Distance kernel; default `wasm-simd` where supported. */
  kernel?: ScanKernelName | undefined;
}

/** How the last query was answered (for tests and diagnostics). */
export type HnswQueryPath = 'graph' | 'filtered-graph' | 'exact-filter' | 'exact-top-up' | 'empty';

/** Counters of an `HnswIndex`. */
export interface HnswIndexStats {
  /** Nodes inserted into the graph since this object was created (restoring a saved graph inserts none). */
  graphInserts: number;
  /** Graph rebuilds triggered by tombstones. */
  compactions: number;
  /** Slots in the graph, including tombstones. */
  nodes: number;
  tombstones: number;
  lastQueryPath: HnswQueryPath | undefined;
  /** Whether queries walk the graph on int8 rows (then rescore in float32). */
  int8Search: boolean;
}

const sampleSize = 1024;
/** The int8 walk ranks well enough that the best `max(2 * topK, this)` candidates hold the float32 top k (measured). */
const rescoreMinimum = 20;
const maxLevel = 15;

interface ResolvedSettings {
  m: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
  compactionThreshold: number;
  exactFilterSelectivity: number;
  exactFilterMaxMatches: number;
}

function resolveSettings(settings: HnswSettings): ResolvedSettings {
  const resolved = {
    m: settings.m ?? 24,
    efConstruction: settings.efConstruction ?? 128,
    efSearch: settings.efSearch ?? 80,
    seed: settings.seed ?? 42,
    compactionThreshold: settings.compactionThreshold ?? 0.25,
    exactFilterSelectivity: settings.exactFilterSelectivity ?? 0.1,
    exactFilterMaxMatches: settings.exactFilterMaxMatches ?? 2048,
  };
  const integer = (field: keyof ResolvedSettings, min: number, max: number): void => {
    const value = resolved[field];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new TypeValidationError({ value, context: 'HNSW settings', issues: [{ path: [field], message: `${field} must be an integer from ${min} to ${max}, got ${String(value)}` }] });
    }
  };
  integer('m', 2, 128);
  integer('efConstruction', 1, 10_000);
  integer('efSearch', 1, maxEfSearch);
  integer('seed', 0, 2 ** 32 - 1);
  integer('exactFilterMaxMatches', 0, 2 ** 31 - 1);
  for (const field of ['compactionThreshold', 'exactFilterSelectivity'] as const) {
    const value = resolved[field];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new TypeValidationError({ value, context: 'HNSW settings', issues: [{ path: [field], message: `${field} must be a fraction from 0 to 1, got ${String(value)}` }] });
    }
  }
  return resolved;
}

/**
 * A hierarchical navigable small world graph (Malkov & Yashunin) over the same float32 matrix and SIMD kernel as
 * `FlatIndex`. Inserts are incremental; deletes leave tombstones that keep routing until the graph is rebuilt
 * past `compactionThreshold`. Filtered queries estimate the filter's selectivity and scan the matches exactly when
 * they are few, else walk the graph with a raised `ef`, and top up from an exact scan when fewer than `topK` came
 * back: a filter never silently drops matches.
 *
 * @example
 * const index = new HnswIndex({ dimension: 384, m: 24, efSearch: 96 });
 * index.upsert(entries);
 * index.search(query, { topK: 10, filter: compileMetadataFilter({ lang: 'en' }) });
 */
export class HnswIndex implements VectorIndex {
  readonly kind = 'hnsw' as const;
  readonly dimension: number;
  readonly metric: VectorMetric;
  readonly settings: Readonly<ResolvedSettings>;
  readonly #kernel: ScanKernelName | undefined;
  readonly #m0: number;
  readonly #levelFactor: number;
  #table: SlotTable;
  #random: SeededRandom;
  #slotCount = 0;
  #deletedCount = 0;
  #entry = -1;
  #maxLevel = -1;
  #levels = new Uint8Array(64);
  #deleted = new Uint8Array(64);
  #hashes = new Uint32Array(64);
  #links0 = new Int32Array(0);
  #upper: Array<Int32Array | undefined> = [];
  #visited = new Uint16Array(64);
  #epoch = 0;
  #graph: HnswKernel | undefined;
  readonly #int8: boolean;
  #distances = new Float64Array(64);
  readonly #candidates = new DistanceHeap(false);
  readonly #results = new DistanceHeap(true);
  #graphInserts = 0;
  #compactions = 0;
  #lastQueryPath: HnswQueryPath | undefined;

  constructor(settings: HnswIndexSettings) {
    this.settings = resolveSettings(settings);
    this.dimension = settings.dimension;
    this.metric = settings.metric ?? 'cosine';
    this.#kernel = settings.kernel;
    this.#m0 = this.settings.m * 2;
    this.#levelFactor = 1 / Math.log(this.settings.m);
    this.#table = new SlotTable({ dimension: this.dimension, metric: this.metric, kernel: settings.kernel });
    this.#random = new SeededRandom(this.settings.seed);
    this.#int8 = (settings.int8Search ?? (this.dimension >= 128 && hnswKernelModule() !== null)) && this.#table.matrix.kernel === 'wasm-simd';
    this.#graph = this.#newGraph();
    if (this.#graph === undefined) this.#links0 = new Int32Array(64 * (this.#m0 + 1));
  }

  #newGraph(): HnswKernel | undefined {
    return this.#int8 ? new HnswKernel({ dimension: this.dimension, m0: this.#m0, squared: this.#table.squared }) : undefined;
  }

  /** The list `#score` reads slots from. */
  #scoreList(): Int32Array {
    return this.#graph === undefined ? this.#table.matrix.slots : this.#graph.list;
  }

  /**
   * Distances (lower is closer) from the query (or row `query`) to the slots in `#scoreList()[0..count]`. With the
   * int8 graph, the query is whatever was last set on it (`setQuery` or `queryFrom`).
   */
  #score(query: number, count: number): ArrayLike<number> {
    if (this.#graph !== undefined) return this.#graph.distances(count);
    if (this.#distances.length < count) this.#distances = new Float64Array(Math.max(count, this.#distances.length * 2));
    const distances = this.#distances;
    const table = this.#table;
    const out = table.matrix.gather(query, count, table.squared);
    if (table.squared) for (let index = 0; index < count; index++) distances[index] = out[index]!;
    else for (let index = 0; index < count; index++) distances[index] = -out[index]!;
    return distances;
  }

  /** Throws `TypeValidationError` naming the first bad field of `settings`. */
  static validateSettings(settings: HnswSettings): void {
    resolveSettings(settings);
  }

  get size(): number {
    return this.#slotCount - this.#deletedCount;
  }

  get kernel(): ScanKernelName {
    return this.#table.matrix.kernel;
  }

  get stats(): HnswIndexStats {
    return {
      graphInserts: this.#graphInserts,
      compactions: this.#compactions,
      nodes: this.#slotCount,
      tombstones: this.#deletedCount,
      lastQueryPath: this.#lastQueryPath,
      int8Search: this.#graph !== undefined,
    };
  }

  #ensureSlots(count: number): void {
    if (count <= this.#levels.length) return;
    let capacity = this.#levels.length;
    while (capacity < count) capacity *= 2;
    const grow = <T extends Uint8Array | Uint32Array | Int32Array>(array: T, length: number, make: (length: number) => T): T => {
      const next = make(length);
      next.set(array as never);
      return next;
    };
    this.#levels = grow(this.#levels, capacity, (length) => new Uint8Array(length));
    this.#deleted = grow(this.#deleted, capacity, (length) => new Uint8Array(length));
    this.#hashes = grow(this.#hashes, capacity, (length) => new Uint32Array(length));
    this.#visited = new Uint16Array(capacity);
    this.#epoch = 0;
    if (this.#graph === undefined) this.#links0 = grow(this.#links0, capacity * (this.#m0 + 1), (length) => new Int32Array(length));
    else this.#graph.ensureCapacity(capacity);
  }

  upsert(entries: readonly VectorIndexEntry[]): void {
    const table = this.#table;
    table.validate(entries);
    for (const entry of entries) {
      const vector = entry.vector instanceof Float32Array ? entry.vector : Float32Array.from(entry.vector);
      const existing = table.slotOf.get(entry.id);
      if (existing !== undefined) {
        if (this.#sameVector(existing, vector)) {
          table.setMetadata(existing, entry.metadata === undefined ? undefined : cloneJson(entry.metadata));
          table.documents[existing] = entry.document;
          continue;
        }
        this.#tombstone(existing);
      }
      const slot = this.#slotCount++;
      this.#ensureSlots(this.#slotCount);
      table.write(slot, { ...entry, vector });
      this.#graph?.write(slot, table.matrix.view(slot));
      this.#hashes[slot] = hashFloat32(vector);
      this.#insert(slot);
    }
    this.#maybeCompact();
  }

  #sameVector(slot: number, vector: Float32Array): boolean {
    if (this.#hashes[slot] !== hashFloat32(vector)) return false;
    const table = this.#table;
    if (!table.matrix.equals(slot, vector, table.normalize)) return false;
    if (!table.normalize) return true;
    let squares = 0;
    for (let index = 0; index < vector.length; index++) squares += vector[index]! * vector[index]!;
    return Math.sqrt(squares) === table.norms[slot];
  }

  delete(ids: Iterable<string>): string[] {
    const deleted: string[] = [];
    for (const id of ids) {
      const slot = this.#table.slotOf.get(id);
      if (slot === undefined) continue;
      this.#tombstone(slot);
      deleted.push(id);
    }
    this.#maybeCompact();
    return deleted;
  }

  #tombstone(slot: number): void {
    this.#deleted[slot] = 1;
    this.#graph?.setDeleted(slot, true);
    this.#deletedCount++;
    this.#table.slotOf.delete(this.#table.ids[slot]!);
    this.#table.setMetadata(slot, undefined);
    this.#table.documents[slot] = undefined;
  }

  matchingIds(filter: MetadataPredicate): string[] {
    const ids: string[] = [];
    for (let slot = 0; slot < this.#slotCount; slot++) {
      if (this.#deleted[slot] === 0 && filter(this.#table.metadata[slot])) ids.push(this.#table.ids[slot]!);
    }
    return ids;
  }

  has(id: string): boolean {
    return this.#table.slotOf.has(id);
  }

  get(id: string): VectorIndexEntry | undefined {
    const slot = this.#table.slotOf.get(id);
    return slot === undefined ? undefined : this.#table.entry(slot);
  }

  *entries(): IterableIterator<VectorIndexEntry> {
    for (let slot = 0; slot < this.#slotCount; slot++) if (this.#deleted[slot] === 0) yield this.#table.entry(slot);
  }

  /** Rebuilds the graph from the live entries, dropping every tombstone. */
  compact(): void {
    const old = this.#table;
    const oldHashes = this.#hashes;
    const oldDeleted = this.#deleted;
    const oldCount = this.#slotCount;
    const table = new SlotTable({ dimension: this.dimension, metric: this.metric, kernel: this.#kernel });
    this.#table = table;
    this.#reset(oldCount - this.#deletedCount);
    for (let slot = 0; slot < oldCount; slot++) {
      if (oldDeleted[slot] === 1) continue;
      const target = this.#slotCount++;
      this.#ensureSlots(this.#slotCount);
      table.matrix.ensureCapacity(target + 1);
      table.matrix.floats.set(old.matrix.view(slot), table.matrix.rowStart(target));
      if (target >= table.norms.length) {
        const norms = new Float64Array(Math.max(table.norms.length * 2, target + 1));
        norms.set(table.norms);
        table.norms = norms;
      }
      table.norms[target] = old.norms[slot]!;
      table.ids[target] = old.ids[slot]!;
      table.setMetadata(target, old.metadata[slot]);
      table.documents[target] = old.documents[slot];
      table.slotOf.set(old.ids[slot]!, target);
      this.#hashes[target] = oldHashes[slot]!;
      this.#graph?.write(target, table.matrix.view(target));
      this.#insert(target);
    }
    this.#compactions++;
  }

  #reset(expected: number): void {
    this.#slotCount = 0;
    this.#deletedCount = 0;
    this.#entry = -1;
    this.#maxLevel = -1;
    const capacity = Math.max(64, expected);
    this.#levels = new Uint8Array(capacity);
    this.#deleted = new Uint8Array(capacity);
    this.#hashes = new Uint32Array(capacity);
    this.#visited = new Uint16Array(capacity);
    this.#epoch = 0;
    this.#graph = this.#newGraph();
    this.#graph?.ensureCapacity(capacity);
    this.#links0 = this.#graph === undefined ? new Int32Array(capacity * (this.#m0 + 1)) : new Int32Array(0);
    this.#upper = [];
  }

  #maybeCompact(): void {
    if (this.#deletedCount > 0 && this.#deletedCount >= this.settings.compactionThreshold * this.#slotCount && this.#slotCount >= 16) this.compact();
  }

  #distance(raw: number): number {
    return this.#table.squared ? raw : -raw;
  }

  #randomLevel(): number {
    const uniform = 1 - this.#random.next();
    return Math.min(maxLevel, Math.floor(-Math.log(uniform) * this.#levelFactor));
  }

  /** Offset of the link list (count first) of `slot` at `level` inside the returned array. */
  #links(slot: number, level: number): [Int32Array, number] {
    if (level === 0) return this.#graph === undefined ? [this.#links0, slot * (this.#m0 + 1)] : [this.#graph.words, this.#graph.linkWord(slot)];
    return [this.#upper[slot]!, (level - 1) * (this.settings.m + 1)];
  }

  #nextEpoch(): number {
    if (++this.#epoch === 0xffff) {
      this.#visited.fill(0);
      this.#epoch = 1;
    }
    return this.#epoch;
  }

  #pairDistance(from: number, to: number): number {
    if (this.#graph !== undefined) return this.#graph.pair(from, to);
    const matrix = this.#table.matrix;
    matrix.slots[0] = to;
    return this.#distance(matrix.gather(from, 1, this.#table.squared)[0]!);
  }

  #greedy(query: number, start: number, startDistance: number, level: number): [number, number] {
    let current = start;
    let currentDistance = startDistance;
    for (let changed = true; changed; ) {
      changed = false;
      const [links, offset] = this.#links(current, level);
      const count = links[offset]!;
      const slots = this.#scoreList();
      for (let index = 0; index < count; index++) slots[index] = links[offset + 1 + index]!;
      const scored = this.#score(query, count);
      for (let index = 0; index < count; index++) {
        const distance = scored[index]!;
        if (distance < currentDistance) {
          currentDistance = distance;
          current = slots[index]!;
          changed = true;
        }
      }
    }
    return [current, currentDistance];
  }

  /** Best-first search of one layer; fills `#results` (a max-heap of at most `ef` accepted nodes). */
  #searchLayer(query: number, entry: number, entryDistance: number, ef: number, level: number, accept: ((slot: number) => boolean) | undefined): void {
    const visited = this.#visited;
    const epoch = this.#nextEpoch();
    const candidates = this.#candidates;
    const results = this.#results;
    candidates.clear();
    results.clear();
    visited[entry] = epoch;
    candidates.push(entry, entryDistance);
    if (accept === undefined || accept(entry)) results.push(entry, entryDistance);
    let bound = results.size > 0 ? results.topDistance : Infinity;
    while (candidates.size > 0) {
      const current = candidates.topSlot;
      if (candidates.topDistance > bound && results.size >= ef) break;
      candidates.pop();
      const [links, offset] = this.#links(current, level);
      const count = links[offset]!;
      const slots = this.#scoreList();
      let fresh = 0;
      for (let index = 0; index < count; index++) {
        const neighbor = links[offset + 1 + index]!;
        if (visited[neighbor] !== epoch) {
          visited[neighbor] = epoch;
          slots[fresh++] = neighbor;
        }
      }
      if (fresh === 0) continue;
      const scored = this.#score(query, fresh);
      for (let index = 0; index < fresh; index++) {
        const distance = scored[index]!;
        if (results.size < ef || distance < bound) {
          const neighbor = slots[index]!;
          candidates.push(neighbor, distance);
          if (accept === undefined || accept(neighbor)) {
            results.push(neighbor, distance);
            if (results.size > ef) results.pop();
          }
          if (results.size > 0) bound = results.topDistance;
        }
      }
    }
  }

  /** The diversity heuristic (algorithm 4 of the paper): keep a candidate only if it is closer to the base than to every kept one. */
  #selectNeighbors(slots: number[], distances: number[], limit: number): number[] {
    if (slots.length <= limit) return slots;
    const graph = this.#graph;
    const matrix = this.#table.matrix;
    const squared = this.#table.squared;
    const kept: number[] = [];
    for (let index = 0; index < slots.length && kept.length < limit; index++) {
      const candidate = slots[index]!;
      const distance = distances[index]!;
      let good = true;
      if (graph !== undefined) {
        for (let position = 0; position < kept.length && good; position++) good = graph.pair(candidate, kept[position]!) >= distance;
      } else {
        const scratch = matrix.slots;
        for (let position = 0; position < kept.length; position++) scratch[position] = kept[position]!;
        const out = matrix.gather(candidate, kept.length, squared);
        for (let position = 0; position < kept.length && good; position++) good = (squared ? out[position]! : -out[position]!) >= distance;
      }
      if (good) kept.push(candidate);
    }
    return kept;
  }

  #setLinks(slot: number, level: number, neighbors: number[]): void {
    const [links, offset] = this.#links(slot, level);
    links[offset] = neighbors.length;
    for (let index = 0; index < neighbors.length; index++) links[offset + 1 + index] = neighbors[index]!;
  }

  #connect(from: number, to: number, level: number): void {
    if (level === 0 && this.#graph !== undefined) {
      this.#graph.connect(from, to);
      return;
    }
    const [links, offset] = this.#links(from, level);
    const limit = level === 0 ? this.#m0 : this.settings.m;
    const count = links[offset]!;
    if (count < limit) {
      links[offset + 1 + count] = to;
      links[offset] = count + 1;
      return;
    }
    const candidates = [to];
    for (let index = 0; index < count; index++) candidates.push(links[offset + 1 + index]!);
    const distances = new Array<number>(candidates.length);
    if (this.#graph !== undefined) {
      for (let index = 0; index < candidates.length; index++) distances[index] = this.#graph.pair(from, candidates[index]!);
    } else {
      const matrix = this.#table.matrix;
      for (let index = 0; index < candidates.length; index++) matrix.slots[index] = candidates[index]!;
      const out = matrix.gather(from, candidates.length, this.#table.squared);
      for (let index = 0; index < candidates.length; index++) distances[index] = this.#distance(out[index]!);
    }
    const order = candidates.map((_, index) => index).sort((a, b) => distances[a]! - distances[b]!);
    this.#setLinks(from, level, this.#selectNeighbors(order.map((index) => candidates[index]!), order.map((index) => distances[index]!), limit));
  }

  #insert(slot: number): void {
    this.#graphInserts++;
    const graph = this.#graph;
    const level = this.#randomLevel();
    this.#levels[slot] = level;
    this.#deleted[slot] = 0;
    const [links0, offset0] = this.#links(slot, 0);
    links0[offset0] = 0;
    this.#upper[slot] = level > 0 ? new Int32Array(level * (this.settings.m + 1)) : undefined;
    if (this.#entry < 0) {
      this.#entry = slot;
      this.#maxLevel = level;
      return;
    }
    graph?.queryFrom(slot);
    let current = this.#entry;
    let currentDistance = this.#pairDistance(slot, current);
    for (let layer = this.#maxLevel; layer > level; layer--) [current, currentDistance] = this.#greedy(slot, current, currentDistance, layer);
    const lowest = graph === undefined ? 0 : 1;
    for (let layer = Math.min(level, this.#maxLevel); layer >= lowest; layer--) {
      this.#searchLayer(slot, current, currentDistance, this.settings.efConstruction, layer, undefined);
      const { slots, distances } = this.#results.drainAscending();
      const neighbors = this.#selectNeighbors(slots, distances, this.settings.m);
      this.#setLinks(slot, layer, neighbors);
      for (const neighbor of neighbors) this.#connect(neighbor, slot, layer);
      current = slots[0]!;
      currentDistance = distances[0]!;
    }
    graph?.insert0(slot, current, this.settings.efConstruction, this.settings.m);
    if (level > this.#maxLevel) {
      this.#entry = slot;
      this.#maxLevel = level;
    }
  }

  /** Level-0 links as `count` lists of `2m + 1` words (count first), the saved layout. */
  #packedLinks0(count: number): Int32Array {
    const width = this.#m0 + 1;
    const graph = this.#graph;
    if (graph === undefined) return this.#links0.subarray(0, count * width);
    const packed = new Int32Array(count * width);
    const words = graph.words;
    for (let slot = 0; slot < count; slot++) {
      const start = graph.linkWord(slot);
      packed.set(words.subarray(start, start + width), slot * width);
    }
    return packed;
  }

  /** The graph (links, levels, ids, hashes, tombstoned rows) as one compact blob; live vectors are not included. */
  serializeGraph(): Uint8Array {
    const table = this.#table;
    const count = this.#slotCount;
    let upperLength = 0;
    for (let slot = 0; slot < count; slot++) upperLength += this.#levels[slot]! * (this.settings.m + 1);
    const upper = new Int32Array(upperLength);
    const tombstoneRows = new Float32Array(this.#deletedCount * this.dimension);
    const tombstoneNorms = new Float64Array(this.#deletedCount);
    let upperOffset = 0;
    let tombstone = 0;
    for (let slot = 0; slot < count; slot++) {
      const links = this.#upper[slot];
      if (links !== undefined) {
        upper.set(links, upperOffset);
        upperOffset += links.length;
      }
      if (this.#deleted[slot] === 1) {
        tombstoneRows.set(table.matrix.view(slot), tombstone * this.dimension);
        tombstoneNorms[tombstone++] = table.norms[slot]!;
      }
    }
    return encodeHnswGraph({
      dimension: this.dimension,
      metric: this.metric,
      m: this.settings.m,
      slotCount: count,
      entry: this.#entry,
      maxLevel: this.#maxLevel,
      randomState: this.#random.state,
      ids: table.ids.slice(0, count),
      hashes: this.#hashes.subarray(0, count),
      levels: this.#levels.subarray(0, count),
      deleted: this.#deleted.subarray(0, count),
      links0: this.#packedLinks0(count),
      upper,
      tombstoneRows,
      tombstoneNorms,
    });
  }

  /**
   * Opens an index from a blob of `serializeGraph` and the persisted documents, without re-inserting them.
   * Documents added or changed after the graph was saved are inserted; nodes whose document is gone become tombstones.
   * Throws `StorageError` when the blob does not match the settings (dimension, metric, m).
   */
  static restore(settings: HnswIndexSettings, graph: Uint8Array, documents: Iterable<VectorIndexEntry>): HnswIndex {
    const state = decodeHnswGraph(graph);
    const index = new HnswIndex(settings);
    if (state.dimension !== index.dimension || state.metric !== index.metric || state.m !== index.settings.m) {
      throw new StorageError({
        store: 'vector',
        operation: 'loadGraph',
        message: `saved graph has dimension ${state.dimension}, metric ${state.metric}, m ${state.m} but the index wants ${index.dimension}, ${index.metric}, ${index.settings.m}: rebuild it`,
      });
    }
    const pending = new Map<string, VectorIndexEntry>();
    for (const document of documents) pending.set(document.id, document);
    const count = state.slotCount;
    index.#ensureSlots(count);
    const table = index.#table;
    table.matrix.ensureCapacity(count);
    if (table.norms.length < count) table.norms = new Float64Array(count);
    let tombstone = 0;
    let deletedCount = 0;
    for (let slot = 0; slot < count; slot++) {
      const id = state.ids[slot]!;
      if (state.deleted[slot] === 0) {
        const document = pending.get(id);
        const vector = document === undefined ? undefined : document.vector instanceof Float32Array ? document.vector : Float32Array.from(document.vector);
        if (document !== undefined && vector !== undefined && vector.length === index.dimension && hashFloat32(vector) === state.hashes[slot]) {
          table.write(slot, { ...document, vector });
          pending.delete(id);
          continue;
        }
        table.ids[slot] = id;
        if (vector !== undefined && vector.length === index.dimension) table.norms[slot] = table.matrix.write(slot, vector, table.normalize);
      } else {
        table.matrix.floats.set(state.tombstoneRows.subarray(tombstone * index.dimension, (tombstone + 1) * index.dimension), table.matrix.rowStart(slot));
        table.norms[slot] = state.tombstoneNorms[tombstone++]!;
        table.ids[slot] = id;
      }
      index.#deleted[slot] = 1;
      deletedCount++;
    }
    index.#hashes.set(state.hashes);
    index.#levels.set(state.levels);
    const kernel = index.#graph;
    if (kernel === undefined) index.#links0.set(state.links0);
    else {
      const width = index.#m0 + 1;
      const words = kernel.words;
      for (let slot = 0; slot < count; slot++) {
        kernel.write(slot, table.matrix.view(slot));
        if (index.#deleted[slot] === 1) kernel.setDeleted(slot, true);
        words.set(state.links0.subarray(slot * width, (slot + 1) * width), kernel.linkWord(slot));
      }
    }
    let upperOffset = 0;
    for (let slot = 0; slot < count; slot++) {
      const length = state.levels[slot]! * (index.settings.m + 1);
      index.#upper[slot] = length > 0 ? state.upper.slice(upperOffset, upperOffset + length) : undefined;
      upperOffset += length;
    }
    index.#slotCount = count;
    index.#deletedCount = deletedCount;
    index.#entry = state.entry;
    index.#maxLevel = state.maxLevel;
    index.#random.state = state.randomState;
    if (pending.size > 0) index.upsert([...pending.values()]);
    else index.#maybeCompact();
    return index;
  }

  search(vector: ArrayLike<number>, options: VectorSearchOptions): VectorQueryResult[] {
    resolveQueryVector({ indexName: 'index', vector: vector as number[], topK: options.topK, ...(options.efSearch === undefined ? {} : { efSearch: options.efSearch }) }, this.dimension);
    const table = this.#table;
    table.matrix.setQuery(vector, table.normalize);
    const topK = options.topK;
    const live = this.size;
    if (live === 0) return this.#finish('empty', [], options);
    const filter = options.filter;
    const deleted = this.#deleted;
    const metadata = table.metadata;
    let ef = Math.max(options.efSearch ?? this.settings.efSearch, topK);
    let path: HnswQueryPath = 'graph';
    if (filter !== undefined) {
      // an equality's posting list bounds the matches exactly; otherwise a sample estimates them
      const plan = table.plan(filter, options.equalities, options.equalitiesComplete, this.#slotCount);
      const candidates = plan.candidates;
      const selectivity = candidates === undefined ? this.#estimateSelectivity(filter) : candidates.size / live;
      const estimatedMatches = selectivity * live;
      if (selectivity < this.settings.exactFilterSelectivity || estimatedMatches <= this.settings.exactFilterMaxMatches) {
        return this.#finish('exact-filter', this.#exact(plan.filter, topK, candidates), options);
      }
      ef = Math.min(live, Math.ceil(ef / selectivity));
      path = 'filtered-graph';
    }
    const graph = this.#graph;
    let slots: ArrayLike<number>;
    let distances: ArrayLike<number>;
    let found: number;
    if (graph !== undefined) {
      graph.setQuery(table.matrix.floats.subarray(0, this.dimension));
      let current = this.#entry;
      let currentDistance = graph.distance(current);
      for (let layer = this.#maxLevel; layer > 0; layer--) [current, currentDistance] = this.#greedy(-1, current, currentDistance, layer);
      if (filter !== undefined) graph.accept = (slot) => filter(metadata[slot]);
      found = graph.search(current, ef, filter !== undefined ? 'accept' : this.#deletedCount > 0 ? 'live' : 'all');
      slots = graph.list;
      distances = graph.out;
    } else {
      const accept = filter === undefined ? (this.#deletedCount === 0 ? undefined : (slot: number) => deleted[slot] === 0) : (slot: number) => deleted[slot] === 0 && filter(metadata[slot]);
      table.matrix.slots[0] = this.#entry;
      let [current, currentDistance] = [this.#entry, this.#score(-1, 1)[0]!];
      for (let layer = this.#maxLevel; layer > 0; layer--) [current, currentDistance] = this.#greedy(-1, current, currentDistance, layer);
      this.#searchLayer(-1, current, currentDistance, ef, 0, accept);
      const drained = this.#results.drainAscending();
      slots = drained.slots;
      distances = drained.distances;
      found = drained.slots.length;
    }
    if (found < Math.min(topK, live)) return this.#finish('exact-top-up', this.#exact(filter, topK), options);
    const heap = new TopKHeap(topK, table.ids);
    if (graph !== undefined) {
      const matrix = table.matrix;
      const listed = matrix.slots;
      const rescored = Math.min(found, Math.max(2 * topK, rescoreMinimum));
      for (let index = 0; index < rescored; index++) listed[index] = slots[index]!;
      heap.offerAll(matrix.gather(-1, rescored, table.squared), rescored, table.squared, listed);
    } else {
      for (let index = 0; index < found; index++) {
        const key = -distances[index]!;
        if (key >= heap.threshold) heap.push(slots[index]!, key);
      }
    }
    return this.#finish(path, heap.sorted(), options);
  }

  #finish(path: HnswQueryPath, ranked: Array<{ slot: number; key: number }>, options: VectorSearchOptions): VectorQueryResult[] {
    this.#lastQueryPath = path;
    const results = ranked.map(({ slot, key }) => this.#table.result(slot, key, options.includeVector));
    return options.minScore === undefined ? results : results.filter((result) => result.score >= options.minScore!);
  }

  #estimateSelectivity(filter: MetadataPredicate): number {
    const metadata = this.#table.metadata;
    const deleted = this.#deleted;
    const step = Math.max(1, Math.floor(this.#slotCount / sampleSize));
    let seen = 0;
    let matched = 0;
    for (let slot = 0; slot < this.#slotCount; slot += step) {
      if (deleted[slot] === 1) continue;
      seen++;
      if (filter(metadata[slot])) matched++;
    }
    return seen === 0 ? 0 : matched / seen;
  }

  /** Exact top-k over live (and matching) slots, among `candidates` when given; the query must already be set. */
  #exact(filter: MetadataPredicate | undefined, topK: number, candidates?: ReadonlySet<number>): Array<{ slot: number; key: number }> {
    const table = this.#table;
    const matrix = table.matrix;
    const count = table.collect(candidates, this.#slotCount, filter, this.#deleted);
    const heap = new TopKHeap(topK, table.ids);
    heap.offerAll(matrix.gather(-1, count, table.squared), count, table.squared, matrix.slots);
    return heap.sorted();
  }
}
