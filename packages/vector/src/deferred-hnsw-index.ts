import { StorageError, type MetadataPredicate, type VectorMetric, type VectorQueryResult } from '@mastra-ts/core';
import { FlatIndex } from './flat-index.ts';
import { hashFloat32 } from './float32-hash.ts';
import { decodeHnswGraph } from './hnsw-graph-codec.ts';
import { HnswIndex, type HnswIndexSettings } from './hnsw-index.ts';
import type { VectorIndex, VectorIndexEntry, VectorSearchOptions } from './vector-index.ts';

/** Settings of a `DeferredHnswIndex`. */
export interface DeferredHnswIndexSettings extends HnswIndexSettings {
  /** `background` (default): new vectors wait in an exact tail and enter the graph in slices between other work; `inline`: before `upsert` returns. */
  graphIndexing?: 'background' | 'inline' | undefined;
  /** Longest run of graph inserts between two turns of the event loop, in ms (default 8). */
  sliceMs?: number | undefined;
  /** Called after graph inserts and compactions with the number of graph nodes that changed. */
  onGraphChange?: ((changed: number) => void) | undefined;
  /**
   * The embeddings of graph entries exactly as written (e.g. read back from persistence), used by compaction. Without
   * it, compaction uses the rows the graph keeps (unit length for cosine, so rescaled within float32 rounding).
   */
  loadEmbeddings?: ((ids: readonly string[]) => Promise<Map<string, Float32Array>>) | undefined;
}

/** Columns of persisted documents, as `VectorPersistence.loadIndex` returns them. */
export interface DocumentColumns {
  ids: readonly string[];
  vectors: Float32Array;
  contents: ReadonlyArray<string | undefined>;
  metadata: ReadonlyArray<VectorIndexEntry['metadata']>;
}

/** Counters of a `DeferredHnswIndex`. */
export interface DeferredHnswIndexStats {
  /** Vectors searchable in the exact tail, waiting for their graph insert. */
  pending: number;
  /** Graph rebuilds run in the background. */
  compactions: number;
  /** Whether a rebuild is under way (queries use the old graph until it is done). */
  compacting: boolean;
}

const batchSize = 16;
const compactionChunk = 512;

interface Compaction {
  /** Ids deleted or replaced in the old graph since the rebuild started. */
  removed: Set<string>;
  /** In-place updates (same embedding, new metadata or document) since the rebuild started, to replay. */
  updated: Map<string, VectorIndexEntry>;
}


/**
 * An `HnswIndex` whose inserts are taken off the write path: upserted vectors land in an exact tail (a `FlatIndex`)
 * at once and move into the graph in time-boxed slices on later turns of the event loop. Queries search the graph
 * and scan the tail, and merge both, so a vector is found from the moment `upsert` returns. An id lives in exactly one
 * of the two; re-upserting a graph vector with the same embedding updates it in place, with another embedding
 * tombstones it and queues the new one. Tombstones are compacted by rebuilding the graph in background slices while
 * queries use the old one (twice the graph memory meanwhile), never inside a write.
 * Entries must be validated by the caller (`validateUpsertArgs`).
 */
export class DeferredHnswIndex implements VectorIndex {
  readonly kind = 'hnsw' as const;
  readonly dimension: number;
  readonly metric: VectorMetric;
  #graph: HnswIndex;
  readonly #hnsw: HnswIndexSettings;
  readonly #loadEmbeddings: DeferredHnswIndexSettings['loadEmbeddings'];
  #compaction: Compaction | undefined;
  #compactionTimer: NodeJS.Immediate | undefined;
  #compactionFailed = false;
  readonly #tail: FlatIndex;
  /** Tail entries in arrival order, with their embedding as given (its hash is what the saved graph records). */
  readonly #pending = new Map<string, VectorIndexEntry & { vector: Float32Array }>();
  /** Embedding hash of every live graph node, by id. */
  #graphHashes = new Map<string, number>();
  readonly #inline: boolean;
  readonly #sliceMs: number;
  readonly #compactionThreshold: number;
  readonly #onGraphChange: ((changed: number) => void) | undefined;
  #timer: NodeJS.Immediate | undefined;
  #waiters: Array<() => void> = [];
  /** Waiters of `drainedTo`, by the pending count they wait for. */
  #drainWaiters: Array<{ limit: number; resolve: () => void }> = [];
  #compactions = 0;
  #closed = false;

