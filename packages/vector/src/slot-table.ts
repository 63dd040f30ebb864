import { validateUpsertArgs, type JSONObject, type MetadataPredicate, type VectorMetric, type VectorQueryResult } from '@mastra-ts/core';
import { cloneJson } from './clone-json.ts';
import { EqualityPostings, type MetadataEquality } from './equality-postings.ts';
import type { ScanKernelName } from './kernels/scan-kernel.ts';
import type { VectorIndexEntry } from './vector-index.ts';
import { VectorMatrix } from './vector-matrix.ts';

/**
 * What both indexes keep per slot: the vector row (unit length for cosine), its original norm, the id,
 * metadata and document. Slot numbers index every column.
 */
export class SlotTable {
  readonly dimension: number;
  readonly metric: VectorMetric;
  readonly matrix: VectorMatrix;
  readonly normalize: boolean;
  readonly squared: boolean;
  ids: string[] = [];
  metadata: Array<JSONObject | undefined> = [];
  documents: Array<string | undefined> = [];
  norms: Float64Array = new Float64Array(64);
  readonly slotOf: Map<string, number> = new Map();
  /** Slots by metadata value for the fields filtered queries compare for equality; kept current by every write here. */
  readonly postings: EqualityPostings = new EqualityPostings();

  constructor({ dimension, metric, kernel }: { dimension: number; metric: VectorMetric; kernel?: ScanKernelName | undefined }) {
    this.dimension = dimension;
    this.metric = metric;
    this.normalize = metric === 'cosine';
    this.squared = metric === 'euclidean';
    this.matrix = new VectorMatrix({ dimension, ...(kernel ? { kernel } : {}) });
  }

  /** Validates a batch with core's rules (dimension, finite numbers, unique non-empty ids). */
  validate(entries: readonly VectorIndexEntry[]): void {
    validateUpsertArgs({ vectors: entries.map((entry) => entry.vector) as number[][], ids: entries.map((entry) => entry.id) }, this.dimension);
  }

  /** Writes an entry at `slot` (growing storage as needed). */
  write(slot: number, entry: VectorIndexEntry): void {
    this.matrix.ensureCapacity(slot + 1);
    if (slot >= this.norms.length) {
      const norms = new Float64Array(Math.max(this.norms.length * 2, slot + 1));
      norms.set(this.norms);
      this.norms = norms;
    }
    this.norms[slot] = this.matrix.write(slot, entry.vector, this.normalize);
    this.ids[slot] = entry.id;
    this.setMetadata(slot, entry.metadata === undefined ? undefined : cloneJson(entry.metadata));
    this.documents[slot] = entry.document;
    this.slotOf.set(entry.id, slot);
  }

  /** Replaces the metadata of `slot` (already cloned), keeping the posting lists current. */
  setMetadata(slot: number, metadata: JSONObject | undefined): void {
    this.postings.remove(slot, this.metadata[slot]);
    this.metadata[slot] = metadata;
    this.postings.add(slot, metadata);
  }

  /**
   * How to run a filtered search: the slots it may match, from the posting list of one of `equalities` (`undefined`:
   * no list applies, every slot in `[0, count)` may match), and the predicate still to test on them (none when the
   * filter is one equality and nothing else, `complete`, whose posting list holds exactly the matches).
   */
  plan(
    filter: MetadataPredicate,
    equalities: readonly MetadataEquality[] | undefined,
    complete: boolean | undefined,
    count: number,
  ): { candidates: ReadonlySet<number> | undefined; filter: MetadataPredicate | undefined } {
    const candidates = equalities?.length ? this.postings.candidates(equalities, this.metadata, count) : undefined;
    const exact = candidates !== undefined && complete === true && equalities!.length === 1;
    return { candidates, filter: exact ? undefined : filter };
  }

  /**
   * Writes to `matrix.slots` the slots among `candidates` (or in `[0, count)` without them) that are not `deleted` and
   * whose metadata `filter` accepts, in that order; returns how many.
   */
  collect(candidates: ReadonlySet<number> | undefined, count: number, filter: MetadataPredicate | undefined, deleted?: Uint8Array): number {
    const slots = this.matrix.slots;
    const metadata = this.metadata;
    let kept = 0;
    if (candidates !== undefined) {
      for (const slot of candidates) {
        if ((deleted === undefined || deleted[slot] === 0) && (filter === undefined || filter(metadata[slot]))) slots[kept++] = slot;
      }
    } else {
      for (let slot = 0; slot < count; slot++) {
        if ((deleted === undefined || deleted[slot] === 0) && (filter === undefined || filter(metadata[slot]))) slots[kept++] = slot;
      }
    }
    return kept;
  }

  /** Moves the entry at `from` into `to` (used by swap-remove). */
  move(from: number, to: number): void {
    this.matrix.copy(from, to);
    this.norms[to] = this.norms[from]!;
    const id = this.ids[from]!;
    this.ids[to] = id;
    this.setMetadata(to, this.metadata[from]);
    this.documents[to] = this.documents[from];
    this.slotOf.set(id, to);
  }

  truncate(length: number): void {
    for (let slot = length; slot < this.metadata.length; slot++) this.postings.remove(slot, this.metadata[slot]);
    this.ids.length = length;
    this.metadata.length = length;
    this.documents.length = length;
  }

  /** The vector as given (for cosine: the unit row times the stored norm), as float32 values. */
  vector(slot: number): number[] {
    const row = this.matrix.view(slot);
    if (!this.normalize) return Array.from(row);
    const norm = this.norms[slot]!;
    return Array.from(row, (value) => Math.fround(value * norm));
  }

  entry(slot: number): VectorIndexEntry {
    return {
      id: this.ids[slot]!,
      vector: this.vector(slot),
      metadata: this.metadata[slot] === undefined ? undefined : cloneJson(this.metadata[slot]),
      document: this.documents[slot],
    };
  }

  /** Kernel output (dot product or squared distance) to a higher-is-better key. */
  key(raw: number): number {
    return this.squared ? -raw : raw;
  }

  result(slot: number, key: number, includeVector: boolean | undefined): VectorQueryResult {
    const metadata = this.metadata[slot];
    return {
      id: this.ids[slot]!,
      score: this.squared ? 1 / (1 + Math.sqrt(Math.max(0, -key))) : key,
      metadata: metadata === undefined ? undefined : cloneJson(metadata),
      document: this.documents[slot],
      ...(includeVector ? { vector: this.vector(slot) } : {}),
    };
  }
}
