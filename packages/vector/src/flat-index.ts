import type { MetadataPredicate, VectorMetric, VectorQueryResult } from '@mastra-ts/core';
import { resolveQueryVector } from '@mastra-ts/core';
import type { ScanKernelName } from './kernels/scan-kernel.ts';
import { SlotTable } from './slot-table.ts';
import { TopKHeap } from './top-k-heap.ts';
import type { VectorIndex, VectorIndexEntry, VectorSearchOptions } from './vector-index.ts';

/** Settings of a `FlatIndex`. */
export interface FlatIndexSettings {
  dimension: number;
  /** Default `cosine`. */
  metric?: VectorMetric | undefined;
  /** Distance kernel; default `wasm-simd` where supported. */
  kernel?: ScanKernelName | undefined;
}

/**
 * An exact index: every query scans all rows of one contiguous float32 matrix with the SIMD kernel and keeps the
 * best `topK` in a bounded heap. Deletes move the last row into the hole, so rows stay dense.
 *
 * @example
 * const index = new FlatIndex({ dimension: 384 });
 * index.upsert([{ id: 'a', vector, metadata: { lang: 'en' } }]);
 * index.search(query, { topK: 5 });
 */
export class FlatIndex implements VectorIndex {
  readonly kind = 'flat' as const;
  readonly dimension: number;
  readonly metric: VectorMetric;
  readonly #table: SlotTable;
  #count = 0;

  constructor({ dimension, metric = 'cosine', kernel }: FlatIndexSettings) {
    this.dimension = dimension;
    this.metric = metric;
    this.#table = new SlotTable({ dimension, metric, kernel });
  }

  get size(): number {
    return this.#count;
  }

  get kernel(): ScanKernelName {
    return this.#table.matrix.kernel;
  }

  upsert(entries: readonly VectorIndexEntry[]): void {
    this.#table.validate(entries);
    for (const entry of entries) {
      const existing = this.#table.slotOf.get(entry.id);
      this.#table.write(existing ?? this.#count++, entry);
    }
  }

  delete(ids: Iterable<string>): string[] {
    const table = this.#table;
    const deleted: string[] = [];
    for (const id of ids) {
      const slot = table.slotOf.get(id);
      if (slot === undefined) continue;
      const last = --this.#count;
      if (slot !== last) table.move(last, slot);
      table.slotOf.delete(id);
      table.truncate(last);
      deleted.push(id);
    }
    return deleted;
  }

  matchingIds(filter: MetadataPredicate): string[] {
    const ids: string[] = [];
    for (let slot = 0; slot < this.#count; slot++) if (filter(this.#table.metadata[slot])) ids.push(this.#table.ids[slot]!);
    return ids;
  }

  has(id: string): boolean {
    return this.#table.slotOf.has(id);
  }

  get(id: string): VectorIndexEntry | undefined {
    const slot = this.#table.slotOf.get(id);
    return slot === undefined ? undefined : this.#table.entry(slot);
  }

  search(vector: ArrayLike<number>, options: VectorSearchOptions): VectorQueryResult[] {
    const table = this.#table;
    resolveQueryVector({ indexName: 'index', vector: vector as number[], topK: options.topK }, this.dimension);
    const matrix = table.matrix;
    matrix.setQuery(vector, table.normalize);
    const heap = new TopKHeap(options.topK, table.ids);
    const squared = table.squared;
    const filter = options.filter;
    if (filter === undefined) {
      const out = matrix.scan(-1, this.#count, squared);
      for (let slot = 0; slot < this.#count; slot++) {
        const key = squared ? -out[slot]! : out[slot]!;
        if (key >= heap.threshold) heap.push(slot, key);
      }
    } else {
      const slots = matrix.slots;
      let matches = 0;
      for (let slot = 0; slot < this.#count; slot++) if (filter(table.metadata[slot])) slots[matches++] = slot;
      const out = matrix.gather(-1, matches, squared);
      for (let index = 0; index < matches; index++) {
        const key = squared ? -out[index]! : out[index]!;
        if (key >= heap.threshold) heap.push(slots[index]!, key);
      }
    }
    const results = heap.sorted().map(({ slot, key }) => table.result(slot, key, options.includeVector));
    return options.minScore === undefined ? results : results.filter((result) => result.score >= options.minScore!);
  }

  *entries(): IterableIterator<VectorIndexEntry> {
    for (let slot = 0; slot < this.#count; slot++) yield this.#table.entry(slot);
  }
}
