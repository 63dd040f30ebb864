import type { MetadataPredicate, VectorMetric, VectorQueryResult } from '@mastra-ts/core';
import { resolveQueryVector, TypeValidationError } from '@mastra-ts/core';
import type { ScanKernelName } from './kernels/scan-kernel.ts';
import { QuantizedRows } from './quantized-rows.ts';
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
  /**
   * Keep an int8 copy of the rows (25% more memory) and scan it first: rows that provably cannot reach the top k are
   * skipped, the rest are rescored in float32, so results stay exactly those of the float scan (default true with
   * the `wasm-simd` kernel from dimension 128).
   */
  int8Prefilter?: boolean | undefined;
  /**
   * Rows from which unfiltered queries scan the int8 copy first (default: 2^19 floats' worth, `2 ** 19 / dimension`
   * rows, at least 1,024); below it the float scan alone is as fast.
   */
  int8PrefilterMinRows?: number | undefined;
}

/**
 * The prefilter pays once the float rows outgrow the CPU's private caches: from 2^19 floats (2 MiB: 4,096 rows at 128
 * dimensions, 1,366 at 384, 1,024 from 512 up), never under 1,024 rows, nor under 128 dimensions (measured with cold
 * caches, `bench/run-all.ts --only=prefilter`: at 1,536 dimensions 1.3-1.9x faster at 1,500 rows, 2-2.4x at 4,096).
 */
const prefilterMinFloats = 2 ** 19;
const prefilterMinRows = 1024;
const prefilterMinDimension = 128;

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
  readonly #quantized: QuantizedRows | undefined;
  /** Rows from which a query scans the int8 copy first. */
  readonly #prefilterFrom: number;
  #count = 0;
  #lastCandidates = 0;
  #highs = new Float64Array(0);

  constructor({ dimension, metric = 'cosine', kernel, int8Prefilter, int8PrefilterMinRows }: FlatIndexSettings) {
    this.dimension = dimension;
    this.metric = metric;
    this.#table = new SlotTable({ dimension, metric, kernel });
    this.#quantized = (int8Prefilter ?? dimension >= prefilterMinDimension) && this.#table.matrix.kernel === 'wasm-simd' ? new QuantizedRows(dimension) : undefined;
    if (int8PrefilterMinRows !== undefined && (!Number.isSafeInteger(int8PrefilterMinRows) || int8PrefilterMinRows < 0)) {
      throw new TypeValidationError({
        value: int8PrefilterMinRows,
        context: 'FlatIndex settings',
        issues: [{ path: ['int8PrefilterMinRows'], message: `int8PrefilterMinRows must be a non-negative integer (rows), got ${String(int8PrefilterMinRows)}` }],
      });
    }
    this.#prefilterFrom = int8PrefilterMinRows ?? Math.max(prefilterMinRows, Math.ceil(prefilterMinFloats / dimension));
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
      const slot = existing ?? this.#count++;
      this.#table.write(slot, entry);
      this.#quantized?.write(slot, this.#table.matrix.view(slot));
    }
  }

  delete(ids: Iterable<string>): string[] {
    const table = this.#table;
    const deleted: string[] = [];
    for (const id of ids) {
      const slot = table.slotOf.get(id);
      if (slot === undefined) continue;
      const last = --this.#count;
      if (slot !== last) {
        table.move(last, slot);
        this.#quantized?.copy(last, slot);
      }
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
    const count = this.#count;
    let everyRow = options.filter === undefined;
    let matches = 0;
    if (!everyRow) {
      const plan = table.plan(options.filter!, options.equalities, options.equalitiesComplete, count);
      // a filter every row matches (one thread or user owning the index) is no filter: the dense scan, not a gather
      everyRow = plan.filter === undefined && plan.candidates!.size === count;
      if (!everyRow) matches = table.collect(plan.candidates, count, plan.filter);
    }
    if (everyRow && this.#quantized !== undefined && count >= this.#prefilterFrom && options.topK * 16 <= count) {
      this.#prefilteredScan(this.#quantized, heap);
    } else if (everyRow) {
      heap.offerAll(matrix.scan(-1, count, squared), count, squared);
    } else {
      heap.offerAll(matrix.gather(-1, matches, squared), matches, squared, matrix.slots);
    }
    const results = heap.sorted().map(({ slot, key }) => table.result(slot, key, options.includeVector));
    return options.minScore === undefined ? results : results.filter((result) => result.score >= options.minScore!);
  }

  /** Scans the int8 rows, keeps every row whose key bound reaches the k-th lower bound, rescores those in float32. */
  #prefilteredScan(quantized: QuantizedRows, heap: TopKHeap): void {
    const table = this.#table;
    const matrix = table.matrix;
    const count = this.#count;
    const dimension = this.dimension;
    const squared = table.squared;
    const query = matrix.floats.subarray(0, dimension);
    quantized.setQuery(query);
    let queryNormSquared = 0;
    for (let index = 0; index < dimension; index++) queryNormSquared += query[index]! * query[index]!;
    const queryNorm = Math.sqrt(queryNormSquared);
    const sums = quantized.scan(count);
    const scales = quantized.scales;
    const norms = table.norms;
    const relative = dimension * 2 ** -23 + 1e-6;
    const queryScale = quantized.queryScale;
    if (this.#highs.length < count) this.#highs = new Float64Array(this.#table.matrix.capacity);
    const highs = this.#highs;
    const bounds = new TopKHeap(heap.k, table.ids);
    const normalize = table.normalize;
    // the k-th best lower bound only changes when a row is pushed: read it then, not once per row
    let lowest = bounds.threshold;
    for (let slot = 0; slot < count; slot++) {
      const norm = norms[slot]!;
      const rowNorm = normalize ? (norm > 0 ? 1 : 0) : norm;
      const approximate = queryScale * scales[slot]! * sums[slot]!;
      const error = quantized.errorBound(slot);
      let low: number;
      let high: number;
      if (squared) {
        const rowNormSquared = rowNorm * rowNorm;
        const slack = relative * (queryNormSquared + rowNormSquared + 2 * queryNorm * rowNorm);
        low = 2 * (approximate - error) - queryNormSquared - rowNormSquared - slack;
        high = 2 * (approximate + error) - queryNormSquared - rowNormSquared + slack;
      } else {
        const slack = relative * queryNorm * rowNorm;
        low = approximate - error - slack;
        high = approximate + error + slack;
      }
      highs[slot] = high;
      if (low >= lowest) {
        bounds.push(slot, low);
        lowest = bounds.threshold;
      }
    }
    const threshold = bounds.threshold;
    const slots = matrix.slots;
    let candidates = 0;
    for (let slot = 0; slot < count; slot++) if (highs[slot]! >= threshold) slots[candidates++] = slot;
    heap.offerAll(matrix.gather(-1, candidates, squared), candidates, squared, slots);
    this.#lastCandidates = candidates;
  }

  /** Rows from which unfiltered queries take the int8 prefilter, or undefined when this index keeps no int8 copy. */
  get int8PrefilterMinRows(): number | undefined {
    return this.#quantized === undefined ? undefined : this.#prefilterFrom;
  }

  /** Rows rescored in float32 by the last int8-prefiltered query (diagnostics). */
  get lastPrefilterCandidates(): number {
    return this.#lastCandidates;
  }

  *entries(): IterableIterator<VectorIndexEntry> {
    for (let slot = 0; slot < this.#count; slot++) yield this.#table.entry(slot);
  }
}