  constructor(settings: DeferredHnswIndexSettings, graph?: HnswIndex) {
    const { graphIndexing, sliceMs, onGraphChange, loadEmbeddings, ...hnsw } = settings;
    this.#hnsw = { ...hnsw, compactionThreshold: 1 };
    this.#loadEmbeddings = loadEmbeddings;
    this.#graph = graph ?? new HnswIndex(this.#hnsw);
    this.dimension = this.#graph.dimension;
    this.metric = this.#graph.metric;
    // the int8 prefilter costs more to maintain than it saves on a tail that is emptied as fast as it fills
    this.#tail = new FlatIndex({ dimension: this.dimension, metric: this.metric, kernel: settings.kernel, int8Prefilter: false });
    this.#inline = graphIndexing === 'inline';
    this.#sliceMs = sliceMs ?? 8;
    this.#compactionThreshold = settings.compactionThreshold ?? 0.25;
    this.#onGraphChange = onGraphChange;
  }

  /**
   * Opens an index from persisted documents and a saved graph blob (or null). Documents the graph holds with the same
   * embedding are restored into it without inserts; the rest (newer than the blob, changed since, or all of them
   * when the blob is unreadable or was built with other settings) go to the tail and are inserted in the background.
   */
  static load(settings: DeferredHnswIndexSettings, documents: DocumentColumns, graphBytes: Uint8Array | null): DeferredHnswIndex {
    const { dimension } = settings;
    const entry = (position: number): VectorIndexEntry & { vector: Float32Array } => ({
      id: documents.ids[position]!,
      vector: documents.vectors.subarray(position * dimension, (position + 1) * dimension),
      metadata: documents.metadata[position],
      document: documents.contents[position],
    });
    const restored: Array<VectorIndexEntry & { vector: Float32Array }> = [];
    const hashes = new Map<string, number>();
    const rest: Array<VectorIndexEntry & { vector: Float32Array }> = [];
    let graph: HnswIndex | undefined;
    if (graphBytes !== null) {
      try {
        const state = decodeHnswGraph(graphBytes);
        const liveSlot = new Map<string, number>();
        for (let slot = 0; slot < state.slotCount; slot++) if (state.deleted[slot] === 0) liveSlot.set(state.ids[slot]!, slot);
        for (let position = 0; position < documents.ids.length; position++) {
          const document = entry(position);
          const slot = liveSlot.get(document.id);
          if (slot === undefined) {
            rest.push(document);
          } else {
            restored.push(document);
            hashes.set(document.id, state.hashes[slot]!);
          }
        }
        const { graphIndexing, sliceMs, onGraphChange, loadEmbeddings, ...hnsw } = settings;
        // restore checks each embedding against the hash it was saved with and re-inserts the ones that changed
        graph = HnswIndex.restore({ ...hnsw, compactionThreshold: 1 }, graphBytes, restored);
        if (graph.stats.graphInserts > 0) for (const document of restored) hashes.set(document.id, hashFloat32(document.vector));
      } catch (error) {
        if (!StorageError.isInstance(error)) throw error;
        graph = undefined;
      }
    }
    if (graph === undefined) {
      hashes.clear();
      rest.length = 0;
      for (let position = 0; position < documents.ids.length; position++) rest.push(entry(position));
    }
    const index = new DeferredHnswIndex(settings, graph);
    index.#graphHashes = hashes;
    index.#enqueue(rest);
    return index;
  }

  /** The HNSW graph (without the tail), for diagnostics. */
  get graph(): HnswIndex {
    return this.#graph;
  }

  get stats(): DeferredHnswIndexStats {
    return { pending: this.#pending.size, compactions: this.#compactions, compacting: this.#compaction !== undefined };
  }

  get size(): number {
    return this.#graph.size + this.#tail.size;
  }

  upsert(entries: readonly VectorIndexEntry[]): void {
    const inPlace: VectorIndexEntry[] = [];
    const queued: Array<VectorIndexEntry & { vector: Float32Array }> = [];
    const replaced: string[] = [];
    for (const entry of entries) {
      const vector = entry.vector instanceof Float32Array ? entry.vector : Float32Array.from(entry.vector);
      const known = this.#graphHashes.get(entry.id);
      if (known !== undefined && known === hashFloat32(vector)) {
        inPlace.push(entry);
        continue;
      }
      if (known !== undefined) replaced.push(entry.id);
      queued.push(vector === entry.vector ? (entry as VectorIndexEntry & { vector: Float32Array }) : { ...entry, vector });
    }
    if (replaced.length > 0) {
      this.#graph.delete(replaced);
      for (const id of replaced) {
        this.#graphHashes.delete(id);
        this.#compaction?.removed.add(id);
      }
    }
    if (inPlace.length > 0) {
      this.#graph.upsert(inPlace);
      for (const entry of inPlace) this.#compaction?.updated.set(entry.id, entry);
    }
    this.#enqueue(queued);
  }

  #enqueue(entries: ReadonlyArray<VectorIndexEntry & { vector: Float32Array }>): void {
    if (entries.length === 0) return;
    this.#tail.upsert(entries);
    for (const entry of entries) {
      this.#pending.delete(entry.id);
      this.#pending.set(entry.id, entry);
    }
    if (this.#inline) this.#work(Number.POSITIVE_INFINITY);
    else this.#schedule();
  }

  delete(ids: Iterable<string>): string[] {
    const deleted: string[] = [];
    const fromGraph: string[] = [];
    for (const id of ids) {
      if (this.#pending.delete(id)) {
        this.#tail.delete([id]);
        deleted.push(id);
      } else if (this.#graphHashes.delete(id)) {
        fromGraph.push(id);
        deleted.push(id);
        this.#compaction?.removed.add(id);
      }
    }
    if (fromGraph.length > 0) this.#graph.delete(fromGraph);
    if (this.#needsCompaction()) this.#schedule();
    return deleted;
  }

  matchingIds(filter: MetadataPredicate): string[] {
    const ids = this.#graph.matchingIds(filter);
    if (this.#tail.size > 0) ids.push(...this.#tail.matchingIds(filter));
    return ids;
  }

  has(id: string): boolean {
    return this.#pending.has(id) || this.#graph.has(id);
  }

  get(id: string): VectorIndexEntry | undefined {
    return this.#pending.has(id) ? this.#tail.get(id) : this.#graph.get(id);
  }

  search(vector: ArrayLike<number>, options: VectorSearchOptions): VectorQueryResult[] {
    const fromGraph = this.#graph.size > 0 || this.#tail.size === 0 ? this.#graph.search(vector, options) : [];
    if (this.#tail.size === 0) return fromGraph;
    const fromTail = this.#tail.search(vector, options);
    if (fromGraph.length === 0) return fromTail;
    const merged = fromGraph.concat(fromTail);
    merged.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return merged.length > options.topK ? merged.slice(0, options.topK) : merged;
  }

  *entries(): IterableIterator<VectorIndexEntry> {
    yield* this.#graph.entries();
    yield* this.#tail.entries();
  }

  /** Resolves once every pending vector is in the graph and no compaction is due. */
  settled(): Promise<void> {
    if (this.#closed || (this.#pending.size === 0 && this.#compaction === undefined && !this.#needsCompaction())) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#schedule();
      this.#timer?.ref();
      this.#compactionTimer?.ref();
    });
  }

  /**
   * Resolves once at most `limit` vectors wait for the graph (at once when a rebuild is under way: the tail is not
   * drained meanwhile). Writers await it to apply backpressure, so the exact tail stays small enough to scan.
   */
  drainedTo(limit: number): Promise<void> {
    if (this.#closed || this.#pending.size <= limit || this.#compaction !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drainWaiters.push({ limit, resolve });
      this.#schedule();
      this.#timer?.ref();
    });
  }

  /** Stops background work (the index was dropped); pending waiters resolve. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
    this.#release();
  }

  #needsCompaction(): boolean {
    if (this.#compaction !== undefined || this.#compactionFailed) return false;
    const { nodes, tombstones } = this.#graph.stats;
    return tombstones > 0 && nodes >= 16 && tombstones >= this.#compactionThreshold * nodes;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed || this.#compaction !== undefined) return;
    const timer = setImmediate(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      this.#work(this.#sliceMs);
      this.#releaseDrained(false);
      if (this.#pending.size > 0) this.#schedule();
      else if (this.#needsCompaction()) {
        this.#compact().catch(() => {
          // keep the old graph (tombstones only cost recall work) and stop retrying
          this.#compactionFailed = true;
          this.#release();
        });
      }
      else this.#release();
    });
    // background work alone does not keep a process alive (rows are durable; a later open indexes what is missing)
    if (this.#waiters.length === 0 && this.#drainWaiters.length === 0) timer.unref();
    this.#timer = timer;
  }

  #release(): void {
    this.#releaseDrained(true);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  #releaseDrained(all: boolean): void {
    if (this.#drainWaiters.length === 0) return;
    const size = this.#pending.size;
    const ready = all ? this.#drainWaiters : this.#drainWaiters.filter((waiter) => size <= waiter.limit);
    if (ready.length === 0) return;
    this.#drainWaiters = all ? [] : this.#drainWaiters.filter((waiter) => size > waiter.limit);
    for (const waiter of ready) waiter.resolve();
  }

  /** Inserts pending vectors into the graph for up to `budgetMs` (not while a rebuild runs). */
  #work(budgetMs: number): void {
    if (this.#compaction !== undefined) return;
    const start = performance.now();
    let changed = 0;
    const batch: Array<VectorIndexEntry & { vector: Float32Array }> = [];
    while (this.#pending.size > 0) {
      batch.length = 0;
      for (const entry of this.#pending.values()) {
        batch.push(entry);
        if (batch.length === batchSize) break;
      }
      this.#graph.upsert(batch);
      const ids = batch.map((entry) => entry.id);
      this.#tail.delete(ids);
      for (const entry of batch) {
        this.#pending.delete(entry.id);
        this.#graphHashes.set(entry.id, hashFloat32(entry.vector));
      }
      changed += batch.length;
      if (performance.now() - start >= budgetMs) break;
    }
    if (changed > 0) this.#onGraphChange?.(changed);
  }

  /**
   * Rebuilds the graph without its tombstones, in slices: queries keep using the old graph (writes keep updating it,
   * new vectors wait in the tail) until the new one has every live entry; changes made meanwhile are replayed on it
   * before the swap, in the same turn.
   */
  async #compact(): Promise<void> {
    const compaction: Compaction = { removed: new Set(), updated: new Map() };
    this.#compaction = compaction;
    this.#releaseDrained(true);
    const old = this.#graph;
    const next = new HnswIndex(this.#hnsw);
    const ids = old.matchingIds(() => true);
    try {
      for (let start = 0; start < ids.length && !this.#closed; start += compactionChunk) {
        const chunk = ids.slice(start, start + compactionChunk);
        const embeddings = this.#loadEmbeddings === undefined ? undefined : await this.#loadEmbeddings(chunk).catch(() => undefined);
        let position = 0;
        while (position < chunk.length && !this.#closed) {
          await new Promise<void>((resolve) => {
            const timer = setImmediate(resolve);
            if (this.#waiters.length === 0) timer.unref();
            this.#compactionTimer = timer;
          });
          const sliceStart = performance.now();
          while (position < chunk.length && performance.now() - sliceStart < this.#sliceMs) {
            const id = chunk[position++]!;
            const hash = this.#graphHashes.get(id);
            const current = hash === undefined ? undefined : old.get(id);
            if (current === undefined) continue;
            const written = embeddings?.get(id);
            const vector = written !== undefined && hashFloat32(written) === hash ? written : Float32Array.from(current.vector);
            next.upsert([{ ...current, vector }]);
          }
        }
      }
    } finally {
      this.#compaction = undefined;
      this.#compactionTimer = undefined;
    }
    if (this.#closed) return;
    const gone = [...compaction.removed].filter((id) => next.has(id));
    if (gone.length > 0) next.delete(gone);
    const replay = [...compaction.updated.values()].filter((entry) => next.has(entry.id) && this.#graphHashes.has(entry.id));
    if (replay.length > 0) next.upsert(replay);
    this.#graph = next;
    this.#compactions++;
    this.#onGraphChange?.(next.stats.nodes);
    if (this.#pending.size > 0 || this.#needsCompaction()) this.#schedule();
    else this.#release();
  }
}
